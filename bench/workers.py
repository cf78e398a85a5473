"""The workers: each runs in a fresh process (``python -m bench.run --worker ...``) and prints JSON."""

from __future__ import annotations

import random
import time

from bench.common import ESRI_TOP, SPOF_FULL_LIMIT


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_rdflib_load(path: str) -> dict:
    from rdflib import Graph

    start = time.perf_counter()
    g = Graph()
    g.parse(path, format="nt")
    return {"s": time.perf_counter() - start, "triples": len(g), "peak_mb": _peak_mb()}


def worker_oxigraph_load(store: str, path: str) -> dict:
    """The library's own bulk load of ``path`` into a new on-disk store, then the merge
    ``kg load`` also does (``optimize``): what ``kg load --no-validate`` cannot beat."""
    import pyoxigraph as ox

    start = time.perf_counter()
    st = ox.Store(store)
    st.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    st.optimize()
    st.flush()
    return {"s": time.perf_counter() - start, "peak_mb": _peak_mb()}


def worker_analyses(store: str) -> dict:
    """Every analysis in one process, in order, each timed; peak RSS after each step."""
    steps: dict[str, dict] = {}
    env: dict = {}

    def step(key, fn):
        start = time.perf_counter()
        try:
            info = fn()
        except Exception as e:  # noqa: BLE001 - reported in the table; the other steps go on
            steps[key] = {"error": f"{type(e).__name__}: {e}"[:300]}
            return
        steps[key] = {"s": time.perf_counter() - start, "peak_mb": _peak_mb(), "info": info or ""}

    def open_():
        from kg.rdf.graph import open_graph

        env["graph"] = open_graph(store=store)

    def projection():
        from kg.network.project import supply_network

        G = env["G"] = supply_network(env["graph"], evidence=False)  # as `kg risk` projects
        return f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"

    def essential():
        from kg.network.scheme import essential_map

        env["scheme"] = essential_map(env["graph"])

    def dominators():
        from kg.analysis.dominance import dominator_tree

        T = env["tree"] = dominator_tree(env["G"])
        return f"{sum(1 for v in T.count if T.count[v] > 0):,} nodes dominate others"

    def pagerank():
        from kg.analysis.centrality import pagerank as pr

        pr(env["G"])

    def betweenness():
        from kg.analysis.centrality import betweenness as bc

        return bc(env["G"])[1]

    def concentration():
        from kg.analysis.concentration import concentration as conc

        rows = conc(env["G"], essential=env.get("scheme"))
        return f"{len(rows):,} customer-input rows, {sum(r.sole_supplier for r in rows):,} sole-supplier"

    def esri():
        from kg.analysis.esri.ranking import esri as run

        G = env["G"]
        firms = sorted(n for n in G if G.degree(n) > 0)
        res = run(G, firms=firms, top=ESRI_TOP, essential=env.get("scheme"))
        return f"{len(res)} of {len(firms):,} linked nodes computed"

    def tiers_up():
        from kg.analysis.tiers import suppliers

        t = suppliers(env["G"], env["firm"])
        return f"{len(t.entries):,} firms in {max((e.tier for e in t.entries), default=0)} tiers"

    def tiers_down():
        from kg.analysis.tiers import customers

        t = customers(env["G"], env["hub"])
        return f"{len(t.entries):,} firms in {max((e.tier for e in t.entries), default=0)} tiers"

    def spof():
        from kg.analysis.dominance import single_points_of_failure

        rows = single_points_of_failure(env["G"])
        env["spof_top"] = rows[0].iri if rows else None
        return f"{len(rows):,} single points of failure"

    def whatif():
        from kg.analysis.whatif import whatif as run

        target = env.get("spof_top") or env["firm"]
        w = run(env["G"], [target])
        return f"{len(w.cut_off):,} cut off, {len(w.partial):,} hit in part, {len(w.rounds)} rounds"

    step("open", open_)
    step("projection", projection)
    G = env.get("G")
    firm = label = note = hub = hub_label = hub_note = None
    if G is not None and len(G):
        # FIRM: the firm with the most suppliers; HUB: the one with the most customers (ties:
        # smallest IRI). FIRM's upstream and HUB's downstream reach far.
        firms = [v for v in G if G.nodes[v].get("kind") in ("firm", "group")] or list(G)
        firm = env["firm"] = min(firms, key=lambda v: (-G.in_degree(v), v))
        hub = env["hub"] = min(firms, key=lambda v: (-G.out_degree(v), v))
        label = G.nodes[firm].get("label") or firm
        hub_label = G.nodes[hub].get("label") or hub
        note = f"the firm with the most suppliers ({G.in_degree(firm)})"
        hub_note = f"the firm with the most customers ({G.out_degree(hub)})"
    for key, fn in [("essential", essential), ("dominators", dominators), ("pagerank", pagerank),
                    ("betweenness", betweenness), ("concentration", concentration), ("esri", esri),
                    ("tiers_up", tiers_up), ("tiers_down", tiers_down), ("spof", spof), ("whatif", whatif)]:
        if firm is None:
            steps[key] = {"error": "no network"}
        else:
            step(key, fn)
    return {"steps": steps, "firm": firm, "firm_label": label, "firm_note": note,
            "hub": hub, "hub_label": hub_label, "hub_note": hub_note,
            "nodes": G.number_of_nodes() if G is not None else 0, "edges": G.number_of_edges() if G is not None else 0}


def worker_baselines(store: str, firm: str, hub: str, sample: int) -> dict:
    """The naive ways: tiers by one query per frontier node, single points of failure by removal."""
    import networkx as nx

    from kg.analysis.dominance import dominator_tree
    from kg.analysis.tiers import customers, suppliers
    from kg.network.project import supply_network
    from kg.rdf.graph import open_graph
    from kg.vocab.namespaces import sparql_prologue

    graph = open_graph(store=store)
    G = supply_network(graph)

    def by_query(start_node: str, text: str) -> dict:
        """Tiers by one SPARQL query per frontier node, through rdflib's graph.query."""
        query = sparql_prologue() + text
        start = time.perf_counter()
        seen = {start_node}
        frontier = [start_node]
        queries = 0
        while frontier:
            found = []
            for node in frontier:
                queries += 1
                for row in graph.query(query.replace("NODE", f"<{node}>")):
                    x = str(row[0])
                    if x not in seen:
                        seen.add(x)
                        found.append(x)
            frontier = found
        return {"s": time.perf_counter() - start, "queries": queries, "found": len(seen) - 1, "seen": seen}

    tiers = {}
    for which, node, text, ours_fn in [
        ("up", firm, "SELECT ?x WHERE { ?x ckg:suppliesTo NODE }", suppliers),
        ("down", hub, "SELECT ?x WHERE { NODE ckg:suppliesTo ?x }", customers),
    ]:
        t = by_query(node, text)
        ours = {e.iri for e in ours_fn(G, node).entries if e.iri != node}
        t["agrees"] = ours == t.pop("seen") - {node}
        tiers[which] = t

    # single points of failure: remove each node and search again from the entry points
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from((s, c) for s, c in G.edges() if s != c)
    C = nx.condensation(H)
    entry = sorted(min(C.nodes[scc]["members"]) for scc in C if C.in_degree(scc) == 0)
    succ = {v: list(H.successors(v)) for v in H}
    nodes = sorted(G)
    chosen = nodes if len(nodes) <= SPOF_FULL_LIMIT else random.Random(42).sample(nodes, min(sample, len(nodes)))

    def reached_without(removed) -> int:
        seen = {e for e in entry if e != removed}
        stack = list(seen)
        while stack:
            u = stack.pop()
            for w in succ[u]:
                if w != removed and w not in seen:
                    seen.add(w)
                    stack.append(w)
        return len(seen)

    everything = reached_without(None)
    start = time.perf_counter()
    counts = {d: everything - reached_without(d) - 1 for d in chosen}
    spof_s = time.perf_counter() - start
    tree = dominator_tree(G)
    agree = sum(1 for d in chosen if counts[d] == tree.count[d])
    spof = {"s": spof_s, "removed": len(chosen), "of": len(nodes), "extrapolated": spof_s * len(nodes) / len(chosen),
            "agree": agree}
    return {"tiers": tiers, "spof": spof, "peak_mb": _peak_mb()}

