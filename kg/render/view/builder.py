"""Nodes and edges of a view from a network and its facts."""

from __future__ import annotations

import math
from collections import defaultdict

from kg.errors import UnknownCluster
from kg.network.facts import Facts
from kg.render.text import format_money, format_unit, shorten
from kg.render.view.model import KINDS, NO_LINK
from kg.utils.text import format_number


class Builder:
    """Collects the nodes and edges of one view (keys are IRIs until
    :func:`kg.render.view.encode.encode`)."""

    def __init__(self, net, facts: Facts):
        self.net, self.facts = net, facts
        self.nodes: dict[str, dict] = {}
        self.edges: list[dict] = []
        self.scope: set[str] | None = None  # agents in scope (None: everything)
        self.members: set[str] | None = None  # everything in the cluster (parks, projects too)
        self.focus: str | None = None
        self.aggregated = False

    # ---------------------------------------------------------------- names
    def label(self, iri: str) -> str:
        if iri in self.net and self.net.nodes[iri].get("label"):
            return str(self.net.nodes[iri]["label"])
        return self.facts.label(iri)

    def in_scope(self, iri: str) -> bool:
        return self.scope is None or iri in self.scope

    def place_in_scope(self, iri: str) -> bool:
        """Whether a park, project or institution belongs to the scope of a cluster view."""
        if self.members is None:
            return self.scope is None
        return iri in self.members

    # ---------------------------------------------------------------- selection
    def select_all(self) -> None:
        """Every agent of the network: those with no stated supply link too (drawn apart)."""
        for n in self.net:
            self.add_agent(n)
        for u, v in self.net.edges:
            self.add_supply(u, v)

    def select_scope(self, target: str, members: set[str] | None) -> None:
        """Every agent in ``target`` (those with no stated supply link too, drawn apart) and
        the agents outside it that they trade with."""
        if members is None:
            members = {n for n, d in self.net.nodes(data=True) if target in (d.get("clusters") or ())}
            if not members:
                raise UnknownCluster(target, sorted({c for _, d in self.net.nodes(data=True)
                                                     for c in d.get("cluster_labels") or ()}))
        self.members = set(members)
        self.scope = {n for n in self.members if n in self.net}
        inside = sorted(self.scope)
        for n in inside:
            self.add_agent(n)
        for n in inside:
            for m in list(self.net.predecessors(n)) + list(self.net.successors(n)):
                self.add_agent(m)
        for u, v in self.net.edges:
            if (u in self.scope or v in self.scope) and u in self.nodes and v in self.nodes:
                self.add_supply(u, v)

    def select_around(self, firm: str, depth: int, direction: str) -> None:
        self.focus = firm
        keep = {firm}
        for step in ("up", "down"):
            if direction not in (step, "both"):
                continue
            frontier = {firm}
            for _ in range(depth):
                nxt = set()
                for n in frontier:
                    nxt.update(self.net.predecessors(n) if step == "up" else self.net.successors(n))
                nxt -= keep
                keep |= nxt
                frontier = nxt
        self.scope = keep
        for n in sorted(keep):
            self.add_agent(n)
        # sorted: a subgraph view walks its nodes in the order of the set it was given (which
        # depends on the process's string hashing) when they are under half the graph
        for u, v in sorted(self.net.subgraph(keep).edges):
            self.add_supply(u, v)
        for sub, group in self.facts.group_links:  # the firm's own group and subsidiaries
            if firm in (sub, group) and sub in self.net and group in self.net:
                self.add_agent(sub)
                self.add_agent(group)

    # ---------------------------------------------------------------- nodes
    def add_agent(self, n: str) -> None:
        if n in self.nodes:
            return
        d = self.net.nodes[n]
        kind = {"association": "institution", "agent": "firm"}.get(d.get("kind"), d.get("kind") or "firm")
        if kind not in KINDS:
            kind = "firm"
        rows = []
        if d.get("label_zh"):
            rows.append(("Chinese name", d["label_zh"]))
        if d.get("aliases"):
            rows.append(("also called", "; ".join(map(str, d["aliases"]))))
        cl_labels = list(d.get("cluster_labels") or [self.facts.label(c) for c in d.get("clusters") or ()])
        if cl_labels:
            rows.append(("cluster", "; ".join(map(str, cl_labels))))
        if d.get("region"):
            rows.append(("region", self._name(d["region"])))
        parks = [p for p in sorted(self.facts.located.get(n, ())) if self.facts.kind(p) == "park"]
        if parks:
            rows.append(("park", "; ".join(self.facts.label(p) for p in parks)))
        if d.get("capacity") is not None:
            rows.append(("capacity", f"{format_number(d['capacity'])} t/yr"))
        if d.get("output_value") is not None:
            rows.append(("output value", format_money(d["output_value"])))
        if d.get("member_count") is not None:
            rows.append(("members", f"{d['member_count']} firms"))
        products = d.get("products") or []
        if products:
            rows.append(("products", "; ".join(self.facts.label(p) for p in products)))
        apart = self.net.degree(n) == 0
        if apart:
            rows.append(("supply links", NO_LINK))
        names = [str(d.get("label") or ""), str(d.get("label_zh") or ""), *map(str, d.get("aliases") or ())]
        self.nodes[n] = {
            "iri": n, "kind": kind, "label": str(d.get("label") or self.facts.label(n)),
            "names": [x for x in names if x], "clusters": list(d.get("clusters") or ()),
            "cluster_labels": cl_labels, "rows": rows, "quotes": self._quotes(n),
            "outside": not self.in_scope(n), "weight": d.get("weight") or 1, "apart": apart,
        }

    def _name(self, value) -> str:
        text = str(value)
        return self.facts.label(text) if text in self.facts.labels else text

    def _quotes(self, iri: str) -> list[tuple[str, str]]:
        return list(dict.fromkeys(self.facts.evidence.get(iri, ())))

    def add_entity(self, iri: str, kind: str, rows: list | None = None) -> None:
        """A park, project, institution or product node from the RDF facts."""
        if iri in self.nodes:
            return
        lab = self.facts.labels.get(iri, {})
        clusters = sorted(self.facts.in_cluster.get(iri, ()))
        rows = list(rows or [])
        if lab.get("zh"):
            rows.insert(0, ("Chinese name", lab["zh"]))
        if lab.get("alt"):
            rows.insert(1 if lab.get("zh") else 0, ("also called", "; ".join(lab["alt"])))
        if clusters:
            rows.append(("cluster", "; ".join(self.facts.label(c) for c in clusters)))
        places = [p for p in sorted(self.facts.located.get(iri, ()))]
        if places:
            rows.append(("located in", "; ".join(self.facts.label(p) for p in places)))
        for prop, text in self.facts.quantities.get(iri, ()):
            rows.append(({"outputValue": "output value"}.get(prop, prop), text))
        names = [self.facts.label(iri), lab.get("zh") or "", *lab.get("alt", ())]
        self.nodes[iri] = {
            "iri": iri, "kind": kind, "label": self.facts.label(iri), "names": [x for x in names if x],
            "clusters": clusters, "cluster_labels": [self.facts.label(c) for c in clusters], "rows": rows,
            "quotes": self._quotes(iri), "outside": False, "weight": 1, "apart": False,
        }

    # ---------------------------------------------------------------- edges
    def add_supply(self, u: str, v: str) -> None:
        d = self.net.edges[u, v]
        rels = list(d.get("relations") or ())
        products = [r.get("product_label") or self.facts.label(r.get("product") or "") for r in rels if r.get("product")]
        if not products:
            products = [self.facts.label(p) for p in d.get("products") or ()]
        products = list(dict.fromkeys(products))
        rows, quotes = [], []
        for r in rels:
            if r.get("product"):
                rows.append(("product", r.get("product_label") or self.facts.label(r["product"])))
            if r.get("share") is not None:
                share = f"{float(r['share']) * 100:.0f}%"
                rows.append(("share", share + (f" (\u201c{r['share_wording']}\u201d)" if r.get("share_wording") else "")))
            elif r.get("share_wording"):
                rows.append(("share", f"\u201c{r['share_wording']}\u201d"))
            if r.get("volume") is not None:
                rows.append(("volume", f"{format_number(r['volume'])} {format_unit(r.get('volume_unit'))}".strip()))
            if r.get("inferred"):
                rule = r.get("rule")
                rows.append(("inferred", self.facts.label(str(rule)) if rule else "yes"))
            if r.get("quote"):
                quotes.append((str(r.get("source") or ""), str(r["quote"])))
        inferred = bool(rels) and all(r.get("inferred") for r in rels)
        shares = [float(r["share"]) for r in rels if r.get("share") is not None]
        width = 1.5 + 2.5 * max(shares) if shares else 1.5
        self.edges.append({
            "from": u, "to": v, "style": "inferred" if inferred else "supply",
            "label": shorten(", ".join(products), 40), "width": width,
            "head": f"{self.label(u)} \u2192 {self.label(v)}", "sub": "supply link" + (" (inferred)" if inferred else ""),
            "rows": rows, "quotes": list(dict.fromkeys(quotes)), "products": products,
            "iris": [r.get("iri") for r in rels if r.get("iri")],
            "sources": {r["source"] for r in rels if r.get("source")},
        })

    def add_link(self, u: str, v: str, style: str, head: str, sub: str, rows=(), quotes=(), label: str = "") -> None:
        self.edges.append({"from": u, "to": v, "style": style, "label": label, "width": 1.2, "head": head,
                           "sub": sub, "rows": list(rows), "quotes": list(quotes), "products": [], "iris": [],
                           "sources": set()})

    def add_ownership(self) -> None:
        agents = {n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")}
        for sub, group in self.facts.group_links:
            if sub not in self.net or group not in self.net:
                continue
            # a group link into the scope brings its other end along (drawn as outside if it is)
            if self.focus is None and (sub in agents or group in agents) and (
                self.in_scope(sub) or self.in_scope(group)
            ):
                self.add_agent(sub)
                self.add_agent(group)
            if sub in self.nodes and group in self.nodes:
                self.add_link(group, sub, "ownership", f"{self.label(sub)} is a subsidiary of {self.label(group)}",
                              "group \u2013 subsidiary")

    def add_parks(self, *, all_in_scope: bool) -> None:
        shown = [n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")]
        if all_in_scope:
            parks = [p for p, kinds in self.facts.types.items() if "park" in kinds and self.place_in_scope(p)]
            for p in sorted(parks):
                self.add_entity(p, "park")
            for n in sorted(self.net):  # every firm of those parks, even without links
                if self.facts.located.get(n, set()) & set(parks):
                    self.add_agent(n)
            shown = [n for n, x in self.nodes.items() if x["kind"] in ("firm", "group", "cohort")]
        for n in shown:
            for p in sorted(self.facts.located.get(n, ())):
                if self.facts.kind(p) == "park":
                    self.add_entity(p, "park")
                    self.add_link(n, p, "located", f"{self.label(n)} is in {self.facts.label(p)}", "located in park")

    def add_institutions(self) -> None:
        partners = {p for co in self.facts.cooperations if co["partners"] & set(self.nodes) for p in co["partners"]}
        for i, kinds in sorted(self.facts.types.items()):
            if "institution" in kinds and (i in partners or (self.focus is None and self.place_in_scope(i))):
                self.add_entity(i, "institution")

    def add_cooperations(self) -> None:
        for co in self.facts.cooperations:
            members = sorted(p for p in co["partners"] if p in self.nodes)
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    rows = [("kind", co["kind"])] if co["kind"] else []
                    self.add_link(a, b, "cooperation", f"{self.label(a)} \u2013 {self.label(b)}", "cooperation",
                                  rows, self._quotes(co["iri"]))

    def add_projects(self) -> None:
        for p, info in sorted(self.facts.projects.items()):
            investors = sorted(i for i in info["investors"] if i in self.nodes)
            if not investors and not (self.focus is None and self.place_in_scope(p)):
                continue
            rows = []
            if info.get("status"):
                rows.append(("status", info["status"]))
            if info.get("year"):
                rows.append(("year", info["year"]))
            if info["investors"]:
                rows.append(("investors", "; ".join(self.label(i) for i in sorted(info["investors"]))))
            if info["products"]:
                rows.append(("products", "; ".join(self.facts.label(x) for x in sorted(info["products"]))))
            self.add_entity(p, "project", rows)
            for i in investors:
                self.add_link(i, p, "invests", f"{self.label(i)} invests in {self.facts.label(p)}", "investor")
            for place in sorted(self.facts.located.get(p, ())):
                if place in self.nodes and self.nodes[place]["kind"] == "park":
                    self.add_link(p, place, "located", f"{self.facts.label(p)} is in {self.facts.label(place)}",
                                  "located in park")

    def add_products(self) -> None:
        pairs = []
        for n, x in list(self.nodes.items()):
            if x["kind"] in ("firm", "group", "cohort"):
                pairs += [(n, p) for p in self.net.nodes[n].get("products") or ()]
            elif x["kind"] == "project":
                pairs += [(n, p) for p in sorted(self.facts.projects.get(n, {}).get("products", ()))]
        for n, p in pairs:
            self.add_entity(p, "product")
            self.add_link(n, p, "produces", f"{self.label(n)} \u2192 {self.facts.label(p)}",
                          "produces" if self.nodes[n]["kind"] != "project" else "project product")

    # ---------------------------------------------------------------- aggregation
    def aggregate_clusters(self) -> None:
        """Replace the firms by one node per cluster and the supply flows between clusters."""
        agents, supply = self.nodes, self.edges
        self.nodes, self.edges, self.aggregated = {}, [], True

        def key(n):
            cl = agents[n]["clusters"]
            return cl[0] if cl else ""

        members: dict[str, list[str]] = defaultdict(list)
        for n in agents:
            members[key(n)].append(n)
        flows: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for e in supply:
            flows[key(e["from"]), key(e["to"])].append(e)
        for c in sorted(members, key=lambda c: (c == "", c)):
            ns = members[c]
            label = (agents[ns[0]]["cluster_labels"] or [self.facts.label(c)])[0] if c else "outside any cluster"
            inner = flows.get((c, c), [])
            firms = sum(1 for n in ns if agents[n]["kind"] != "cohort")
            cohort_members = sum(int(self.net.nodes[n].get("member_count") or 0) for n in ns
                                 if agents[n]["kind"] == "cohort")
            top = sorted(ns, key=lambda n: (-self.net.degree(n), agents[n]["label"]))[:5]
            unlinked = sum(1 for n in ns if agents[n]["apart"])
            rows = [("firms and groups", firms), ("cohorts", f"{len(ns) - firms} ({cohort_members} firms)"),
                    ("supply links inside", len(inner)),
                    ("most linked", "; ".join(agents[n]["label"] for n in top))]
            if unlinked:
                rows.append(("no stated supply link", f"{unlinked} of {len(ns)}"))
            self.nodes[c or "(none)"] = {
                "iri": c, "kind": "cluster", "label": label, "names": [label, *(n for n in [c] if n)],
                "clusters": [c] if c else [], "cluster_labels": [label] if c else [], "rows": rows,
                "quotes": [], "outside": not c, "weight": len(ns), "apart": False,
            }
        for (a, b), es in sorted(flows.items()):
            if a == b:
                continue
            products = sorted({p for e in es for p in e["products"]})
            ka, kb = a or "(none)", b or "(none)"
            self.edges.append({
                "from": ka, "to": kb, "style": "flow", "label": f"{len(es)} link{'s' if len(es) > 1 else ''}",
                "width": 1 + 2 * math.log2(1 + len(es)),
                "head": f"{self.nodes[ka]['label']} \u2192 {self.nodes[kb]['label']}", "sub": "supply flow",
                "rows": [("supply links", len(es)), ("products", "; ".join(products) or "(not stated)"),
                         ("firms", "; ".join(shorten(f"{agents[e['from']]['label']} \u2192 {agents[e['to']]['label']}", 80)
                                             for e in es[:8]) + ("; \u2026" if len(es) > 8 else ""))],
                "quotes": [], "products": products, "iris": [],
                "sources": set().union(*(e["sources"] for e in es)),
            })
