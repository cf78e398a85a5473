"""Value-chain gaps of a cluster: which stages its firms cover, which they miss,
and which firms elsewhere in the graph make what is missing.

A product counts for the stage its ``ckg:stage`` names; a product without one
takes the stage of its nearest ``skos:broader`` concept that has one. The main
chain is every stage with ``ckg:stageOrder`` 1 or more; supporting stages
(order 0) are reported when covered but never counted as missing.

The analysis takes the supply network, the cluster's members and the scheme
(:func:`kg.network.scheme.read_stages`, :func:`kg.network.scheme.product_stages`);
:func:`kg.services.supply.gaps` reads them from a graph.

>>> from kg.network.model import network_from_edges
>>> G = network_from_edges([], nodes=["a", "b"])
>>> G.nodes["a"]["products"], G.nodes["b"]["products"] = ["ingot"], ["plate"]
>>> stages = {"smelting": {"order": 1, "label": "smelting"}, "rolling": {"order": 2, "label": "rolling"}}
>>> r = gaps(G, {"a"}, stages, {"ingot": {"smelting"}, "plate": {"rolling"}}, {}, cluster="c", label="Home")
>>> [(s.label, s.covered, s.candidates and s.candidates[0].iri) for s in r.stages]
[('smelting', True, []), ('rolling', False, 'b')]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.network.model import node_label
from kg.vocab.namespaces import last_segment


@dataclass(frozen=True)
class Candidate:
    """A firm outside the cluster that makes ``products`` of a missing stage."""

    iri: str
    label: str
    kind: str
    cluster_labels: list[str]
    products: list[str]
    product_labels: list[str]


@dataclass(frozen=True)
class StageCoverage:
    """One stage: whether the cluster covers it, which of its firms make which products of
    it, and for a missing main-chain stage the ``candidates`` elsewhere."""

    stage: str
    label: str
    order: int | None
    covered: bool
    firms: list[str]
    firm_labels: list[str]
    products: list[str]
    product_labels: list[str]
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Gaps:
    """Value-chain coverage of ``cluster`` (its IRI and label); ``agents`` is the number
    of firms, groups and cohorts in it. ``stages`` lists the main-chain stages and any
    covered supporting stage, upstream first. ``unstaged_products`` are products of the
    cluster's firms that no stage can be found for."""

    cluster: str
    label: str
    agents: int
    stages: list[StageCoverage]
    unstaged_products: list[str]

    @property
    def covered(self) -> list[str]:
        """IRIs of the covered stages."""
        return [s.stage for s in self.stages if s.covered]

    @property
    def missing(self) -> list[str]:
        """IRIs of the main-chain stages no firm of the cluster covers."""
        return [s.stage for s in self.stages if not s.covered]


def gaps(G, members: set[str], stages: dict[str, dict], prod_stage: dict[str, set[str]],
         prod_label: dict[str, str], *, cluster: str, label: str) -> Gaps:
    """Value-chain coverage and gaps of the cluster ``cluster`` (IRI; ``label`` its name)
    whose ``members`` are agents of the supply network ``G``.

    ``stages`` is stage IRI -> {"order", "label"} (:func:`kg.network.scheme.read_stages`);
    ``prod_stage`` and ``prod_label`` are product IRI -> stages and product IRI -> label
    (:func:`kg.network.scheme.product_stages`). ``stages`` is not changed.
    """
    stages = dict(stages)

    def plabel(p: str) -> str:
        return prod_label.get(p, last_segment(p))

    inside = [n for n in G if n in members]
    covering: dict[str, dict[str, set[str]]] = {}  # stage -> firm -> products
    unstaged = set()
    for n in inside:
        for p in G.nodes[n]["products"]:
            if p not in prod_stage:
                unstaged.add(p)
            for s in prod_stage.get(p, ()):
                covering.setdefault(s, {}).setdefault(n, set()).add(p)

    def name(n: str) -> str:
        return node_label(G, n)

    main = [s for s, d in stages.items() if d["order"] is not None and d["order"] >= 1]
    shown = set(main) | set(covering)
    for s in covering:  # a stage used by a product but never declared
        stages.setdefault(s, {"order": None, "label": last_segment(s)})
    missing = {s for s in main if s not in covering}

    candidates: dict[str, list[Candidate]] = {s: [] for s in missing}
    if missing:
        for n in G:
            if n in members:
                continue
            made: dict[str, list[str]] = {}
            for p in G.nodes[n]["products"]:
                for s in prod_stage.get(p, ()):
                    if s in missing:
                        made.setdefault(s, []).append(p)
            for s, products in made.items():
                products = sorted(set(products))
                candidates[s].append(Candidate(n, name(n), G.nodes[n]["kind"],
                                               list(G.nodes[n]["cluster_labels"]), products,
                                               [plabel(p) for p in products]))
        for found in candidates.values():
            found.sort(key=lambda c: (c.label.casefold(), c.iri))

    def order_key(s: str):
        order = stages[s]["order"]
        return (order is None or order < 1, order if order is not None else 0,
                stages[s]["label"].casefold(), s)

    rows = []
    for s in sorted(shown, key=order_key):
        firms = sorted(covering.get(s, {}), key=lambda n: (name(n).casefold(), n))
        products = sorted({p for f in firms for p in covering[s][f]})
        rows.append(StageCoverage(s, stages[s]["label"], stages[s]["order"], s in covering,
                                  firms, [name(f) for f in firms], products,
                                  [plabel(p) for p in products], candidates.get(s, [])))
    return Gaps(cluster, label, len(inside), rows, sorted(unstaged))
