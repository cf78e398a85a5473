"""Dependency risk: single points of failure, from the dominator tree of the supply network.

A super-source feeds every firm that has no supplier (and one firm of every group
of firms that only supply one another); then firm *d* dominates firm *v* when every
supply path from the super-source to *v* passes through *d*: if *d* fails, *v* loses
every supply path. One call to :func:`kg.analysis.backend.entry_dominators` (networkx,
or igraph on large networks) gives the dominator tree, and one traversal of it gives,
for every firm at once, how many firms it dominates and their weight (the member count
of a cohort, else 1). What-if cascades are in :mod:`kg.analysis.whatif`.

The tree is about *named* supply paths only: a firm whose only named supplier is *d* is
dominated by *d* even when the sources say nothing of its other suppliers (say, "this plate
has been applied to Boeing"). That *d*'s failure really cuts *v* off is stated only when a
chain of links that each state exclusive supply (kind "supplies" with a stated share of 1 or
a wording meaning all or only, :func:`kg.network.project.states_exclusive_supply`) leads from
*d* to *v*: :func:`cut_off_is_stated`, :meth:`DominatorTree.stated_dominators` and
:attr:`FailurePoint.stated_dominated` tell which claims are stated; every other one rests on
unknown coverage and must say so.

>>> from kg.network.model import network_from_edges
>>> G = network_from_edges([("smelter", "mill"), ("mill", "cohort"), ("other", "cohort")],
...                        weight={"cohort": 60})
>>> [(p.iri, p.dominated, p.dominated_weight) for p in single_points_of_failure(G)]
[('smelter', ['mill'], 1)]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.analysis.backend import entry_dominators, source_components
from kg.errors import UnknownName
from kg.network.model import node_label, states_exclusive_supply


class _SuperSource:
    """The node that feeds the network's entry points; never a firm, never reported."""

    def __repr__(self) -> str:
        return "<super-source>"


SUPER_SOURCE = _SuperSource()


class DominatorTree:
    """The dominator tree of a supply network, with subtree sizes and weights.

    ``idom[v]`` is the immediate dominator of ``v`` (None when only the super-source
    dominates it); ``entry_points`` the firms the super-source feeds: every firm
    without suppliers, and for each group of firms that only supply one another (a
    source strongly connected component) the one with the smallest IRI, which then
    dominates the others of its group. ``count[v]`` / ``weight[v]`` are the number and
    the summed weight of the firms ``v`` dominates (itself excluded); ``unsized[v]`` how
    many of them are cohorts whose size no source states (each weighs 1, so the weight is
    then a lower bound).
    """

    def __init__(self, G, idom: dict, children: dict, entry_points: list[str],
                 count: dict[str, int], weight: dict[str, int], unsized: dict[str, int]):
        self.G = G
        self.idom = idom
        self.children = children
        self.entry_points = entry_points
        self.count = count
        self.weight = weight
        self.unsized = unsized
        self._exclusive: dict[str, set[str]] | None = None

    def stated_dominators(self, node: str) -> list[str]:
        """The dominators of ``node`` (nearest first) whose failure the sources say cuts it
        off: a chain of stated exclusive supply links leads from each to ``node``
        (:func:`cut_off_is_stated`). The others of :meth:`dominators` rest on unknown coverage.

        >>> from kg.network.model import network_from_edges
        >>> T = dominator_tree(network_from_edges([("a", "b"), ("b", "c")], share={("b", "c"): 1.0}))
        >>> T.dominators("c"), T.stated_dominators("c")
        (['b', 'a'], ['b'])
        """
        if self._exclusive is None:
            self._exclusive = exclusive_links(self.G)
        return [d for d in self.dominators(node) if cut_off_is_stated(self.G, d, node, self._exclusive)]

    def dominated(self, node: str) -> list[str]:
        """The firms that lose every supply path if ``node`` fails, sorted (O(their number)).

        >>> from kg.network.model import network_from_edges
        >>> dominator_tree(network_from_edges([("a", "b"), ("b", "c")])).dominated("a")
        ['b', 'c']
        """
        out, stack = [], list(self.children.get(node, ()))
        while stack:
            v = stack.pop()
            out.append(v)
            stack.extend(self.children.get(v, ()))
        return sorted(out)

    def dominators(self, node: str) -> list[str]:
        """The firms whose failure cuts ``node`` off, nearest first (the chain up the tree).

        >>> from kg.network.model import network_from_edges
        >>> dominator_tree(network_from_edges([("a", "b"), ("b", "c")])).dominators("c")
        ['b', 'a']
        """
        if node not in self.G:
            raise UnknownName(node, [])
        out = []
        d = self.idom.get(node)
        while d is not None:
            out.append(d)
            d = self.idom.get(d)
        return out


def dominator_tree(G, *, engine: str = "auto") -> DominatorTree:
    """Build the :class:`DominatorTree` of the supply network ``G``.

    O(V + E) for the super-source and the condensation, plus the immediate dominators
    (near-linear), plus one pass over the tree. Self-loops play no part: a firm cannot
    cut itself off. ``engine`` (see :mod:`kg.analysis.backend`): networkx's ``condensation`` and
    ``immediate_dominators`` below 5,000 nodes, igraph's from there on (same tree).

    >>> from kg.network.model import network_from_edges
    >>> T = dominator_tree(network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]))
    >>> T.idom
    {'a': None, 'b': 'a', 'c': 'a', 'd': 'a'}
    """
    entry_points, raw = entry_dominators(G, SUPER_SOURCE, engine=engine)
    idom: dict[str, str | None] = {}
    children: dict[object, list[str]] = {}
    for v in G:
        d = raw.get(v, SUPER_SOURCE)
        idom[v] = None if d is SUPER_SOURCE else d
        children.setdefault(d, []).append(v)

    # one post-order pass over the tree: sizes and weights of every subtree
    count = dict.fromkeys(G, 0)
    weight = dict.fromkeys(G, 0)
    unsized = dict.fromkeys(G, 0)
    stack = [(SUPER_SOURCE, False)]
    while stack:
        v, done = stack.pop()
        if not done:
            stack.append((v, True))
            stack.extend((c, False) for c in children.get(v, ()))
        elif v is not SUPER_SOURCE:
            for c in children.get(v, ()):
                count[v] += count[c] + 1
                weight[v] += weight[c] + G.nodes[c].get("weight", 1)
                unsized[v] += unsized[c] + is_unsized_cohort(G, c)
    return DominatorTree(G, idom, children, entry_points, count, weight, unsized)


def exclusive_links(G) -> dict[str, set[str]]:
    """supplier -> the customers it supplies under a relation that states exclusive supply
    (:func:`kg.network.project.states_exclusive_supply`), O(relations).

    >>> from kg.network.model import network_from_edges
    >>> exclusive_links(network_from_edges([("a", "b"), ("b", "c")], share={("b", "c"): 1.0}))
    {'b': {'c'}}
    """
    out: dict[str, set[str]] = {}
    for u, v, relations in G.edges(data="relations", default=()):
        if u != v and any(states_exclusive_supply(r) for r in relations or ()):
            out.setdefault(u, set()).add(v)
    return out


def exclusive_chain(G, source: str, target: str,
                    links: dict[str, set[str]] | None = None) -> list[str] | None:
    """A shortest chain ``[source, …, target]`` of stated exclusive supply links, or None.

    ``links`` is :func:`exclusive_links` of ``G`` (pass it when asking many times).

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("b", "c")], share={("a", "b"): 1.0, ("b", "c"): 1.0})
    >>> exclusive_chain(G, "a", "c"), exclusive_chain(G, "c", "a")
    (['a', 'b', 'c'], None)
    """
    links = exclusive_links(G) if links is None else links
    parent: dict[str, str | None] = {source: None}
    frontier = [source]
    while frontier and target not in parent:
        nxt = []
        for u in frontier:
            for v in sorted(links.get(u, ())):
                if v not in parent:
                    parent[v] = u
                    nxt.append(v)
        frontier = nxt
    if target not in parent or source == target:
        return None
    chain, v = [], target
    while v is not None:
        chain.append(v)
        v = parent[v]
    return chain[::-1]


def cut_off_is_stated(G, dominator: str, node: str, links: dict[str, set[str]] | None = None) -> bool:
    """Whether the sources state that ``dominator``'s failure cuts ``node`` off: every link of
    some chain from one to the other states exclusive supply (:func:`exclusive_chain`). False
    means that the claim rests on unknown coverage: ``node`` may have suppliers the sources do
    not name.

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("yuhang", "boeing")])  # "has been applied to": no share
    >>> dominators_of(G, "boeing"), cut_off_is_stated(G, "yuhang", "boeing")
    (['yuhang'], False)
    """
    return exclusive_chain(G, dominator, node, links) is not None


def entry_points(G, *, engine: str = "auto") -> list[str]:
    """One firm per source strongly connected component (the smallest IRI), O(V + E).

    A firm without suppliers is its own component; a group of firms that only supply
    one another is entered through one of them. Self-loops change no component.
    :func:`dominator_tree` gets the same list from :func:`kg.analysis.backend.entry_dominators`.
    """
    return sorted(min(members) for members in source_components(G, engine=engine))


def is_unsized_cohort(G, v: str) -> int:
    """1 for a cohort whose member count no source states, else 0."""
    data = G.nodes[v]
    return int(data.get("kind") == "cohort" and data.get("member_count") is None)


@dataclass(frozen=True)
class FailurePoint:
    """A firm whose failure cuts ``dominated`` off from every supply path.

    ``dominated_weight`` counts a cohort by its member count; ``unsized_cohorts`` is the
    number of dominated cohorts whose size is unknown (counted as 1 each: the weight is
    then a lower bound). ``stated_dominated`` are the dominated firms that a chain of stated
    exclusive supply links joins to this one (:func:`cut_off_is_stated`); for the others the
    cut-off rests on unknown coverage.
    """

    iri: str
    label: str
    kind: str
    dominated: list[str]
    dominated_count: int
    dominated_weight: int
    unsized_cohorts: int = 0
    stated_dominated: list[str] = field(default_factory=list)


def single_points_of_failure(G, *, top: int | None = None,
                             min_count: int = 1) -> list[FailurePoint]:
    """Firms that dominate at least ``min_count`` others, by dominated weight (then count, label).

    ``G`` is a supply network (a cluster's own network: ``supply_network(graph,
    cluster=…)``). Counts and weights of all firms come from one dominator tree; the lists of
    dominated firms are built only for the rows returned (``top`` limits them).

    >>> from kg.network.model import network_from_edges
    >>> G = network_from_edges([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], weight={"d": 10})
    >>> [(p.iri, p.dominated, p.dominated_count, p.dominated_weight)
    ...  for p in single_points_of_failure(G)]
    [('a', ['b', 'c', 'd'], 3, 12)]
    """
    T = dominator_tree(G)
    ranked = sorted((v for v in G if T.count[v] >= max(min_count, 0)),
                    key=lambda v: (-T.weight[v], -T.count[v], node_label(G, v).casefold(), v))
    if top is not None:
        ranked = ranked[:top]
    links = exclusive_links(G)
    out = []
    for v in ranked:
        dominated = T.dominated(v)
        reach = _reach(links, v)
        out.append(FailurePoint(v, node_label(G, v), G.nodes[v].get("kind", "firm"), dominated,
                                T.count[v], T.weight[v], T.unsized[v],
                                [d for d in dominated if d in reach]))
    return out


def _reach(links: dict[str, set[str]], source: str) -> set[str]:
    """The nodes a chain of ``links`` leads to from ``source`` (itself excluded unless on a cycle)."""
    seen: set[str] = set()
    stack = list(links.get(source, ()))
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(links.get(v, ()))
    return seen


def dominators_of(G, firm: str) -> list[str]:
    """The firms every *named* supply path of ``firm`` runs through, nearest first (whether
    their failure alone cuts it off is stated only where :func:`cut_off_is_stated`).

    >>> from kg.network.model import network_from_edges
    >>> dominators_of(network_from_edges([("a", "b"), ("b", "c"), ("x", "c")]), "c")
    []
    """
    return dominator_tree(G).dominators(firm)
