"""The analysis index of a persistent store: what `kg depends` needs, computed once per load.

A firm's dependency card needs facts about the whole network: its dominators and the
firms it dominates (one dominator tree), the customers it is the sole supplier of, its
systemic risk and its rank. On a store of 100,000 firms building the network alone
takes seconds, so a fresh `kg depends` process could not answer in under a second.
The index holds those whole-network results in plain arrays (``numpy.savez``, no
pickle), next to the store:

    STORE/kg-index/<generation>.npz

A store generation never changes once `kg load` has written it (a load writes a new
generation), so an index belongs to exactly one generation and can never be stale;
the first analysis of a new generation builds it (and says so on stderr), later ones
read it in milliseconds. Indexes of generations that no longer exist are removed when
a new one is written. An index written by another format version is rebuilt.

What is in it: the network's nodes (IRI, label, kind, weight), the immediate dominator
of each node, the dominated weight, the sole-supplier links, the names of every
named entity (normalised, for exact name lookups), the ESRI model compiled to arrays
(:class:`kg.esri.CompiledModel`) with its assumption notes, and the ESRI results of the
candidates `kg risk` would compute. (Indexes written before may also hold a "cited" array,
the sources of every supply relation, which nothing reads any more: `kg view` cites those
of the links it draws.)

>>> from kg.network import network_from_edges
>>> idx = build_index(network_from_edges([("a", "b"), ("b", "c"), ("x", "c")]))
>>> idx.dominators("b"), idx.dominated("a"), idx.dominated_weight("a")
(['a'], ['b'], 1)
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import AmbiguousName, StoreError, UnknownName

FORMAT = 1
"""Bumped whenever what the index holds or how it is computed changes."""

INDEX_DIR = "kg-index"
"""In a store folder, the folder of the analysis indexes (one file per generation)."""

EXACT_RISK_LIMIT = 2000
"""Up to this many linked firms the index ranks every firm's ESRI (as `kg risk` does)."""

RISK_TOP = 100
"""Above :data:`EXACT_RISK_LIMIT`, how many candidates the index computes ESRI for."""



@dataclass(frozen=True)
class Generation:
    """A store folder's current generation: its folder and the index file that goes with it."""

    store: Path
    folder: Path

    @property
    def index_file(self) -> Path:
        return self.store / INDEX_DIR / f"{self.folder.name}.npz"


def current_generation(store_dir: str | os.PathLike) -> Generation:
    """The generation readers of ``store_dir`` open now (:class:`StoreError` if there is no store)."""
    from .store import _current

    store = Path(store_dir)
    folder = _current(store) if store.is_dir() else None
    if folder is None:
        raise StoreError(f"{store}: no store here; create one with `kg load FILES… --store {store}`")
    return Generation(store, folder)


# ------------------------------------------------------------------ the index


class AnalysisIndex:
    """Whole-network results of one store generation, in arrays (see the module docstring).

    Build one with :func:`build_index`; read a store's with :func:`open_index`.
    """

    def __init__(self, arrays: dict):
        import numpy as np

        self.arrays = arrays  # a dict, or the lazy mapping numpy.load gives for a .npz file
        self.weights = arrays["node_weight"]
        self.idom = arrays["idom"]
        self.dom_weight = arrays["dom_weight"]
        self._children = None
        self.sole_supplier = arrays["sole_supplier"]
        self.sole_customer = arrays["sole_customer"]
        self._np = np
        self.essential = None
        if "essential" in arrays:
            import json

            from .esri import EssentialMap, PackedStrings

            scheme = json.loads(PackedStrings(arrays["essential"])[0])
            self.essential = EssentialMap({(i, o): (c, e) for i, o, c, e in scheme["feeds"]}, scheme["labels"])
        self.generation: Generation | None = None
        self._model = None

    # --- string columns: read from the file and decoded one string at a time when first used
    # (a fresh process reads a few of the 100,000s of strings they hold); nodes, entity_iri
    # and name_norm are sorted

    def _strings(self, key: str):
        from .esri import PackedStrings

        return PackedStrings(self.arrays[key])

    @cached_property
    def nodes(self):
        return self._strings("node_iri")

    @cached_property
    def labels(self):
        return self._strings("node_label")

    @cached_property
    def kinds(self):
        return self._strings("node_kind")

    @cached_property
    def sole_input(self):
        return self._strings("sole_input")

    @cached_property
    def entity_iri(self):
        return self._strings("entity_iri")

    @cached_property
    def entity_label(self):
        return self._strings("entity_label")

    @cached_property
    def entity_kind(self):
        return self._strings("entity_kind")

    @cached_property
    def entity_cluster(self):
        return self._strings("entity_cluster")

    @cached_property
    def name_norm(self):
        return self._strings("name_norm")

    @cached_property
    def name_label(self):
        return self._strings("name_label")

    @cached_property
    def name_entity(self):
        return self.arrays["name_entity"]

    # --- nodes

    def position(self, iri: str) -> int:
        """The node number of ``iri`` (:class:`UnknownName` if it is not in the network)."""
        i = bisect.bisect_left(self.nodes, iri)
        if i == len(self.nodes) or self.nodes[i] != iri:
            raise UnknownName(iri, [])
        return i

    def label(self, iri: str) -> str:
        return self.labels[self.position(iri)]

    def __contains__(self, iri: str) -> bool:
        try:
            self.position(iri)
        except UnknownName:
            return False
        return True

    # --- dominator tree

    def dominators(self, iri: str) -> list[str]:
        """The firms whose failure alone cuts ``iri`` off, nearest first (as
        :meth:`kg.risk.DominatorTree.dominators`)."""
        out, d = [], int(self.idom[self.position(iri)])
        while d >= 0:
            out.append(self.nodes[d])
            d = int(self.idom[d])
        return out

    def dominated(self, iri: str) -> list[str]:
        """The firms cut off if ``iri`` fails, sorted (as :meth:`kg.risk.DominatorTree.dominated`)."""
        np = self._np
        if self._children is None:
            order = np.argsort(self.idom, kind="stable")
            starts = np.searchsorted(self.idom[order], np.arange(len(self.nodes) + 1))
            self._children = (order, starts)
        order, starts = self._children
        out, stack = [], [self.position(iri)]
        while stack:
            v = stack.pop()
            kids = order[starts[v]:starts[v + 1]].tolist()
            out.extend(kids)
            stack.extend(kids)
        return sorted(self.nodes[k] for k in out)

    def dominated_weight(self, iri: str) -> int:
        return int(self.dom_weight[self.position(iri)])

    # --- systemic risk

    def esri_card(self, iri: str, *, top_affected: int = 10) -> dict:
        """The ``esri`` part of :func:`kg.report.dependency_card` for ``iri``: its index
        (one cascade on the compiled model), its rank among the ranked firms and itself,
        the firms hit hardest and the assumptions."""
        from .esri import CompiledModel, NoteTable, PackedStrings, affected, assumptions, propagate

        if self._model is None:
            a = self.arrays
            model = CompiledModel.from_arrays({k[5:]: a[k] for k in a if k.startswith("esri_")},
                                              strings=PackedStrings)
            notes = NoteTable.from_arrays({k[5:]: a[k] for k in a if k.startswith("note_")}, strings=PackedStrings)
            self._model = (model, notes)
        cm, notes = self._model
        i = self.position(iri)
        state = propagate(cm, i)
        ranked, values = self.arrays["ranked"], self.arrays["ranked_esri"]
        others = values[ranked != i]
        mine = round(state.esri, 12)
        n_linked = int(self.arrays["n_linked"])
        exact = n_linked <= EXACT_RISK_LIMIT
        notes_out = list(assumptions(cm, notes, state))
        if not exact:
            notes_out.append(
                f"ranked among the {len(ranked)} candidates with the largest dominated weight and weighted "
                f"out-degree and this firm, not among all {n_linked:,} linked nodes")
        return {
            "value": round(state.esri, 6),
            "own": round(float(cm.weight[i]) / cm.total, 6) if cm.total > 0 else 0.0,
            "rank": 1 + sum(1 for v in others.tolist() if round(v, 12) > mine),  # ranks as kg.esri.esri
            "of": len(others) + 1,
            "rounds": state.rounds,
            "affected": [{"firm": node, "label": self.label(node), "loss": round(loss, 6)}
                         for node, loss in affected(cm, state)[:top_affected]],
            "assumptions": notes_out,
        }

    # --- sole-supplier links

    def sole_supplier_of(self, iri: str) -> list[dict]:
        """The inputs ``iri`` alone supplies in full: ``customer``, ``label``, ``input``,
        ordered by customer and input."""
        np = self._np
        i = self.position(iri)
        rows = np.flatnonzero(self.sole_supplier == i).tolist()
        out = [{"customer": self.nodes[int(self.sole_customer[r])],
                "label": self.labels[int(self.sole_customer[r])],
                "input": self.sole_input[r]} for r in rows]
        return out

    # --- names

    def resolve(self, name: str, kinds: set[str] | None = None):
        """The :class:`kg.names.Match` of an exact name (after :func:`kg.names.normalise`) or IRI.

        Returns what :func:`kg.names.resolve` returns when ``name`` is an IRI or matches
        exactly; None when nothing matches exactly (the caller then runs the similarity
        search of :func:`kg.names.resolve`). Several exact matches raise :class:`AmbiguousName`.
        """
        from .names import _KIND_RANK_BY_NAME, Match, expand_iri, normalise

        iri = expand_iri(name)
        if iri is not None:
            e = bisect.bisect_left(self.entity_iri, iri)
            if e == len(self.entity_iri) or self.entity_iri[e] != iri:
                raise UnknownName(name, [])
            if kinds and self.entity_kind[e] not in kinds:
                raise UnknownName(name, [])
            return Match(iri, self.entity_label[e], self.entity_kind[e], self.entity_cluster[e] or None,
                         self.entity_label[e], 1.0)
        query = normalise(name)
        if not query:
            return None
        lo = bisect.bisect_left(self.name_norm, query)
        hi = bisect.bisect_right(self.name_norm, query, lo=lo)
        found: dict[int, str] = {}
        for r in range(lo, hi):  # name rows of one entity come in its label order: keep the first
            e = int(self.name_entity[r])
            if (not kinds or self.entity_kind[e] in kinds) and e not in found:
                found[e] = self.name_label[r]
        matches = sorted(
            (Match(self.entity_iri[e], self.entity_label[e], self.entity_kind[e],
                   self.entity_cluster[e] or None, label, 1.0) for e, label in found.items()),
            key=lambda m: (_KIND_RANK_BY_NAME.get(m.kind, 99), m.label),
        )[:50]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousName(name, matches)
        return None


# ------------------------------------------------------------------ one firm's links

_PARTNERS_QUERY = """
SELECT DISTINCT ?r ?n WHERE {
  { ?r ckg:supplier <{iri}> ; ckg:customer ?n } UNION { ?r ckg:customer <{iri}> ; ckg:supplier ?n }
}
"""

FOLLOW = ("ckg:inCluster", "ckg:product", "ckg:volume", "ckg:capacity", "ckg:outputValue", "ckg:inferenceRule",
          "prov:wasDerivedFrom", "prov:hadPrimarySource")
"""The links :func:`firm_links_network` follows from the firm, its relations and its partners
(two steps: a relation's evidence, then its article): what the projection reads about them.
Links to other firms (``ckg:suppliesTo``, ownership) are not followed."""


AGENT_FACTS = ("rdf:type", "skos:prefLabel", "skos:altLabel", "ckg:inCluster", "ckg:locatedIn", "ckg:headquarteredIn",
               "ckg:produces", "ckg:capacity", "ckg:outputValue", "ckg:memberCount")
"""What :func:`firm_links_network` copies about the firm and its partners: the node attributes
of :func:`kg.network.supply_network`."""


def _term(name: str):
    import pyoxigraph as ox

    from .ontology import PREFIXES

    prefix, local = name.split(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def firm_links_network(ox_store, iri: str):
    """The supply network of ``iri`` and its direct partners only, with every attribute
    :func:`kg.network.supply_network` gives them, read from ``ox_store`` by two queries.

    The firm's supply relations, its partners and what the projection reads about them
    (two steps out) are copied into a small in-memory graph, which is then projected as
    usual: the same code, so the same attributes, at the cost of the firm's links only.
    """
    import pyoxigraph as ox

    from .network import supply_network
    from .ontology import sparql_prologue

    agents, relations = {ox.NamedNode(iri)}, set()
    for r, n in ox_store.query(sparql_prologue() + _PARTNERS_QUERY.replace("{iri}", iri)):
        relations.add(r)
        agents.add(n)
    default = ox.DefaultGraph()
    follow = {_term(p) for p in FOLLOW}
    small = ox.Store()
    # the class hierarchy, for the types the projection reads through rdfs:subClassOf*
    small.extend(ox_store.quads_for_pattern(None, _term("rdfs:subClassOf"), None, default))
    # what the projection reads about an agent (not its ckg:suppliesTo shortcuts: thousands for a hub)
    facts = [_term(p) for p in AGENT_FACTS]
    quads = [q for node in agents for p in facts for q in ox_store.quads_for_pattern(node, p, None, default)]
    seeds, seen = set(relations), set(agents)
    for _ in range(3):  # the relations, then two steps along FOLLOW; a lookup by subject per node
        small.extend(quads)
        seeds = {q.object for q in quads if q.predicate in follow} | seeds
        seeds -= seen
        seen |= seeds
        quads = [q for node in seeds for q in ox_store.quads_for_pattern(node, None, None, default)]
        seeds = set()
    small.extend(quads)
    return supply_network(small)  # kg.store.select queries a pyoxigraph Store directly: no rdflib


# ------------------------------------------------------------------ building


def build_index(network, *, entities: dict | None = None, essential=None, tree=None, progress=None) -> AnalysisIndex:
    """The :class:`AnalysisIndex` of a supply network (from :func:`kg.network.supply_network`).

    ``entities``: the named entities (:func:`kg.names._entities` of the RDF graph) for
    exact name lookups; ``essential``: the product scheme (:func:`kg.esri.essential_map`);
    ``tree``: the network's :func:`kg.risk.dominator_tree` if the caller has it.
    ``progress(message)`` is told what is being computed.
    """
    import numpy as np

    from .concentration import sole_supplier_links, supply_table
    from .esri import esri, pack_strings, prepare
    from .names import normalise
    from .risk import dominator_tree

    say = progress or (lambda message: None)
    nodes = sorted(network.nodes)
    pos = {iri: i for i, iri in enumerate(nodes)}
    data = network.nodes
    arrays: dict = {"format": np.array([FORMAT])}
    arrays["node_iri"] = pack_strings(nodes)
    arrays["node_label"] = pack_strings([data[n].get("label") or n for n in nodes])
    arrays["node_kind"] = pack_strings([data[n].get("kind") or "" for n in nodes])
    arrays["node_weight"] = np.array([float(data[n].get("weight") or 1) for n in nodes])

    say("dominator tree")
    tree = tree or dominator_tree(network)
    arrays["idom"] = np.array([-1 if tree.idom.get(n) is None else pos[tree.idom[n]] for n in nodes], dtype=np.int32)
    arrays["dom_weight"] = np.array([tree.weight.get(n, 0) for n in nodes], dtype=np.int64)

    say("systemic-risk model")
    table = supply_table(network)
    model = prepare(network, essential=essential, table=table)
    arrays.update({f"esri_{k}": v for k, v in model.compiled.to_arrays().items()})
    arrays.update({f"note_{k}": v for k, v in model.note_table().to_arrays().items()})
    linked = sorted(n for n in network if network.degree(n) > 0)
    exact = len(linked) <= EXACT_RISK_LIMIT
    say(f"systemic risk of {'every linked firm' if exact else f'the top {RISK_TOP} candidates'}")
    ranked = esri(network, firms=linked, top=None if exact else RISK_TOP, essential=essential, tree=tree,
                  table=table) if linked else []
    arrays["ranked"] = np.array([pos[r.firm] for r in ranked], dtype=np.int32)
    arrays["ranked_esri"] = np.array([r.esri for r in ranked], dtype=np.float64)
    arrays["n_linked"] = np.array(len(linked))
    arrays["linked"] = np.array([network.degree(n) > 0 for n in nodes], dtype=bool)

    say("sole-supplier links")
    sole = sole_supplier_links(network, essential=essential, table=table)
    arrays["sole_supplier"] = np.array([pos[r.suppliers[0].supplier] for r in sole], dtype=np.int32)
    arrays["sole_customer"] = np.array([pos[r.customer] for r in sole], dtype=np.int32)
    arrays["sole_input"] = pack_strings([r.product_label for r in sole])

    if essential is not None:
        import json

        arrays["essential"] = pack_strings([json.dumps({"feeds": [[i, o, c, e] for (i, o), (c, e) in sorted(essential.feeds.items())],
                                                 "labels": dict(sorted(essential.labels.items()))})])

    say("names")
    entities = entities or {}
    iris = sorted(entities)
    arrays["entity_iri"] = pack_strings(iris)
    arrays["entity_label"] = pack_strings([entities[e]["label"] for e in iris])
    arrays["entity_kind"] = pack_strings([entities[e]["kind"] for e in iris])
    arrays["entity_cluster"] = pack_strings([entities[e]["cluster"] or "" for e in iris])
    rows = []
    for e, iri in enumerate(iris):
        for label, _lang, _pref in sorted(entities[iri]["labels"], key=lambda t: (not t[2], t[1] != "en", t[0])):
            norm = normalise(label)
            if norm:
                rows.append((norm, e, label))
    rows.sort(key=lambda r: r[0])  # stable: an entity's labels keep their order
    arrays["name_norm"] = pack_strings([r[0] for r in rows])
    arrays["name_label"] = pack_strings([r[2] for r in rows])
    arrays["name_entity"] = np.array([r[1] for r in rows], dtype=np.int32)
    return AnalysisIndex(arrays)


# ------------------------------------------------------------------ saving and reading


def save_index(index: AnalysisIndex, path: str | os.PathLike) -> Path:
    """Write ``index`` to ``path`` (``.npz``) atomically."""
    import numpy as np

    from .store import atomic_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as f:
        np.savez(f, **index.arrays)
    return path


def load_index(path: str | os.PathLike) -> AnalysisIndex | None:
    """The index saved at ``path``, or None if there is none or it has another format."""
    import numpy as np

    try:
        f = np.load(path, allow_pickle=False)  # members are read when first used
        if "format" not in f.files or int(f["format"][0]) != FORMAT:
            f.close()
            return None
        return AnalysisIndex(f)
    except (OSError, ValueError, KeyError):
        return None


def open_index(store_dir: str | os.PathLike, *, progress=None, build: bool = True) -> AnalysisIndex | None:
    """The analysis index of the store's current generation, built and saved if missing
    (None if it is missing and ``build`` is False).

    ``progress(message)`` hears when the index has to be built (once per generation).
    If the store folder is not writable the index is built in memory only.
    """
    from .esri import essential_map
    from .names import _entities
    from .network import supply_network
    from .store import _wrap, open_store

    gen = current_generation(store_dir)
    index = load_index(gen.index_file)
    if index is not None:
        index.generation = gen
        return index
    if not build:
        return None
    say = progress or (lambda message: None)
    say(f"building the analysis index of {gen.store} (once per load): network")
    graph = _wrap(open_store(gen.folder))
    index = build_index(supply_network(graph), entities=_entities(graph), essential=essential_map(graph),
                        progress=lambda message: say(f"building the analysis index: {message}"))
    index.generation = gen
    try:
        save_index(index, gen.index_file)
        _remove_stale_indexes(gen)
    except OSError as e:
        say(f"could not save the analysis index ({e}); it will be built again next time")
    return index


def _remove_stale_indexes(gen: Generation) -> None:
    """Remove the indexes of generations that no longer exist."""
    for f in (gen.store / INDEX_DIR).glob("*.npz"):
        if not (gen.store / f.stem).is_dir():
            f.unlink(missing_ok=True)
