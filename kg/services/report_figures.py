"""What the report cites: numbered quotes (each printed once) and a cluster's key figures.

:class:`~kg.services.report_quotes.QuoteBook` numbers every quote the report cites; facts refer
to quotes by number. :func:`key_figures`
gathers the amounts the graph states for a cluster, its members and its projects (output
values, capacities, investments, outputs, market shares, floor areas), each with its
bound as worded ("more than", "about"), its original wording and its quotes;
:func:`stated_counts` the counts of firm cohorts as the sources word them; :func:`projects`
the cluster's projects at the furthest stage reached; :func:`targets` the goals set for it;
:func:`graph_counts` what the graph names.

>>> from kg.rdf.graph import open_graph
>>> g = open_graph()
>>> book = QuoteBook.from_graph(g)
>>> figs = key_figures(read_quantities(g), {"https://w3id.org/cluster-kg/id/cluster-binzhou"})
>>> [(f["measure"], f["text"]) for f in figs]  # doctest: +NORMALIZE_WHITESPACE
[('output value', '330,000,000,000 yuan'), ('R&D intensity', 'more than 1.2 %'),
 ('digitalisation rate', '85 %'), ('added value per tonne', '80,000 yuan/t'),
 ('added value per tonne', '5,000 yuan/t'), ('added value per tonne', '500 yuan/t'),
 ('cost saved per tonne', '700 yuan/t')]
>>> book.cite_evidence(figs[0]["evidence"]), book.quotes()[0]["sources"]
([1], ['The hottest aluminum metropolis seeks to change. T'])
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from kg.network.model import as_bool
from kg.network.time import furthest, listed, not_yet, read_lifecycles, up_to
from kg.rdf.graph import select
from kg.render.text import format_unit, quantity
from kg.services.report_quotes import QuoteBook, bare_quote, cite_in_text
from kg.vocab.namespaces import last_segment

MEASURES = {
    "outputValue": "output value",
    "output": "output",
    "capacity": "capacity",
    "investment": "investment",
    "marketShare": "market share",
    "floorArea": "floor area",
    "outputValueIncrease": "added output value",
    "enterpriseCount": "enterprises",
    "rdIntensity": "R&D intensity",
    "digitalisationRate": "digitalisation rate",
    "addedValuePerTonne": "added value per tonne",
    "costSavingPerTonne": "cost saved per tonne",
}
"""Quantity properties the report shows (local name -> wording), in this order."""

BOUND_WORDS = {"exact": "", "at least": "more than", "at most": "at most", "about": "about"}
"""How a figure words its ``ckg:bound`` ("at least" is how the data records "more than N")."""


_QUANTITIES = """
SELECT ?s ?p ?q ?value ?unit ?unitLabel ?bound ?wording ?period ?productLabel ?ev ?asOf ?inferred WHERE {
  VALUES ?p { MEASURES }
  ?s ?p ?q . ?q qudt:numericValue ?value .
  OPTIONAL { ?q qudt:unit ?unit OPTIONAL { ?unit rdfs:label ?unitLabel FILTER(langMatches(lang(?unitLabel), "en")) } }
  OPTIONAL { ?q ckg:bound ?bound } OPTIONAL { ?q ckg:originalWording ?wording }
  OPTIONAL { ?q ckg:period ?period }
  OPTIONAL { ?q ckg:product ?product . ?product skos:prefLabel ?productLabel
             FILTER(langMatches(lang(?productLabel), "en")) }
  OPTIONAL { ?q prov:wasDerivedFrom ?ev }
  OPTIONAL { ?q ckg:asOf ?asOf }
  OPTIONAL { ?q ckg:inferred ?inferred }
}
""".replace("MEASURES", " ".join(f"ckg:{m}" for m in MEASURES))


_SUBJECTS = """
SELECT ?s ?label ?type ?targetYear ?dateWording ?goal WHERE {
  ?s a ?type . VALUES ?type { ckg:IndustrialCluster ckg:Firm ckg:EnterpriseGroup ckg:FirmCohort ckg:Project
                              ckg:Target ckg:IndustrialPark ckg:DevelopmentZone ckg:Province ckg:City ckg:County }
  OPTIONAL { ?s skos:prefLabel ?label FILTER(langMatches(lang(?label), "en")) }
  OPTIONAL { ?s a ckg:Target . OPTIONAL { ?s ckg:targetYear ?targetYear } OPTIONAL { ?s ckg:dateWording ?dateWording }
             OPTIONAL { ?s ckg:originalWording ?goal } }
}
"""


def read_quantities(graph, *, as_of: int | None = None) -> dict:
    """Everything :func:`key_figures`, :func:`projects`, :func:`targets` and :func:`graph_counts` read:
    ``{"quantities": [...], "subjects": {iri: {label, kind, status, year, …}}, "left_out": [...],
    "undated": n}``. A project's status is the furthest stage it reached and ``year`` that stage's
    date (:func:`kg.network.time.furthest`). With ``as_of`` (a year), figures dated later and
    projects whose every stage is dated later are left out (``left_out``: their descriptions) and
    ``undated`` counts the figures and projects kept without a date."""
    found: dict[str, dict] = {}
    left_out: list[str] = []
    for s, p, q, value, unit, unit_label, bound, wording, period, product, ev, dated, inferred in select(
            graph, _QUANTITIES):
        d = found.get(q)
        if d is None:
            d = found[q] = {"subject": s, "measure": MEASURES[last_segment(p)], "value": float(value),
                            "unit": unit, "unit_label": unit_label, "bound": bound or "exact",
                            "wording": wording, "period": period, "product": product, "evidence": set(),
                            "as_of": dated, "inferred": inferred is not None and as_bool(inferred)}
        if ev:
            d["evidence"].add(ev)
    lifecycles = read_lifecycles(graph)
    subjects: dict[str, dict] = {}
    for s, label, kind, target_year, date_wording, goal in select(graph, _SUBJECTS):
        d = subjects.get(s)
        if d is None:
            stage = furthest(lifecycles.get(s, ()), as_of)
            d = subjects[s] = {"label": None, "kind": last_segment(kind), "status": stage.label if stage else None,
                               "status_inferred": bool(stage and stage.inferred),
                               "year": stage.date if stage else None, "target_year": target_year,
                               "date_wording": date_wording, "goal": goal,
                               "absent": last_segment(kind) == "Project" and not_yet(lifecycles.get(s, ()), as_of)}
        if label is not None and (d["label"] is None or label < d["label"]):
            d["label"] = label
    undated = 0
    if as_of is not None:
        for q, d in list(found.items()):
            if not up_to(d["as_of"], as_of):
                subject = subjects.get(d["subject"], {}).get("label") or last_segment(d["subject"])
                left_out.append(f"{subject}: {d['measure']} as of {d['as_of']}")
                del found[q]
            elif subjects.get(d["subject"], {}).get("kind") != "Target":
                undated += d["as_of"] is None
        for s, d in subjects.items():
            if d["absent"]:
                left_out.append(f"{d['label'] or last_segment(s)}: no stage up to {as_of}")
            elif d["kind"] == "Project":
                undated += not any(st.date for st in lifecycles.get(s, ()))
    return {"quantities": list(found.values()), "subjects": subjects, "left_out": sorted(left_out),
            "undated": undated, "as_of": as_of}


def as_of_note(read: dict) -> str | None:
    """What the figures and projects as of a year rest on (None without a year).

    >>> as_of_note({"as_of": 2019, "left_out": ["Mill: capacity as of 2020"], "undated": 3})
    'As of 2019: left out 1 figure or project dated later (Mill: capacity as of 2020); kept 3 figures and projects with no date stated (assumed to hold in 2019).'
    """
    year = read.get("as_of")
    if year is None:
        return None
    shown = listed(read["left_out"], "; ")
    left = (f"left out {len(read['left_out'])} figure{'s' if len(read['left_out']) != 1 else ''} or project"
            f"{'s' if len(read['left_out']) != 1 else ''} dated later ({shown})") if read["left_out"] else "left out nothing"
    kept = "figure or project" if read["undated"] == 1 else "figures and projects"
    return f"As of {year}: {left}; kept {read['undated']} {kept} with no date stated (assumed to hold in {year})."


_UNIT_NAMES = {"M2": "m²"}
"""Units the shared :func:`~kg.render.text.format_unit` leaves as their QUDT name and the graph does not label."""


def unit_text(unit: str | None, label: str | None) -> str:
    """A unit as :func:`~kg.render.text.format_unit` writes it, else its English label in the graph."""
    short = format_unit(unit)
    if unit and short == last_segment(unit):
        return label or _UNIT_NAMES.get(short, short)
    return short


def figure_text(value: float, unit: str | None, bound: str, unit_label: str | None = None) -> str:
    """An amount with its bound, thousands separators and unit.

    >>> figure_text(60e9, "http://qudt.org/vocab/unit/CCY_CNY", "at least")
    'more than 60,000,000,000 yuan'
    >>> figure_text(3e6, "https://w3id.org/cluster-kg/unit/M2-PER-YR", "about", "square metres per year")
    'about 3,000,000 m²/yr'
    """
    amount = f"{quantity(value)} {unit_text(unit, unit_label)}".strip()
    word = BOUND_WORDS.get(bound, bound)
    return f"{word} {amount}" if word else amount


_SUBJECT_ORDER = {"IndustrialCluster": 0, "EnterpriseGroup": 1, "Firm": 1, "FirmCohort": 2, "Project": 3}


def key_figures(read: dict, members: set[str]) -> list[dict]:
    """The stated amounts of the cluster and its ``members`` (the cluster's own IRI included),
    sorted: the cluster's own first, then by measure, unit and value, largest first. ``evidence``
    lists the evidence nodes (:meth:`QuoteBook.cite_evidence` numbers their quotes)."""
    subjects = read["subjects"]
    out = []
    for q in read["quantities"]:
        s = q["subject"]
        if s not in members:
            continue
        info = subjects.get(s, {})
        kind = info.get("kind", "")
        if kind == "Target" or info.get("absent"):
            continue  # a goal is not a figure (see targets); a project not there yet
        out.append({
            "subject": s,
            "subject_label": info.get("label") or last_segment(s),
            "subject_kind": kind,
            "status": info.get("status"),
            "year": info.get("year"),
            "measure": q["measure"],
            "value": q["value"],
            "unit": unit_text(q["unit"], q["unit_label"]),
            "bound": q["bound"],
            "text": figure_text(q["value"], q["unit"], q["bound"], q["unit_label"]),
            "wording": q["wording"],
            "period": q["period"],
            "as_of": q["as_of"],
            "inferred": q["inferred"],
            "product": q["product"],
            "evidence": sorted(q["evidence"]),
        })
    measure_order = {m: i for i, m in enumerate(MEASURES.values())}
    out.sort(key=lambda f: (_SUBJECT_ORDER.get(f["subject_kind"], 9) > 0, measure_order[f["measure"]],
                            f["unit"], -f["value"], f["subject_label"].casefold(), f["text"]))
    return out


_COHORTS = """
SELECT ?c ?n ?wording ?ev ?asOf WHERE {
  ?c a ckg:FirmCohort ; ckg:memberCount ?n .
  OPTIONAL { ?c ckg:originalWording ?wording } OPTIONAL { ?c prov:wasDerivedFrom ?ev }
  OPTIONAL { ?c ckg:asOf ?asOf }
}
"""

_MORE = re.compile(r"\b(more than|over|exceeding|at least)\b|\+", re.IGNORECASE)
_ABOUT = re.compile(r"\b(about|nearly|around|approximately|almost)\b", re.IGNORECASE)


def stated_counts(graph, read: dict, members: set[str], book: QuoteBook) -> list[dict]:
    """The counts of the cluster's firm cohorts as the sources word them ("more than 60"), largest
    first; the quotes are the cohort's evidence that contains the wording (else all of it). As of a
    year (``read["as_of"]``), a count dated later is left out."""
    rows: dict[str, dict] = {}
    for c, n, wording, ev, dated in select(graph, _COHORTS):
        if c not in members or not up_to(dated, read.get("as_of")):
            continue
        d = rows.setdefault(c, {"n": int(float(n)), "wording": wording, "evidence": set(), "as_of": dated})
        if ev:
            d["evidence"].add(ev)
    out = []
    for c, d in rows.items():
        wording = d["wording"] or ""
        bound = "at least" if _MORE.search(wording) else "about" if _ABOUT.search(wording) else "exact"
        key = wording.lower().removeprefix("the ").strip()
        evidence = {e for e in d["evidence"] if key and key in book.evidence.get(e, "").lower()} or d["evidence"]
        word = BOUND_WORDS[bound]
        out.append({
            "subject": c,
            "subject_label": read["subjects"].get(c, {}).get("label") or last_segment(c),
            "value": d["n"],
            "bound": bound,
            "text": f"{word} {quantity(d['n'])} enterprises".strip(),
            "wording": d["wording"],
            "as_of": d["as_of"],
            "evidence": sorted(evidence),
        })
    out.sort(key=lambda r: (-r["value"], r["subject_label"].casefold()))
    return out


_PROJECT_DETAILS = """
SELECT ?p ?investor ?investorLabel WHERE {
  ?p a ckg:Project ; ckg:investor ?investor .
  OPTIONAL { ?investor skos:prefLabel ?investorLabel FILTER(langMatches(lang(?investorLabel), "en")) }
}
"""

STATUS_ORDER = ["in operation", "trial production", "under construction", "landed", "signed", "announced", "closed"]
"""The order projects are listed in, by the furthest stage they reached."""


def projects(graph, read: dict, members: set[str]) -> list[dict]:
    """The cluster's projects: label, status (the furthest stage reached), its date and the
    investors, by status (:data:`STATUS_ORDER`, then not stated), then date and label."""
    investors: dict[str, set[str]] = defaultdict(set)
    for p, inv, label in select(graph, _PROJECT_DETAILS):
        if p in members:
            investors[p].add(label or last_segment(inv))
    out = []
    for s, d in read["subjects"].items():
        if d["kind"] != "Project" or s not in members or d["absent"]:
            continue
        out.append({"project": s, "label": d["label"] or last_segment(s), "status": d["status"] or "not stated",
                    "status_inferred": d["status_inferred"],
                    "year": d["year"], "investors": sorted(investors.get(s, ()))})
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    out.sort(key=lambda p: (order.get(p["status"], len(order)), p["year"] or "9999", p["label"].casefold()))
    return out


def targets(read: dict, members: set[str]) -> list[dict]:
    """The goals set for the cluster or its members (``ckg:Target``, never an actual): label, the
    year or words for when, the goal as worded, and its figures (as :func:`key_figures` gives them),
    by year (undated last), then label."""
    figures: dict[str, list[dict]] = defaultdict(list)
    for q in read["quantities"]:
        figures[q["subject"]].append({"measure": q["measure"], "text": figure_text(q["value"], q["unit"], q["bound"],
                                                                                 q["unit_label"]),
                                      "wording": q["wording"], "evidence": sorted(q["evidence"])})
    out = []
    for s, d in read["subjects"].items():
        if d["kind"] != "Target" or s not in members:
            continue
        out.append({"target": s, "label": d["label"] or last_segment(s), "year": d["target_year"],
                    "when": d["date_wording"], "goal": d["goal"],
                    "figures": sorted(figures.get(s, ()), key=lambda f: (f["measure"], f["text"]))})
    out.sort(key=lambda t: (t["year"] or "9999", t["label"].casefold()))
    return out


def graph_counts(read: dict, members: set[str]) -> dict:
    """How many firms, enterprise groups, cohorts and projects the graph names in the cluster
    (counted by kg, not stated by a source), and projects by status."""
    kinds = Counter(read["subjects"][s]["kind"] for s in members if s in read["subjects"])
    status = Counter(read["subjects"][s]["status"] or "not stated" for s in members
                     if read["subjects"].get(s, {}).get("kind") == "Project" and not read["subjects"][s]["absent"])
    return {"firms": kinds["Firm"], "groups": kinds["EnterpriseGroup"], "cohorts": kinds["FirmCohort"],
            "projects": sum(status.values()), "targets": kinds["Target"],
            "projects_by_status": {k: status[k] for k in [*STATUS_ORDER, "not stated"] if status[k]}}


def cut(items: list, top: int) -> tuple[list, int]:
    """The first ``top`` items and how many were left out.

    >>> cut([1, 2, 3], 2), cut([1], 2)
    (([1, 2], 1), ([1], 0))
    """
    return items[:top], max(0, len(items) - top)


def trim_gaps(found: dict, book: QuoteBook, top: int) -> dict:
    """``found`` (the gaps section of a cluster) with every list inside a stage cut to ``top``
    (``KEY_more``: how many were left out) and quotes (text) replaced by their numbers."""
    out = {}
    for section, stages in found.items():
        if not isinstance(stages, list):
            out[section] = stages
            continue
        if section == "notes":
            out[section] = [cite_in_text(n, book) if isinstance(n, str) else n for n in stages]
            continue
        kept = []
        for stage in stages:
            if not isinstance(stage, dict):
                kept.append(stage)
                continue
            d = {}
            for key, value in stage.items():
                if key == "quotes" and isinstance(value, list):
                    texts = list(dict.fromkeys(bare_quote(v, book) for v in value if isinstance(v, str)))
                    d[key] = book.cite_joined(texts[:top])
                    if len(texts) > top:
                        d[f"{key}_more"] = len(texts) - top
                elif key == "statements" and isinstance(value, list):
                    d[key] = [cite_in_text(v, book) if isinstance(v, str) else v for v in value]
                elif isinstance(value, list) and len(value) > top:
                    d[key], d[f"{key}_more"] = cut(value, top)
                else:
                    d[key] = value
            kept.append(d)
        out[section] = kept
    return out
