"""Small network helpers: node labels, neighbourhoods, networks built from edge lists."""

from __future__ import annotations

from collections.abc import Iterable

from kg.vocab.namespaces import last_segment

QUOTE_SEPARATOR = " … "
"""How several evidence quotes of one supply relation are joined."""


def as_float(text: str | None) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def as_bool(text: str) -> bool:
    return text.strip().lower() in ("true", "1")


def pick_label(labels: Iterable[tuple[str, str]], iri: str) -> tuple[str, str | None]:
    """(English label, Chinese label) from (label, language) pairs: the smallest "en…" label,
    else the smallest untagged one, else the IRI's last segment; the smallest "zh…" label or None.

    >>> pick_label([("b", "en"), ("a", "en-gb"), ("c", ""), ("乙", "zh"), ("甲", "zh")], "http://e.org/x")
    ('a', '乙')
    >>> pick_label([("c", "")], "http://e.org/x"), pick_label([], "http://e.org/x")
    (('c', None), ('x', None))
    """
    en = plain = zh = None
    for lab, lang in labels:
        if lang.startswith("en"):
            if en is None or lab < en:
                en = lab
        elif not lang:
            if plain is None or lab < plain:
                plain = lab
        elif lang.startswith("zh") and (zh is None or lab < zh):
            zh = lab
    label = en if en is not None else plain if plain is not None else last_segment(iri)
    return label, zh


def node_label(G, node: str, *, fallback: str = "segment") -> str:
    """A node's label, or when the node has none the IRI's last segment
    (``fallback="segment"``) or the whole IRI (``fallback="iri"``).

    >>> import networkx as nx
    >>> node_label(nx.DiGraph(), "http://example.org/a")
    'a'
    >>> node_label(nx.DiGraph(), "http://example.org/a", fallback="iri")
    'http://example.org/a'
    """
    data = G.nodes[node] if node in G else {}
    return data.get("label") or (str(node) if fallback == "iri" else last_segment(node))


SUPPLIES = "supplies"
"""``relation["kind"]`` of a stated supply, the default when a relation has no ``ckg:relationKind``."""


EXCLUSIVE_WORDINGS = frozenset({"all", "only", "sole", "solely", "exclusively", "entirely", "wholly",
                                "全部", "唯一", "独家"})
"""Share wordings that say the supplier provides all of the input (compared whole, case-folded).
Longer wordings that merely contain "all" (e.g. "supplier of all firms in the county") say
whom it supplies, not that it is their only source."""


def states_exclusive_supply(relation: dict) -> bool:
    """Whether a relation dict states exclusive supply: kind "supplies" (the default) and a
    stated share of 1 (whatever its bound) or a share wording meaning all or only.

    >>> states_exclusive_supply({"share": 1.0, "share_bound": "about"})
    True
    >>> states_exclusive_supply({"share": None, "share_wording": "Only"})
    True
    >>> states_exclusive_supply({"share": 1.0, "kind": "applied to"})
    False
    >>> states_exclusive_supply({"share": None, "share_wording": "supplier of all firms"})
    False
    """
    if relation.get("kind", SUPPLIES) != SUPPLIES:
        return False
    share = relation.get("share")
    if share is not None and share >= 1 - 1e-9:
        return True
    wording = relation.get("share_wording")
    return bool(wording) and wording.strip().casefold() in EXCLUSIVE_WORDINGS


def stated_share(relation: dict) -> float | None:
    """The share of the customer's input a relation states: its ``share``, else 1.0 when its
    wording states exclusive supply ("all", "only": :func:`states_exclusive_supply`), else None.

    >>> stated_share({"share": 0.4}), stated_share({"share": None, "share_wording": "all"})
    (0.4, 1.0)
    >>> stated_share({"share": None, "share_wording": "basically"}) is None
    True
    """
    share = relation.get("share")
    if share is None and states_exclusive_supply(relation):
        return 1.0
    return share


def overlap_groups(G, nodes) -> list[list[str]]:
    """``nodes`` grouped by the overlaps the data states between them (node attribute
    ``overlaps``, see :func:`kg.network.project.supply_network`): the connected groups, each
    sorted, in the order of their first member; a node that overlaps none is a group of its own.
    An overlap with a node outside ``nodes`` does not join anything.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_nodes_from([("a", {"overlaps": ["b"]}), ("b", {"overlaps": ["a", "c"]}), ("c", {}), ("d", {})])
    >>> overlap_groups(G, ["d", "a", "b", "c"]), overlap_groups(G, ["a", "c"])
    ([['a', 'b', 'c'], ['d']], [['a'], ['c']])
    """
    import networkx as nx

    keep = set(nodes)
    links = nx.Graph()
    links.add_nodes_from(keep)
    links.add_edges_from((v, o) for v in keep for o in G.nodes[v].get("overlaps") or () if o in keep)
    return sorted(sorted(group) for group in nx.connected_components(links))


def network_from_edges(
    edges: Iterable[tuple[str, str]],
    *,
    nodes: Iterable[str] = (),
    weight: dict[str, int] | None = None,
    capacity: dict[str, float] | None = None,
    share: dict[tuple[str, str], float] | None = None,
    kind: dict[str, str] | None = None,
):
    """A supply network with the attributes :func:`~kg.network.project.supply_network`
    gives, from plain edges.

    For tests and examples: labels are the node names, ``weight`` sets a cohort's member
    count (and makes it a cohort), ``share`` the stated share of an edge.

    >>> G = network_from_edges([("a", "b")], weight={"b": 60}, share={("a", "b"): 1.0})
    >>> G.nodes["b"]["kind"], G.nodes["b"]["weight"], G.edges["a", "b"]["relations"][0]["share"]
    ('cohort', 60, 1.0)
    """
    import networkx as nx

    weight, capacity, share, kind = weight or {}, capacity or {}, share or {}, kind or {}
    edges = list(edges)
    G = nx.DiGraph(cluster=None)
    for n in dict.fromkeys([*nodes, *(x for e in edges for x in e)]):
        members = weight.get(n)
        G.add_node(n, kind=kind.get(n, "cohort" if members is not None else "firm"), label=n,
                   label_zh=None, aliases=[], clusters=[], cluster_labels=[], region=None,
                   products=[], capacity=capacity.get(n), output_value=None,
                   member_count=members, weight=members if members is not None else 1,
                   part_of=[], overlaps=[])
    for s, c in edges:
        rel = {"iri": f"{s}->{c}", "kind": SUPPLIES, "product": None, "product_label": None,
               "products": [], "share": share.get((s, c)),
               "share_bound": "exact" if (s, c) in share else None, "share_wording": None, "volume": None,
               "volume_unit": None, "volume_wording": None, "quote": f"{s} supplies {c}",
               "source": "example", "inferred": False, "rule": None}
        G.add_edge(s, c, relations=[rel], products=[])
    return G


# ------------------------------------------------------------------ building


def neighbourhood(network, members):
    """The sub-network of ``members`` and the nodes they supply or are supplied by.

    >>> from kg.network.model import network_from_edges
    >>> g = network_from_edges([("a", "b"), ("b", "c"), ("x", "y")])
    >>> sorted(neighbourhood(g, {"a"}))
    ['a', 'b']
    """
    keep = {m for m in members if m in network}
    for m in list(keep):
        keep.update(network.predecessors(m))
        keep.update(network.successors(m))
    return network.subgraph(sorted(keep)).copy()
