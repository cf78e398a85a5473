"""The per-generation analysis index: the read side."""

from __future__ import annotations

import bisect
import json
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path

from kg.analysis.esri.cascade import affected, assumptions, propagate
from kg.analysis.esri.model import CompiledModel
from kg.analysis.esri.notes import NoteTable
from kg.errors import AmbiguousName, StoreError, UnknownName
from kg.lookup.names import KIND_RANK_BY_NAME, Match, expand_iri, normalise
from kg.network.scheme import EssentialMap
from kg.rdf.generations import Generation
from kg.utils.arrays import PackedStrings

FORMAT = 2
"""Bumped whenever what the index holds or how it is computed changes."""


EXACT_RISK_LIMIT = 2000
"""Up to this many linked firms the index ranks every firm's ESRI (as `kg risk` does)."""


RISK_TOP = 100
"""Above :data:`EXACT_RISK_LIMIT`, how many candidates the index computes ESRI for."""


INDEX_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
"""What reading a damaged ``.npz`` file raises (besides numpy's ``ValueError``)."""


# ------------------------------------------------------------------ the file


class IndexFile(Mapping):
    """The members of a saved index (the lazy mapping :func:`numpy.load` gives for a ``.npz``
    file), read when first used. A member that turns out damaged (its CRC does not match, the
    file ends inside it) raises :class:`~kg.errors.StoreError` and removes the file, so the
    next command builds the index again; ``damage`` then says what was wrong.
    """

    def __init__(self, npz, path: Path):
        self._npz, self.path, self.damage = npz, path, None

    def __getitem__(self, key: str):
        try:
            return self._npz[key]
        except KeyError:
            raise
        except (*INDEX_ERRORS, ValueError) as e:
            self.damage = f"{type(e).__name__}: {e}"
            try:
                self.path.unlink(missing_ok=True)
            except OSError:
                pass
            raise StoreError(f"{self.path}: the analysis index is damaged ({self.damage}); it was removed and "
                             "the next command builds it again") from None

    def __contains__(self, key) -> bool:
        return key in self._npz.files

    def __iter__(self) -> Iterator[str]:
        return iter(self._npz.files)

    def __len__(self) -> int:
        return len(self._npz.files)


# ------------------------------------------------------------------ the index


class AnalysisIndex:
    """Whole-network results of one store generation, in arrays (see the module docstring).

    Build one with :func:`~kg.services.index.build_index`; read a store's with
    :func:`~kg.services.index.open_index`.
    """

    def __init__(self, arrays: dict):
        import numpy as np

        self.arrays = arrays  # a dict, or the lazy mapping of a saved index (IndexFile)
        self.weights = arrays["node_weight"]
        self.idom = arrays["idom"]
        self.dom_weight = arrays["dom_weight"]
        self._children = None
        self.sole_supplier = arrays["sole_supplier"]
        self.sole_customer = arrays["sole_customer"]
        self._np = np
        self.essential = None
        if "essential" in arrays:
            scheme = json.loads(PackedStrings(arrays["essential"])[0])
            self.essential = EssentialMap({(i, o): (c, e == 2 if e else 0) for i, o, c, e in scheme["feeds"]},
                                          scheme["labels"])
        self.generation: Generation | None = None
        self._model = None

    # --- string columns: read from the file and decoded one string at a time when first used
    # (a fresh process reads a few of the 100,000s of strings they hold); nodes, entity_iri
    # and name_norm are sorted

    def _strings(self, key: str):
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
        :meth:`kg.analysis.dominance.DominatorTree.dominators`)."""
        out, d = [], int(self.idom[self.position(iri)])
        while d >= 0:
            out.append(self.nodes[d])
            d = int(self.idom[d])
        return out

    def dominated(self, iri: str) -> list[str]:
        """The firms cut off if ``iri`` fails, sorted (as
        :meth:`kg.analysis.dominance.DominatorTree.dominated`)."""
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

    def esri_card(self, iri: str, *, top_affected: int = 10, bound: str = "stated") -> dict:
        """The ``esri`` part of :func:`kg.services.card.dependency_card` for ``iri``: its index under
        both bounds (two cascades on the compiled model), its rank (by ``bound``) among the ranked
        firms and itself, the firms hit hardest and the assumptions, and the scope."""
        if self._model is None:
            a = self.arrays
            model = CompiledModel.from_arrays({k[5:]: a[k] for k in a if k.startswith("esri_") and k != "esri_scope"},
                                              strings=PackedStrings)
            notes = NoteTable.from_arrays({k[5:]: a[k] for k in a if k.startswith("note_")}, strings=PackedStrings)
            self._model = (model, notes)
        cm, notes = self._model
        scope = PackedStrings(self.arrays["esri_scope"])[0]
        if self.kinds[self.position(iri)] == "cohort":
            return {"note": "a cohort is an aggregate of firms, not a firm: it is not ranked", "scope": scope}
        try:
            i = cm.number(iri)
        except KeyError:
            return {"note": "outside the ranked network (no cluster and no partner in one)", "scope": scope}
        state = propagate(cm, i, bound=bound)
        other = propagate(cm, i, bound="named" if bound == "stated" else "stated")
        ranked = self.arrays["ranked"]
        values = self.arrays["ranked_esri" if bound == "stated" else "ranked_esri_named"]
        position = self.position(iri)
        others = values[ranked != position]
        mine = round(state.esri, 12)
        n_linked = int(self.arrays["n_linked"])
        exact = n_linked <= EXACT_RISK_LIMIT
        notes_out = list(assumptions(cm, notes, state))
        if not exact:
            notes_out.append(
                f"ranked among the {len(ranked)} candidates with the largest dominated weight and weighted "
                f"out-degree and this firm, not among all {n_linked:,} linked firms")
        low, high = (state.esri, other.esri) if bound == "stated" else (other.esri, state.esri)
        return {
            "value": round(state.esri, 6),
            "own": round(float(cm.weight[i]) / cm.total, 6) if cm.total > 0 else 0.0,
            "rank": 1 + sum(1 for v in others.tolist() if round(v, 12) > mine),  # ranks as esri() does
            "of": len(others) + 1,
            "rounds": state.rounds,
            "affected": [{"firm": node, "label": self.label(node), "loss": round(loss, 6)}
                         for node, loss in affected(cm, state)[:top_affected]],
            "assumptions": notes_out,
            "scope": scope,
            "bound": bound,
            "low": round(low, 6),
            "high": round(high, 6),
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
        """The :class:`kg.lookup.names.Match` of an exact name (after
        :func:`kg.lookup.names.normalise`) or IRI.

        Returns what :func:`kg.lookup.names.resolve` returns when ``name`` is an IRI or matches
        exactly; None when nothing matches exactly (the caller then runs the similarity
        search of :func:`kg.lookup.names.resolve`). Several exact matches raise :class:`AmbiguousName`.
        """
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
            key=lambda m: (KIND_RANK_BY_NAME.get(m.kind, 99), m.label),
        )[:50]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousName(name, matches)
        return None
