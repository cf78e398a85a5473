"""Centrality of firms in the supply network: degree, PageRank, betweenness.

Each measure returns every node, ranked; ``method`` says how the numbers were
computed. Betweenness is exact up to :data:`EXACT_BETWEENNESS_LIMIT` nodes, and
above it too on igraph when exact betweenness costs at most
:data:`EXACT_BETWEENNESS_WORK` steps (a supply network, where a firm reaches only
the firms downstream of it, is cheap: 100k generated firms, 5.9 million steps,
0.7 s); otherwise it is estimated from :data:`BETWEENNESS_SAMPLES` source nodes
drawn with seed :data:`SEED` (exact betweenness takes hours at 100k firms in
networkx, and on a graph where every firm reaches most others). On the 100k
generated firms the estimate from 256 sources shares none of the exact top 20.
PageRank and betweenness run on networkx below 5,000 nodes and on igraph from
there on, with the same answers (``engine``, see :mod:`kg.analysis.backend`).

>>> from kg.network.model import network_from_edges
>>> G = network_from_edges([("a", "b"), ("b", "c")])
>>> r = centrality(G, measure="betweenness")
>>> r.method, [(row.iri, row.value) for row in r.rows]
('exact', [('b', 0.5), ('a', 0.0), ('c', 0.0)])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.analysis.backend import betweenness as compute_betweenness
from kg.analysis.backend import exact_or_sampled_betweenness, use_igraph
from kg.analysis.backend import pagerank as compute_pagerank
from kg.network.model import node_label

MEASURES = ("degree", "pagerank", "betweenness")


EXACT_BETWEENNESS_LIMIT = 2000
"""Largest number of nodes for which betweenness is always computed exactly."""


EXACT_BETWEENNESS_WORK = 250_000_000
"""Above the limit, betweenness is still exact on igraph if it takes at most this many
steps (:func:`kg.analysis.backend.brandes_work`): a few seconds on a 2-core machine (the
"betweenness" rows of bench/RESULTS.md)."""


BETWEENNESS_SAMPLES = 256
"""Number of source nodes sampled for betweenness above the limit."""


SEED = 42
"""Seed of the betweenness sample, so that results repeat."""


PAGERANK_TOL = 1e-10
"""PageRank tolerance: the default (1e-6) reorders the top 20 at 100k firms (MEASURED.md)."""


@dataclass(frozen=True)
class CentralityRow:
    """One node's score, with its number of suppliers (``in_degree``) and customers
    (``out_degree``) whatever the measure."""

    rank: int
    iri: str
    label: str
    kind: str
    value: float
    in_degree: int
    out_degree: int


ALL_CLUSTERS = "the whole loaded network"
"""The scope of a measure over the whole supply network."""


@dataclass(frozen=True)
class Centrality:
    """Ranked scores of one ``measure`` over ``nodes`` nodes; ``method`` says how they were
    computed, ``scope`` which network they are relative to (:data:`ALL_CLUSTERS`, or one
    cluster's own network), ``note`` what the ranking cannot tell (every score equal, no
    node at all), None when it ranks."""

    measure: str
    method: str
    nodes: int
    cluster: str | None
    rows: list[CentralityRow] = field(default_factory=list)
    scope: str = ALL_CLUSTERS
    note: str | None = None
    remarks: tuple[str, ...] = ()
    """What the composer of the answer adds (e.g. the network is as of a year)."""

    @property
    def notes(self) -> list[str]:
        """The remarks, then :attr:`note` (empty when the scores rank and nothing is remarked)."""
        return [*self.remarks, *([self.note] if self.note else [])]


def degree(G) -> dict[str, float]:
    """Total degree (suppliers + customers) of every node; a self-loop counts in both.

    >>> from kg.network.model import network_from_edges
    >>> degree(network_from_edges([("a", "b"), ("a", "c")]))
    {'a': 2, 'b': 1, 'c': 1}
    """
    return {n: G.in_degree(n) + G.out_degree(n) for n in G}


def pagerank(G, *, upstream: bool = True, engine: str = "auto") -> dict[str, float]:
    """PageRank (damping 0.85, ``tol`` 1e-10) of every node (:func:`kg.analysis.backend.pagerank`).

    With ``upstream`` (the default) the walk goes from customers to suppliers, so a firm
    ranks high when firms that rank high buy from it: the supplier view that dependency
    questions need. ``upstream=False`` ranks along the flow of goods instead.

    >>> from kg.network.model import network_from_edges
    >>> r = pagerank(network_from_edges([("s", "a"), ("s", "b")]))
    >>> max(r, key=r.get)
    's'
    """
    return compute_pagerank(G, alpha=0.85, reverse=upstream, tol=PAGERANK_TOL, engine=engine)


def betweenness(G, *, limit: int = EXACT_BETWEENNESS_LIMIT, k: int = BETWEENNESS_SAMPLES,
                seed: int = SEED, engine: str = "auto",
                work: float = EXACT_BETWEENNESS_WORK) -> tuple[dict[str, float], str]:
    """Normalised betweenness of every node and the method used (:func:`kg.analysis.backend.betweenness`).

    Exact when ``G`` has at most ``limit`` nodes, or when igraph computes it and it takes
    at most ``work`` steps (:func:`kg.analysis.backend.brandes_work`, estimated from the ``k``
    sources a sample would use); else estimated from ``k`` sampled sources (fixed
    ``seed``, drawn as networkx draws them whatever the engine), and the method says so.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "c"), ("c", "d")])
    >>> betweenness(G)[1], betweenness(G, limit=2, k=2)[1]
    ('exact', 'sampled: 2 of 4 source nodes, seed 42')
    >>> betweenness(G, limit=2, k=2, engine="igraph")[1]  # a few steps: exact
    'exact'
    """
    n = len(G)
    if n <= limit or k >= n:
        return compute_betweenness(G, engine=engine), "exact"
    if use_igraph(G, engine):
        scores, exact = exact_or_sampled_betweenness(G, k=k, seed=seed, work=work)
    else:
        scores, exact = compute_betweenness(G, k=k, seed=seed, engine=engine), False
    return scores, "exact" if exact else f"sampled: {k} of {n} source nodes, seed {seed}"


def _tie(value: float) -> float:
    """``value`` to 12 significant digits, so that rounding noise does not break a tie.

    >>> _tie(0.0024167731510538956) == _tie(0.0024167731510522806)
    True
    """
    return float(f"{value:.12g}")


def centrality(G, *, measure: str = "pagerank", top: int | None = None, limit: int = EXACT_BETWEENNESS_LIMIT,
               k: int = BETWEENNESS_SAMPLES, seed: int = SEED, engine: str = "auto",
               scope: str | None = None) -> Centrality:
    """Rank the nodes of the supply network ``G`` by ``measure``.

    ``measure`` is "degree", "pagerank" or "betweenness"; ``top`` keeps the first rows.
    For a cluster's own network (firms of the cluster and the links among them) pass that
    network (:func:`kg.services.supply.centrality` projects it); ``cluster`` of the result
    is ``G.graph["cluster"]``. Ties (scores equal to 12 significant
    digits: engines differ in the last bits of equal scores) are ranked by label.
    ``engine`` is "auto", "networkx" or "igraph" (see :mod:`kg.analysis.backend`).
    ``scope`` names the network for the result (default: :data:`ALL_CLUSTERS` when
    ``G.graph["cluster"]`` is None, else that cluster's IRI). When every score is equal
    (to 12 digits, over all nodes, not only the ``top``) the ranking tells nothing:
    ``note`` says so (see :func:`equal_note`).

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("a", "c")])
    >>> r = centrality(G, measure="degree", top=2)
    >>> [(x.rank, x.iri, x.value, x.out_degree) for x in r.rows], r.scope, r.note
    ([(1, 'a', 2, 2), (2, 'b', 1, 0)], 'the whole loaded network', None)
    >>> centrality(G, measure="betweenness").note
    'the whole loaded network: all 3 entities have betweenness 0: no stated supply path runs through any of them, so none ranks above another (listed by name)'
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    if measure == "degree":
        scores, method = degree(G), "exact"
    elif measure == "pagerank":
        scores = pagerank(G, engine=engine)
        exact = use_igraph(G, engine)
        method = "PRPACK (igraph)" if exact else f"power iteration, tol {PAGERANK_TOL:g}"
        method += ", supplier view"
    else:
        scores, method = betweenness(G, limit=limit, k=k, seed=seed, engine=engine)
    order = sorted(G, key=lambda n: (-_tie(scores[n]), node_label(G, n).casefold(), n))
    if top is not None:
        order = order[:top]
    rows = [
        CentralityRow(i, n, node_label(G, n), G.nodes[n].get("kind", "firm"),
                      scores[n], G.in_degree(n), G.out_degree(n))
        for i, n in enumerate(order, start=1)
    ]
    cluster = G.graph.get("cluster")
    if scope is None:
        scope = ALL_CLUSTERS if cluster is None else cluster
    return Centrality(measure, method, len(G), cluster, rows, scope,
                      equal_note(G, measure, scores, scope))


def equal_note(G, measure: str, scores: dict[str, float], scope: str) -> str | None:
    """What a ranking cannot tell: no node, or every node with the same score (to 12
    digits); None when the scores differ (or there is one node).

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([], nodes=["a", "b"])
    >>> equal_note(G, "pagerank", {"a": 0.5, "b": 0.5}, "X only")
    'X only: no stated supply link among its 2 entities, so every pagerank is 0.5 and none ranks above another (listed by name)'
    >>> equal_note(network_from_edges([]), "degree", {}, "X only")
    'X only: no firm, group or cohort in the loaded data'
    >>> equal_note(G, "degree", {"a": 1, "b": 0}, "X only") is None
    True
    """
    if not scores:
        return f"{scope}: no firm, group or cohort in the loaded data"
    values = {_tie(v) for v in scores.values()}
    n = len(scores)
    if len(values) > 1 or n < 2:
        return None
    value = f"{next(iter(values)):g}"
    if G.number_of_edges() == 0:
        return (f"{scope}: no stated supply link among its {n} entities, so every {measure} is {value} "
                f"and none ranks above another (listed by name)")
    if measure == "betweenness" and float(value) == 0:
        return (f"{scope}: all {n} entities have betweenness 0: no stated supply path runs through any of them, "
                f"so none ranks above another (listed by name)")
    return f"{scope}: all {n} entities have the same {measure}, {value}, so none ranks above another (listed by name)"
