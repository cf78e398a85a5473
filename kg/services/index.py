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
a new one is written. An index written by another format version is rebuilt, and so is a
damaged one (truncated, zeroed: it is written again, atomically, as if it were missing); a
member found damaged only when it is read is an error that removes the file, so the next
command builds it again.

What is in it: the network's nodes (IRI, label, kind, weight), the immediate dominator
of each node, the dominated weight, the sole-supplier links, the names of every
named entity (normalised, for exact name lookups), the ESRI model of the network `kg risk`
ranks in (every cluster's members and their direct partners, see
:func:`kg.services.ranking.scope_network`) compiled to arrays, both bounds
(:class:`kg.analysis.esri.model.CompiledModel`), with its assumption notes and scope, and the ESRI
results (both bounds) of the firms `kg risk` would compute. (Indexes written before may also hold a "cited" array,
the sources of every supply relation, which nothing reads any more: `kg view` cites those
of the links it draws.)

>>> from kg.network.model import network_from_edges
>>> idx = build_index(network_from_edges([("a", "b"), ("b", "c"), ("x", "c")]))
>>> idx.dominators("b"), idx.dominated("a"), idx.dominated_weight("a")
(['a'], ['b'], 1)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.analysis.concentration import sole_supplier_links
from kg.analysis.dominance import dominator_tree
from kg.analysis.esri.compile import prepare
from kg.analysis.esri.ranking import esri
from kg.errors import OutputError, StoreError
from kg.lookup.names import entity_rows, normalise
from kg.network.arrays import supply_table
from kg.network.project import supply_network
from kg.network.scheme import essential_map, role_of
from kg.rdf.generations import INDEX_DIR, Generation, current_generation, open_store, store_failure
from kg.rdf.local import wrap
from kg.services.index_reader import (
    EXACT_RISK_LIMIT,
    FORMAT,
    INDEX_ERRORS,
    RISK_TOP,
    AnalysisIndex,
    IndexFile,
)
from kg.services.ranking import scope_network
from kg.utils.arrays import pack_strings
from kg.utils.files import atomic_file

# ------------------------------------------------------------------ building


def build_index(network, *, entities: dict | None = None, essential=None, tree=None, progress=None) -> AnalysisIndex:
    """The :class:`AnalysisIndex` of a supply network (from :func:`kg.network.project.supply_network`).

    ``entities``: the named entities (:func:`kg.lookup.names.entity_rows` of the RDF graph) for
    exact name lookups; ``essential``: the product scheme (:func:`kg.network.scheme.essential_map`);
    ``tree``: the network's :func:`kg.analysis.dominance.dominator_tree` if the caller has it.
    ``progress(message)`` is told what is being computed.
    """
    import numpy as np

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
    net, members, scope = scope_network(network)
    table = supply_table(net)
    model = prepare(net, essential=essential, table=table)
    arrays.update({f"esri_{k}": v for k, v in model.compiled.to_arrays().items()})
    arrays.update({f"note_{k}": v for k, v in model.note_table().to_arrays().items()})
    arrays["esri_scope"] = pack_strings([scope])
    linked = sorted(n for n in members if net.degree(n) > 0 and net.nodes[n].get("kind") != "cohort")
    exact = len(linked) <= EXACT_RISK_LIMIT
    say(f"systemic risk of {'every linked firm' if exact else f'the top {RISK_TOP} candidates'}")
    ranked = esri(net, firms=linked, top=None if exact else RISK_TOP, essential=essential,
                  tree=tree if len(net) == len(network) else None, table=table, scope=scope) if linked else []
    arrays["ranked"] = np.array([pos[r.firm] for r in ranked], dtype=np.int32)
    arrays["ranked_esri"] = np.array([r.esri_low for r in ranked], dtype=np.float64)
    arrays["ranked_esri_named"] = np.array([r.esri_high for r in ranked], dtype=np.float64)
    arrays["n_linked"] = np.array(len(linked))
    arrays["linked"] = np.array([network.degree(n) > 0 for n in nodes], dtype=bool)

    say("sole-supplier links")
    sole = sole_supplier_links(network, essential=essential, table=supply_table(network))
    arrays["sole_supplier"] = np.array([pos[r.suppliers[0].supplier] for r in sole], dtype=np.int32)
    arrays["sole_customer"] = np.array([pos[r.customer] for r in sole], dtype=np.int32)
    arrays["sole_input"] = pack_strings([r.product_label for r in sole])

    if essential is not None:
        arrays["essential"] = pack_strings([json.dumps({"feeds": [[i, o, c, role_of(e)] for (i, o), (c, e) in sorted(essential.feeds.items())],
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

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as f:
        np.savez(f, **index.arrays)
    return path


def load_index(path: str | os.PathLike) -> AnalysisIndex | None:
    """The index saved at ``path``, or None if there is none, it has another format or it is
    damaged (truncated, zeroed: :func:`read_index` says which)."""
    return read_index(path)[0]


def read_index(path: str | os.PathLike) -> tuple[AnalysisIndex | None, str | None]:
    """The index saved at ``path`` (None if there is none or it has another format) and, if the
    file is there but damaged, what is wrong with it (the index is then None: build it again).

    Members are read when first used: one found damaged later raises
    :class:`~kg.errors.StoreError` and removes the file (:class:`~kg.services.index_reader.IndexFile`).
    """
    import numpy as np

    try:
        f = np.load(path, allow_pickle=False)  # members are read when first used
    except FileNotFoundError:
        return None, None
    except (*INDEX_ERRORS, ValueError) as e:  # not a zip file (truncated); pickled data (zeroed)
        return None, f"{type(e).__name__}: {e}"
    members = IndexFile(f, Path(path))
    try:
        if "format" not in members or int(members["format"][0]) != FORMAT:
            f.close()
            return None, None
        return AnalysisIndex(members), None
    except (StoreError, KeyError) as e:
        f.close()
        return None, members.damage or f"{type(e).__name__}: {e}"


def open_index(store_dir: str | os.PathLike, *, progress=None, build: bool = True) -> AnalysisIndex | None:
    """The analysis index of the store's current generation, built and saved if missing
    (None if it is missing and ``build`` is False).

    ``progress(message)`` hears when the index has to be built (once per generation).
    If the store folder is not writable the index is built in memory only.
    """
    gen = current_generation(store_dir)
    index, damage = read_index(gen.index_file)
    if index is not None:
        index.generation = gen
        return index
    if not build:
        return None
    say = progress or (lambda message: None)
    graph = wrap(open_store(gen.folder))
    if damage is not None:
        say(f"the analysis index {gen.index_file} is damaged ({damage}); building it again")
    say(f"building the analysis index of {gen.store} (once per load): network")
    try:
        index = build_index(supply_network(graph), entities=entity_rows(graph), essential=essential_map(graph),
                            progress=lambda message: say(f"building the analysis index: {message}"))
    except (OSError, RuntimeError) as e:  # a damaged block of the store shows when it is read
        failure = store_failure(e, gen.store)
        if failure is None:
            raise
        raise failure from None
    index.generation = gen
    try:
        save_index(index, gen.index_file)
        _remove_stale_indexes(gen)
    except (OSError, OutputError) as e:
        say(f"could not save the analysis index ({e}); it will be built again next time")
    return index


def _remove_stale_indexes(gen: Generation) -> None:
    """Remove the indexes of generations that no longer exist."""
    for f in (gen.store / INDEX_DIR).glob("*.npz"):
        if not (gen.store / f.stem).is_dir():
            f.unlink(missing_ok=True)
