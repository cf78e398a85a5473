"""The dependency card of a firm (``kg depends``), with or without the analysis index."""

from __future__ import annotations

from kg.analysis.concentration import concentration
from kg.analysis.dominance import cut_off_is_stated, dominator_tree
from kg.analysis.esri.ranking import esri
from kg.errors import UnknownName
from kg.network.model import node_label
from kg.network.project import supply_network
from kg.network.scheme import essential_map
from kg.rdf.generations import open_store
from kg.rdf.local import wrap
from kg.rdf.subgraph import links_store
from kg.services.index import open_index
from kg.services.ranking import scope_network
from kg.services.resolve import FIRM_KINDS, resolve_name
from kg.services.timeline import as_of_remarks, check_present


def indexed_card(store_dir, firm: str, *, progress=None) -> dict:
    """The dependency card from the store's analysis index (built first if missing; ``progress``
    gets its messages) and the firm's own links."""
    index = open_index(store_dir, progress=progress)
    ox_store = open_store(index.generation.folder)  # the generation the index belongs to
    # an exact name from the index; else the similarity search over the store (needs rdflib)
    match = resolve_name(firm, FIRM_KINDS, index=index, graph=lambda: wrap(ox_store))
    return dependency_card(firm_links_network(ox_store, match.iri), match.iri, essential=index.essential,
                           index=index)


def graph_card(graph, firm: str, *, as_of: int | None = None) -> dict:
    """The dependency card of ``firm`` from the whole network of ``graph`` (as of a year with
    ``as_of``: ``remarks`` says what that network left out and kept)."""
    match = resolve_name(firm, FIRM_KINDS, graph=graph)
    network = supply_network(graph, as_of=as_of)
    check_present(network, match.iri, match.label)
    card = dependency_card(network, match.iri, essential=essential_map(graph))
    card["remarks"] = list(as_of_remarks(network))
    return card


def firm_links_network(ox_store, iri: str):
    """The supply network of ``iri`` and its direct partners only, with every attribute
    :func:`kg.network.project.supply_network` gives them, read from ``ox_store``.

    The firm's supply relations, its partners and what the projection reads about them
    (:func:`kg.rdf.subgraph.links_store`) are copied into a small in-memory store, which is
    then projected as usual: the same code, so the same attributes, at the cost of the firm's
    links only (the projection queries a pyoxigraph Store directly: no rdflib).
    """
    return supply_network(links_store(ox_store, iri))


# ------------------------------------------------------------------ dependency card


def dependency_card(network, firm: str, *, essential=None, top_affected: int = 10, index=None) -> dict:
    """What ``firm`` depends on and what depends on it, as a JSON-able dict.

    Direct suppliers and customers (one row per supply relation, with product,
    stated share or wording, volume, quote and source), its dominators (every
    stated supply path to it runs through them, nearest first; ``exclusive_dominators``
    those from which a chain of stated exclusive supply leads to it,
    :func:`kg.analysis.dominance.cut_off_is_stated`: only their failure alone is stated to cut it
    off), the firms it dominates, its systemic risk and rank among the ranked members of the
    network's scope (:func:`kg.services.ranking.scope_network`; a cohort is not ranked), and the
    concentration of each of its inputs.

    ``index`` (a :class:`kg.services.index_reader.AnalysisIndex` of the whole network) supplies the
    whole-network parts (dominators, dominated firms, sole-supplier links, systemic
    risk and rank); ``network`` then needs only the firm and its direct partners.

    >>> from kg.network.model import network_from_edges
    >>> card = dependency_card(network_from_edges([("a", "b"), ("b", "c")]), "b")
    >>> card["dominators"], card["dominated"], card["esri"]["rank"], card["esri"]["of"]
    ([{'firm': 'a', 'label': 'a'}], [{'firm': 'c', 'label': 'c'}], 1, 3)
    >>> card["exclusive_dominators"]  # no link states exclusive supply
    []
    """
    if firm not in network:
        raise UnknownName(firm, [])
    data = network.nodes[firm]
    if index is not None:
        whole = {
            "dominators": [{"firm": d, "label": index.label(d)} for d in index.dominators(firm)],
            "dominated": [{"firm": d, "label": index.label(d)} for d in index.dominated(firm)],
            "dominated_weight": index.dominated_weight(firm),
            "sole_supplier_of": index.sole_supplier_of(firm),
            "esri": index.esri_card(firm, top_affected=top_affected),
        }
    else:
        whole = _whole_network_parts(network, firm, essential, top_affected)
    return {
        "firm": firm,
        "label": node_label(network, firm),
        "kind": data.get("kind", ""),
        "clusters": list(data.get("cluster_labels") or []),
        "weight": data.get("weight") or 1,
        "suppliers": _links(
            network, [(s, firm) for s in sorted(network.predecessors(firm))], "supplier"
        ),
        "customers": _links(
            network, [(firm, c) for c in sorted(network.successors(firm))], "customer"
        ),
        "dominators": whole["dominators"],
        "exclusive_dominators": [d["firm"] for d in whole["dominators"]
                                 if cut_off_is_stated(network, d["firm"], firm)],
        "dominated": whole["dominated"],
        "dominated_weight": whole["dominated_weight"],
        "sole_supplier_of": whole["sole_supplier_of"],
        "esri": whole["esri"],
        "concentration": [
            {
                "input": row.product,
                "input_label": row.product_label,
                "essential": row.essential,
                "suppliers": [
                    {
                        "firm": s.supplier,
                        "label": s.label,
                        "share": round(s.share, 6),
                        "stated": s.stated,
                    }
                    for s in row.suppliers
                ],
                "shares_stated": row.shares_stated,
                "hhi": round(row.hhi, 6),
                "effective_suppliers": round(row.effective_suppliers, 6),
                "sole_supplier": row.sole_supplier,
            }
            for row in concentration(network, customers=[firm], essential=essential)
        ],
    }


def _whole_network_parts(network, firm: str, essential, top_affected: int) -> dict:
    """The parts of a dependency card that need the whole network, computed from it: the ESRI
    of ``firm`` in the scope :func:`kg.services.ranking.rank_firms` ranks (the same figure as
    ``kg risk``), or a note for a cohort or a node outside that scope."""
    tree = dominator_tree(network)
    net, members, scope = scope_network(network)
    linked = sorted(n for n in members if net.degree(n) > 0 and net.nodes[n].get("kind") != "cohort")
    return {
        "dominators": [{"firm": d, "label": node_label(network, d)} for d in tree.dominators(firm)],
        "dominated": [{"firm": d, "label": node_label(network, d)} for d in tree.dominated(firm)],
        "dominated_weight": tree.weight.get(firm, 0),
        "sole_supplier_of": [
            {"customer": row.customer, "label": row.customer_label, "input": row.product_label}
            for row in concentration(network, customers=sorted(network.successors(firm)), essential=essential)
            if row.sole_supplier and row.suppliers[0].supplier == firm
        ],
        "esri": _esri_part(net, firm, linked, essential, scope, top_affected),
    }


def _esri_part(net, firm: str, linked: list[str], essential, scope: str, top_affected: int) -> dict:
    if net.nodes.get(firm, {}).get("kind") == "cohort":
        return {"note": "a cohort is an aggregate of firms, not a firm: it is not ranked", "scope": scope}
    if firm not in net:
        return {"note": "outside the ranked network (no cluster and no partner in one)", "scope": scope}
    ranked = esri(net, firms=sorted({*linked, firm}), essential=essential, scope=scope)
    mine = next(r for r in ranked if r.firm == firm)
    return {
        "value": round(mine.esri, 6),
        "own": round(mine.own, 6),
        "rank": mine.rank,
        "of": len(ranked),
        "rounds": mine.rounds,
        "affected": [
            {"firm": i, "label": node_label(net, i), "loss": round(loss, 6)}
            for i, loss in mine.affected[:top_affected]
        ],
        "assumptions": list(mine.assumptions),
        "scope": mine.scope,
        "bound": mine.bound,
        "low": round(mine.esri_low, 6),
        "high": round(mine.esri_high, 6),
    }


def _links(network, edges, side: str) -> list[dict]:
    out = []
    for s, c in edges:
        other = s if side == "supplier" else c
        for r in network.edges[s, c].get("relations", ()):
            out.append(
                {
                    "firm": other,
                    "label": node_label(network, other),
                    "product": r.get("product"),
                    "product_label": r.get("product_label"),
                    "share": r.get("share"),
                    "share_bound": r.get("share_bound"),
                    "share_wording": r.get("share_wording"),
                    "volume": r.get("volume"),
                    "volume_unit": r.get("volume_unit"),
                    "volume_wording": r.get("volume_wording"),
                    "kind": r.get("kind", "supplies"),
                    "inferred": bool(r.get("inferred")),
                    "quote": r.get("quote"),
                    "source": r.get("source"),
                    "relation": r.get("iri"),
                }
            )
    return out
