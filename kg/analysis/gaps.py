"""Value-chain coverage of a cluster or place: for each stage, what the sources state is
there (firms, projects, cluster-level statements), how much of it, from which quote, and for
a stage the sources are silent on, who elsewhere makes it.

A stage of the main chain (``ckg:stageOrder`` 1 or more) gets one verdict, the strongest
evidence first:

- **covered**: a firm, group or cohort producing in the scope makes a product of the stage,
  or a project in the scope with status in operation does;
- **stated**: only a statement about the cluster or place as a whole says the stage is
  there (a :class:`Statement`, a capacity stated for the cluster, or a project whose status
  no source states);
- **coming**: only projects not yet operating (announced, signed, landed, under construction, trial production), with
  their year where stated;
- **not stated**: the sources name nothing. That is not a statement that the stage is
  absent; :attr:`StageCoverage.candidates` lists firms and projects elsewhere that make it.

Supporting stages (order 0) are listed only when something is stated for them. A statement of
a weakness of the chain (``ckg:ChainWeaknessStatement``, "short industrial chain") is a note
on the whole answer, never a missing stage. Where agents produce (a firm's ``ckg:locatedIn``,
never its ``ckg:headquarteredIn``) is decided by the caller (:mod:`kg.services.gaps`), which
passes the ``scope``.

A product counts for the stage its ``ckg:stage`` names, or its nearest ``skos:broader``
concept's (:func:`kg.network.scheme.product_stages`). A capacity counts for a stage when its
``ckg:product`` is of that stage, or, without a product, when every product of its holder is.

>>> stages = {"s": {"order": 3, "label": "smelting"}, "r": {"order": 5, "label": "rolling"}}
>>> facts = ChainFacts(producers={"a": Producer("a", "Firm A", "firm", ("ingot",))},
...                    projects={"p": Project("p", "Mill", "signed", "2025", ("plate",))})
>>> r = gaps(facts, {"a", "p"}, stages, {"ingot": {"s"}, "plate": {"r"}}, {}, cluster="c", label="C")
>>> [(s.label, s.verdict) for s in r.stages]
[('smelting', 'covered'), ('rolling', 'coming')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.network.time import listed
from kg.vocab.namespaces import last_segment

VERDICTS = ("covered", "stated", "coming", "not stated")
"""The verdicts of a stage, strongest evidence first."""

OPERATING = "in operation"
"""The status label of a project that covers its stages; every other stated status but closed is coming."""

CLOSED = "closed"
"""The status label of a project that neither covers its stages nor is coming."""


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: the article's title and the verbatim quote."""

    title: str
    quote: str


@dataclass(frozen=True)
class Amount:
    """A stated quantity: value, unit IRI, bound ("exact", "at least", "about", "at most"),
    the source's wording and the product it is of (None: the holder's products)."""

    value: float
    unit: str
    bound: str = "exact"
    wording: str | None = None
    product: str | None = None


@dataclass(frozen=True)
class Producer:
    """A firm, group or cohort: what it makes, where it is (place, cluster and headquarters
    labels), its stated capacities and the quotes it rests on."""

    iri: str
    label: str
    kind: str
    products: tuple[str, ...] = ()
    members: int | None = None
    places: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    headquarters: tuple[str, ...] = ()
    capacities: tuple[Amount, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Project:
    """An investment project: its status label (the furthest stage it reached: "announced",
    "signed", "landed", "under construction", "trial production", "in operation", "closed"; None
    when no source states one) and that stage's date as stated ("2018", "2018-09"; None if undated)."""

    iri: str
    label: str
    status: str | None = None
    year: str | None = None
    products: tuple[str, ...] = ()
    capacities: tuple[Amount, ...] = ()
    places: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    status_inferred: bool = False
    """The status is inferred by a rule, not stated (the stage's event has ``ckg:inferred true``)."""


@dataclass(frozen=True)
class Statement:
    """What a source says of the chain of a cluster or place (``about``, its label) as a whole:
    the ``stages`` it has, or (``weakness``, the source's words) a weakness of the chain."""

    iri: str
    about: str
    stages: tuple[str, ...] = ()
    weakness: str | None = None
    note: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass
class ChainFacts:
    """The facts of the graph: every producer and project (candidates come from them all), and
    the statements and capacities stated for the cluster or place as a whole (already only
    those about the scope), and the groups only headquartered in the scope."""

    producers: dict[str, Producer] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    totals: list[Amount] = field(default_factory=list)
    total_sources: tuple[Source, ...] = ()
    headquartered: list[Producer] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """As of a year: (IRI, why) of each producer, project or capacity left out as dated later."""
    undated: int = 0
    """As of a year: how many producers, projects and capacities were kept with no date."""

    def as_of_note(self, year: int) -> str:
        """What the facts as of ``year`` rest on, in one sentence.

        >>> ChainFacts(left_out=[("p", "Mill: first stage dated 2020")], undated=4).as_of_note(2019)
        'As of 2019: left out 1 dated later (Mill: first stage dated 2020); kept 4 producers, projects and capacities with no date stated (assumed to hold in 2019).'
        """
        shown = listed([why for _, why in sorted(self.left_out, key=lambda t: t[1])], "; ")
        left = f"left out {len(self.left_out)} dated later ({shown})" if self.left_out else "left out nothing"
        kept = "producer, project or capacity" if self.undated == 1 else "producers, projects and capacities"
        return f"As of {year}: {left}; kept {self.undated} {kept} with no date stated (assumed to hold in {year})."


@dataclass(frozen=True)
class Candidate:
    """A firm, group, cohort or project outside the scope that makes products of a stage."""

    iri: str
    label: str
    kind: str
    where: list[str]
    products: list[str]
    product_labels: list[str]
    status: str | None = None
    year: str | None = None


@dataclass(frozen=True)
class StageCoverage:
    """One stage: its verdict and depth. ``producers`` are (producer, its products of the stage);
    ``operating``, ``coming`` and ``unknown_status`` are (project, its products of the stage);
    ``capacity`` sums, per unit, the capacities of the producers and operating projects;
    ``totals`` are capacities stated for the whole cluster or place."""

    stage: str
    label: str
    order: int | None
    verdict: str
    producers: list[tuple[Producer, list[str]]]
    operating: list[tuple[Project, list[str]]]
    coming: list[tuple[Project, list[str]]]
    unknown_status: list[tuple[Project, list[str]]]
    statements: list[Statement]
    capacity: list[Amount]
    totals: list[Amount]
    sources: list[Source]
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.verdict == "covered"

    @property
    def firm_count(self) -> int:
        """Named firms and groups (cohorts are counted apart)."""
        return sum(p.kind != "cohort" for p, _ in self.producers)


@dataclass(frozen=True)
class Gaps:
    """Value-chain coverage of ``cluster`` (IRI, ``label``): ``agents`` producers and
    ``projects`` projects in it; ``stages`` upstream first; ``notes`` (weaknesses stated for
    the chain, products without a stage, headquarters that are not production places)."""

    cluster: str
    label: str
    agents: int
    projects: int
    stages: list[StageCoverage]
    unstaged_products: list[str]
    notes: list[str]
    weaknesses: list[Statement] = field(default_factory=list)

    @property
    def covered(self) -> list[str]:
        """IRIs of the stages with the verdict covered."""
        return [s.stage for s in self.stages if s.verdict == "covered"]

    @property
    def not_stated(self) -> list[str]:
        """IRIs of the main-chain stages the sources are silent on."""
        return [s.stage for s in self.stages if s.verdict == "not stated"]


def sum_amounts(amounts: Iterable[Amount]) -> list[Amount]:
    """Amounts summed per unit; the sum is "exact" only if every part is, "at least" if the
    others are exact or at least, else "about".

    >>> sum_amounts([Amount(1, "t"), Amount(2, "t", "at least"), Amount(5, "m2")])
    [Amount(value=5, unit='m2', bound='exact', wording=None, product=None), Amount(value=3, unit='t', bound='at least', wording=None, product=None)]
    """
    by_unit: dict[str, tuple[float, set[str]]] = {}
    for a in amounts:
        value, bounds = by_unit.get(a.unit, (0, set()))
        by_unit[a.unit] = (value + a.value, bounds | {a.bound or "exact"})
    out = []
    for unit in sorted(by_unit):
        value, bounds = by_unit[unit]
        bound = "exact" if bounds == {"exact"} else "at least" if bounds <= {"exact", "at least"} else "about"
        out.append(Amount(value, unit, bound))
    return out


def gaps(facts: ChainFacts, scope: set[str], stages: dict[str, dict], prod_stage: dict[str, set[str]],
         prod_label: dict[str, str], *, cluster: str, label: str) -> Gaps:
    """Value-chain coverage of the cluster or place ``cluster`` (IRI; ``label`` its name).

    ``scope`` holds the IRIs of the producers and projects that produce in it; ``facts``
    the producers and projects of the whole graph and the statements about the scope.
    ``stages`` is stage IRI -> {"order", "label"}; ``prod_stage`` and ``prod_label`` map
    product IRIs to stages and labels (:mod:`kg.network.scheme`).
    """
    stages = dict(stages)

    def of_stage(products: Iterable[str], s: str) -> list[str]:
        return sorted(p for p in set(products) if s in prod_stage.get(p, ()))

    def counted(amounts, products, s) -> list[Amount]:
        """The amounts of a holder making ``products`` that count for stage ``s``."""
        own = [prod_stage.get(p) for p in products]
        only_s = bool(own) and all(st == {s} for st in own)
        return [a for a in amounts if (s in prod_stage.get(a.product, ()) if a.product else only_s)]

    producers = [facts.producers[n] for n in sorted(scope) if n in facts.producers]
    projects = [facts.projects[n] for n in sorted(scope) if n in facts.projects]
    covering = {s for x in producers + projects for p in x.products for s in prod_stage.get(p, ())}
    covering |= {s for st in facts.statements for s in st.stages}
    covering |= {s for a in facts.totals if a.product for s in prod_stage.get(a.product, ())}
    for s in covering:  # a stage used but never declared
        stages.setdefault(s, {"order": None, "label": last_segment(s)})
    main = {s for s, d in stages.items() if d["order"] is not None and d["order"] >= 1}
    rows = []
    for s in sorted(main | covering, key=lambda s: _order_key(stages, s)):
        made = [(p, of_stage(p.products, s)) for p in producers]
        made = [(p, ps) for p, ps in made if ps]
        runs = [(p, of_stage(p.products, s)) for p in projects]
        runs = [(p, ps) for p, ps in runs if ps]
        operating = [(p, ps) for p, ps in runs if p.status == OPERATING]
        coming = [(p, ps) for p, ps in runs if p.status not in (None, OPERATING, CLOSED)]
        unknown = [(p, ps) for p, ps in runs if p.status is None]
        said = [st for st in facts.statements if s in st.stages]
        totals = [a for a in facts.totals if a.product and s in prod_stage.get(a.product, ())]
        capacity = sum_amounts(
            [a for p, _ in made for a in counted(p.capacities, p.products, s)]
            + [a for p, _ in operating for a in counted(p.capacities, p.products, s)])
        if made or operating:
            verdict = "covered"
        elif said or totals or unknown:
            verdict = "stated"
        elif coming:
            verdict = "coming"
        else:
            verdict = "not stated"
        sources = [src for x, _ in made + operating + coming + unknown for src in x.sources]
        sources += [src for st in said for src in st.sources]
        sources += list(facts.total_sources) if totals else []
        rows.append(StageCoverage(
            s, stages[s]["label"], stages[s]["order"], verdict, made, operating, coming, unknown, said,
            capacity, totals, list(dict.fromkeys(sources)),
            _candidates(facts, scope, s, prod_stage, prod_label) if verdict == "not stated" else []))
    unstaged = sorted({p for x in producers + projects for p in x.products if p not in prod_stage})
    weaknesses = [st for st in facts.statements if st.weakness]
    notes = _notes(facts, producers, projects, unstaged, prod_stage, prod_label, label, weaknesses)
    return Gaps(cluster, label, len(producers), len(projects), rows, unstaged, notes, weaknesses)


def _order_key(stages: dict, s: str):
    order = stages[s]["order"]
    return (order is None or order < 1, order if order is not None else 0, stages[s]["label"].casefold(), s)


def _candidates(facts: ChainFacts, scope: set[str], s: str, prod_stage, prod_label) -> list[Candidate]:
    """Producers and projects outside ``scope`` that make a product of stage ``s``."""
    found = []
    for x in list(facts.producers.values()) + list(facts.projects.values()):
        if x.iri in scope:
            continue
        products = sorted(p for p in set(x.products) if s in prod_stage.get(p, ()))
        if not products:
            continue
        labels = [prod_label.get(p, last_segment(p)) for p in products]
        if isinstance(x, Project):
            found.append(Candidate(x.iri, x.label, "project", where_of(x), products, labels, x.status or "status not stated", x.year))
        else:
            found.append(Candidate(x.iri, x.label, x.kind, where_of(x), products, labels))
    found.sort(key=lambda c: (c.kind == "project", c.label.casefold(), c.iri))
    return found


def where_of(x: Producer | Project) -> list[str]:
    """Where a producer or project is, as the sources place it: its places, else its clusters;
    a headquarters is named as such.

    >>> where_of(Producer("w", "W", "group", clusters=("Binzhou cluster",), headquarters=("Zouping",)))
    ['Binzhou cluster', 'headquarters: Zouping']
    >>> where_of(Project("p", "P"))
    ['place not stated']
    """
    where = list(x.places) or list(x.clusters)
    where += [f"headquarters: {h}" for h in getattr(x, "headquarters", ())]
    return where or ["place not stated"]


def _notes(facts, producers, projects, unstaged, prod_stage, prod_label, label, weaknesses) -> list[str]:
    notes = []
    for st in weaknesses:
        quotes = " ".join(f"{src.title}: “{src.quote}”" for src in st.sources)
        notes.append(f"{st.about}: a source states a weakness of the chain as a whole, “{st.weakness}” "
                     f"(not a missing stage). {quotes}".rstrip())
    for g in facts.headquartered:
        notes.append(f"{g.label} has its headquarters here ({', '.join(g.headquarters)}); where it produces "
                     "is not stated, so its products do not count here.")
    if unstaged:
        makers = sorted({x.label for x in producers + projects if set(x.products) & set(unstaged)})
        notes.append("Products of no single stage, not counted for any stage: "
                     + ", ".join(prod_label.get(p, last_segment(p)) for p in unstaged)
                     + f" ({'; '.join(makers)}).")
    if not producers and not projects and not facts.statements and not facts.totals:
        notes.append(f"No firm, project or statement is placed in {label}: every stage is not stated.")
    return notes
