"""Time: the stages a project, plant, park or firm reached, what holds as of a year, and the
supply network as of a year.

A ``ckg:LifecycleEvent`` says that its subject reached a stage (``ckg:lifecycleStage``) at the
date a source gives (``ckg:date``: a year, a month or a day, kept at that precision) or with
only the source's words for it (``ckg:dateWording``: "this year"); a figure or a cohort's count
holds at ``ckg:asOf``. As of a year Y:

- a date counts as up to Y when its year is at most Y (a month or day of Y is up to Y);
- a project's status is the furthest project stage (``ckg:lifecycleOrder``) among its events
  dated up to Y, or undated and not preceded by a stage dated after Y (an undated "in operation"
  after a signing dated Y+1 cannot hold in Y); a project with no such stage did not exist yet;
- an agent of the supply network is left out when its first dated presence (founded, entered
  the industry, landed, began producing, built, producing) is after Y, when it closed in or
  before Y, or, for a cohort, when its count is dated after Y (the count is not known to hold
  in Y);
- what has no date is kept and counted as undated: the sources do not say when it began, so
  it is assumed to hold in Y. Every answer says how many undated things it kept.

>>> s = [Stage("signed", "2018"), Stage("landed", None, "this year"), Stage("inOperation", "2021-06")]
>>> furthest(s, 2019).stage, furthest(s, 2021).stage, furthest(s).stage
('landed', 'inOperation', 'inOperation')
>>> furthest([Stage("announced", "2020")], 2019) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.network.model import as_bool
from kg.rdf.graph import select
from kg.vocab.namespaces import local_name

PROJECT_ORDER = {"announced": 1, "signed": 2, "landed": 3, "underConstruction": 4, "trialProduction": 5,
                 "inOperation": 6, "closed": 7}
"""The project stages from announced to closed (``ckg:lifecycleOrder`` in the ontology)."""

STAGE_LABELS = {"announced": "announced", "signed": "signed", "landed": "landed",
                "underConstruction": "under construction", "trialProduction": "trial production",
                "inOperation": "in operation", "closed": "closed", "founded": "founded",
                "enteredIndustry": "entered the industry", "startedProducing": "began producing"}
"""Stage local name -> how answers print it."""

PRESENCE = frozenset({"founded", "enteredIndustry", "landed", "startedProducing", "underConstruction",
                      "trialProduction", "inOperation"})
"""Stages that say the subject was there: the earliest dated one starts its spell."""

OPERATING = "inOperation"


@dataclass(frozen=True)
class Stage:
    """One lifecycle event: the stage's local name, its date as stated ("2018", "2018-09",
    "2018-09-01"; None when undated), the source's words for when, and the product begun."""

    stage: str
    date: str | None = None
    wording: str | None = None
    product: str | None = None
    inferred: bool = False
    """The event is inferred by a rule (``ckg:inferred true``), not stated."""

    @property
    def year(self) -> int | None:
        """The year of the date, or None when undated.

        >>> Stage("landed", "2018-09").year, Stage("landed").year
        (2018, None)
        """
        return year_of(self.date)

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


def year_of(date: str | None) -> int | None:
    """The year of an xsd:gYear, gYearMonth or date lexical form; None if there is none.

    >>> year_of("2020"), year_of("2018-09"), year_of("2018-09-01"), year_of(None), year_of("soon")
    (2020, 2018, 2018, None, None)
    """
    if not date:
        return None
    head = date[:5] if date.startswith("-") else date[:4]
    try:
        return int(head)
    except ValueError:
        return None


def up_to(date: str | None, year: int | None) -> bool:
    """Whether a date counts as up to ``year`` (always, with no year or no date).

    >>> up_to("2019-12", 2019), up_to("2020", 2019), up_to(None, 2019), up_to("2020", None)
    (True, False, True, True)
    """
    y = year_of(date)
    return year is None or y is None or y <= year


def furthest(stages: Iterable[Stage], year: int | None = None) -> Stage | None:
    """The furthest project stage among ``stages`` that holds as of ``year`` (all of them when
    ``year`` is None): dated up to ``year``, or undated with no stage of the same or an earlier
    order dated after ``year``. Ties go to the dated, then the earlier one. None when no project
    stage holds (not announced yet as of ``year``)."""
    stages = list(stages)
    later = [PROJECT_ORDER[s.stage] for s in stages
             if s.stage in PROJECT_ORDER and s.date is not None and not up_to(s.date, year)]
    best = None
    for s in stages:
        order = PROJECT_ORDER.get(s.stage)
        if order is None or not up_to(s.date, year) or (s.date is None and any(o <= order for o in later)):
            continue
        key = (order, s.date is not None, -(s.year or 0))
        if best is None or key > best[0]:
            best = (key, s)
    return best[1] if best else None


def not_yet(stages: Iterable[Stage], year: int | None) -> bool:
    """Whether a project with these lifecycle ``stages`` did not exist yet as of ``year``: it has
    stages, and none of them holds then (:func:`furthest`). Never with no year or no stage.

    >>> not_yet([Stage("signed", "2020")], 2019), not_yet([Stage("signed", "2020")], None), not_yet([], 2019)
    (True, False, False)
    """
    stages = list(stages)
    return year is not None and bool(stages) and furthest(stages, year) is None


def listed(items: list[str], sep: str, most: int = 5) -> str:
    """The first ``most`` items joined with ``sep``, and how many more.

    >>> listed(list("abcdefg"), ", "), listed(["x"], "; ")
    ('a, b, c, d, e, and 2 more', 'x')
    """
    more = f"{sep}and {len(items) - most} more" if len(items) > most else ""
    return sep.join(items[:most]) + more


def spell(stages: Iterable[Stage]) -> tuple[int | None, int | None]:
    """(start, end) years of a subject: its earliest dated presence stage and the year it closed
    (None when the sources give none). The GEXF spell of a node.

    >>> spell([Stage("founded", "1990"), Stage("landed", "2011"), Stage("closed", "2020")])
    (1990, 2020)
    >>> spell([Stage("landed", None, "this year")])
    (None, None)
    """
    stages = list(stages)
    starts = [s.year for s in stages if s.stage in PRESENCE and s.year is not None]
    ends = [s.year for s in stages if s.stage == "closed" and s.year is not None]
    return (min(starts) if starts else None, min(ends) if ends else None)


_LIFECYCLE_QUERY = """
SELECT ?n ?stage ?date ?wording ?product ?inferred WHERE {
  ?n ckg:lifecycle ?e . ?e ckg:lifecycleStage ?stage .
  OPTIONAL { ?e ckg:date ?date } OPTIONAL { ?e ckg:dateWording ?wording } OPTIONAL { ?e ckg:product ?product }
  OPTIONAL { ?e ckg:inferred ?inferred }
}
"""

_COUNTED_QUERY = "SELECT ?n ?date WHERE { ?n a ckg:FirmCohort ; ckg:asOf ?date }"

_FIGURES_QUERY = "SELECT ?q ?date WHERE { ?q a ckg:Quantity ; ckg:asOf ?date }"


def read_lifecycles(graph) -> dict[str, list[Stage]]:
    """Every subject's lifecycle events, sorted (one query)."""
    found: dict[str, set[Stage]] = {}
    for n, stage, date, wording, product, inferred in select(graph, _LIFECYCLE_QUERY):
        found.setdefault(n, set()).add(Stage(local_name(stage), date, wording, product,
                                             inferred is not None and as_bool(inferred)))
    return {n: sorted(v, key=lambda s: (s.date or "", s.stage, s.wording or "", s.product or ""))
            for n, v in found.items()}


def read_counted(graph) -> dict[str, str]:
    """Cohort IRI -> the date its count holds at (``ckg:asOf``), for cohorts that have one."""
    return {n: date for n, date in select(graph, _COUNTED_QUERY)}


def read_figure_dates(graph) -> dict[str, str]:
    """Quantity IRI -> the date its figure holds at (``ckg:asOf``), for quantities that have one."""
    return {q: date for q, date in select(graph, _FIGURES_QUERY)}


@dataclass
class AsOf:
    """What a network as of a year left out and what it kept without a date."""

    year: int
    left_out: list[tuple[str, str, str]] = field(default_factory=list)
    """(IRI, label, why) of each agent left out."""
    undated_nodes: int = 0
    dated_nodes: int = 0
    links: int = 0
    """Links kept: none of them carries a date, so all are assumed to hold in the year."""

    def note(self) -> str:
        """One sentence for an answer's notes.

        >>> AsOf(2019, [("x", "X", "landed in 2020")], 3, 1, 2).note()
        'As of 2019: left out 1 agent dated later or closed (X: landed in 2020); kept 1 dated and 3 undated agents and 2 links (no date stated: assumed to hold in 2019).'
        >>> AsOf(2019, [], 1, 0, 1).note()
        'As of 2019: left out nothing; kept 0 dated and 1 undated agent and 1 link (no date stated: assumed to hold in 2019).'
        """
        out = listed([f"{label}: {why}" for _, label, why in self.left_out], ", ")
        left = (f"left out {len(self.left_out)} agent{'s' if len(self.left_out) != 1 else ''} dated later or "
                f"closed ({out})" if self.left_out else "left out nothing")
        return (f"As of {self.year}: {left}; kept {self.dated_nodes} dated and {self.undated_nodes} undated "
                f"agent{'s' if self.undated_nodes != 1 else ''} and {self.links} link{'s' if self.links != 1 else ''} "
                f"(no date stated: assumed to hold in {self.year}).")


def why_absent(data: dict, year: int) -> str | None:
    """Why an agent of the supply network (its node attributes) is not there as of ``year``,
    or None when it is.

    >>> why_absent({"start": 2011, "start_stage": "landed"}, 2010)
    'landed in 2011'
    >>> why_absent({"end": 2015}, 2019), why_absent({"counted_at": "2020"}, 2019), why_absent({}, 2019)
    ('closed in 2015', 'counted in 2020', None)
    """
    end, start, counted = data.get("end"), data.get("start"), year_of(data.get("counted_at"))
    if end is not None and end <= year:
        return f"closed in {end}"
    if start is not None and start > year:
        return f"{STAGE_LABELS.get(data.get('start_stage') or '', 'first dated')} in {start}"
    if counted is not None and counted > year:
        return f"counted in {data['counted_at']}"
    return None


def network_as_of(G, year: int):
    """The supply network ``G`` (from :func:`kg.network.project.supply_network`) as of ``year``:
    the agents present then and the links among them. ``G.graph["as_of"]`` holds an :class:`AsOf`.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("a", label="A", start=1963, start_stage="startedProducing")
    >>> G.add_node("b", label="B", start=2011, start_stage="landed")
    >>> G.add_node("c", label="C")
    >>> G.add_edges_from([("a", "b"), ("a", "c")])
    >>> H = network_as_of(G, 2010)
    >>> sorted(H), list(H.edges()), H.graph["as_of"].left_out
    (['a', 'c'], [('a', 'c')], [('b', 'B', 'landed in 2011')])
    """
    left_out = []
    keep = []
    for n, data in G.nodes(data=True):
        why = why_absent(data, year)
        if why is not None:
            left_out.append((n, data.get("label") or local_name(n), why))
        else:
            keep.append(n)
    H = G.subgraph(keep).copy()
    H.graph["as_of"] = scoped(AsOf(year, left_out), H)
    return H


def is_dated(data: dict) -> bool:
    """Whether a node of the supply network has any date (a start, an end, a count's date)."""
    return any(data.get(k) is not None for k in ("start", "end", "counted_at"))


def scoped(note: AsOf, network, members: set[str] | None = None) -> AsOf:
    """``note`` for a part of the network as of its year: the agents of ``members`` (all when
    None) it left out, and the dated and undated agents and the links of ``network``.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b")]); G.nodes["a"]["start"] = 1990
    >>> n = scoped(AsOf(2000, [("x", "X", "landed in 2011"), ("y", "Y", "closed in 1999")]), G, {"a", "b", "y"})
    >>> n.left_out, n.dated_nodes, n.undated_nodes, n.links
    ([('y', 'Y', 'closed in 1999')], 1, 1, 1)
    """
    left = sorted((t for t in note.left_out if members is None or t[0] in members),
                  key=lambda t: (t[1].casefold(), t[0]))
    dated = sum(1 for _, d in network.nodes(data=True) if is_dated(d))
    return AsOf(note.year, left, network.number_of_nodes() - dated, dated, network.number_of_edges())
