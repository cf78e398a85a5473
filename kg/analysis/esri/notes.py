"""The wording of ESRI's assumption notes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from kg.analysis.esri.model import CompiledModel
from kg.analysis.shares import fact_label
from kg.network.arrays import SupplyTable
from kg.utils.arrays import (
    PackedStrings,
    concat_ranges,
    narrow,
    pack_strings,
    unpack_strings,
)
from kg.vocab.namespaces import last_segment


class NoteTable:
    """Every assumption note of a compiled model, each text once (from ``prepare(...).note_table()``).

    Node ``i``'s notes of kind ``k`` (0: its inputs, 1: its sales, 2: its
    weight) are ``texts[ids[ptr[3 * i + k]:ptr[3 * i + k + 1]]]``; ``general``
    are the ids of the notes every cascade starts with. :func:`~kg.analysis.esri.cascade.assumptions`
    words a cascade's assumptions from it; ``to_arrays`` / ``from_arrays`` save
    it next to a :class:`CompiledModel`.
    """

    def __init__(self, texts, ptr: np.ndarray, ids: np.ndarray, general: np.ndarray):
        self.texts = texts if isinstance(texts, PackedStrings) else np.array(texts, dtype=object)
        self.ptr = ptr
        self.ids = ids
        self.general = general

    def notes(self, i: int, kind: int) -> list[str]:
        row = 3 * i + kind
        return self.texts[self.ids[self.ptr[row] : self.ptr[row + 1]]].tolist()

    def gather(self, rows: np.ndarray) -> list[str]:
        """The general notes, then those of ``rows`` (3 * node + kind) in order, each text once."""
        ids = np.r_[self.general, self.ids[concat_ranges(self.ptr, rows)]]
        _, where = np.unique(ids, return_index=True)
        return self.texts[ids[np.sort(where)]].tolist()

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The table as numpy arrays (the texts UTF-8 encoded, NUL-separated), for ``numpy.savez``."""
        return {
            "texts": pack_strings(list(self.texts)),
            "ptr": narrow(self.ptr),
            "ids": narrow(self.ids),
            "general": narrow(self.general),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], *, strings=None) -> NoteTable:
        """The table back from :meth:`to_arrays`; ``strings=PackedStrings`` decodes texts when read."""
        return cls(
            (strings or unpack_strings)(arrays["texts"]),
            np.asarray(arrays["ptr"]),
            np.asarray(arrays["ids"]),
            np.asarray(arrays["general"]),
        )


class Notes(Mapping):
    """Node → its assumption notes of one kind, from the model's :class:`NoteTable` (made when first needed)."""

    def __init__(self, compiled: CompiledModel, kind: int, table):
        self._compiled = compiled
        self._kind = kind
        self._table = table  # () -> NoteTable

    def notes(self, i: int) -> list[str]:
        return self._table().notes(i, self._kind)

    def __getitem__(self, node) -> list[str]:
        i = self._compiled.index.get(node)
        if i is None or not self._compiled.notes[i] & (1 << self._kind):
            raise KeyError(node)
        return self.notes(i)

    def __iter__(self):
        nodes = self._compiled.nodes
        return (nodes[i] for i in np.flatnonzero(self._compiled.notes & (1 << self._kind)).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._compiled.notes & (1 << self._kind)))


def note_table(
    network,
    table: SupplyTable,
    groups,
    compiled: CompiledModel,
    general: list[str],
    essential,
    unknown,
    sellers,
) -> NoteTable:
    """The texts of every note :attr:`CompiledModel.notes` flags, as the reference words them.

    The model's general notes come first (``ids`` 0, 1, …; :attr:`NoteTable.general`). A node's
    notes on its inputs follow the reference's order: products unknown, then product by product
    (in group order) the share guessed, then supplier by supplier the inferred links.
    """
    nodes = table.nodes
    n = len(nodes)
    labels: list[str] = [""] * n
    for v, data in network.nodes(data=True):
        labels[table.index[v]] = data.get("label") or str(v)
    flags = compiled.notes
    tails = {p: last_segment(p) for p in table.products}
    relations = table.relations

    def what(facts: np.ndarray) -> list[str]:
        """The label of each fact's product, as input_suppliers gives it (else the product)."""
        out = []
        for k, p, r in zip(
            facts.tolist(), groups.product[facts].tolist(), groups.relation[facts].tolist()
        ):
            product = table.products[p]
            rel = relations[r]
            label = (
                rel.get("product_label") if product == (rel.get("product") or "") else None
            ) or tails[product]
            if not label:  # the first relation gives none: ask the others, as input_suppliers does
                label = fact_label(
                    network, nodes[groups.supplier[k]], nodes[groups.customer[k]], product
                )
            out.append(label or product)
        return out

    rows, positions, texts = [], [], []
    # inputs (row 3 i): products unknown, then each guessed share (2 k), then each inferred link (2 k + 1)
    if essential is not None:
        i = np.flatnonzero((flags & 1 > 0) & unknown)
        rows.append(3 * i)
        positions.append(np.full(len(i), -1))
        texts += [
            f"{labels[c]}: products unknown, so no input counted as essential" for c in i.tolist()
        ]
    noted = (flags & 1 > 0)[groups.customer]
    k = np.flatnonzero(groups.pair_first & (groups.pair_guessed > 0) & noted)
    if len(k):
        pair_starts = np.flatnonzero(groups.pair_first)
        position = np.arange(len(groups.stated))
        first_guess = np.minimum.reduceat(
            np.where(groups.stated, len(position), position), pair_starts
        )
        j = first_guess[np.searchsorted(pair_starts, k)]
    else:
        j = k
    rows.append(3 * groups.customer[k])
    positions.append(2 * k)
    texts += [
        f"{labels[c]}: share of {w} not stated for "
        + (
            f"its sole supplier {labels[s]}; taken as all of it"
            if total == 1
            else f"{guessed} of {total} suppliers; split evenly"
        )
        for c, w, s, total, guessed in zip(
            groups.customer[k].tolist(),
            what(j),
            groups.supplier[j].tolist(),
            groups.pair_suppliers[k].tolist(),
            groups.pair_guessed[k].tolist(),
        )
    ]
    k = np.flatnonzero(groups.inferred & noted)
    rows.append(3 * groups.customer[k])
    positions.append(2 * k + 1)
    texts += [
        f"{labels[s]} → {labels[c]} ({w}): inferred link, not stated"
        for c, s, w in zip(groups.customer[k].tolist(), groups.supplier[k].tolist(), what(k))
    ]
    # sales (row 3 i + 1)
    i = np.flatnonzero(flags & 2)
    several = i[sellers[i] > 1]
    rows += [3 * several + 1, 3 * i + 1]
    positions += [np.zeros(len(several)), np.ones(len(i))]
    texts += [
        f"{labels[c]}: sales volumes not stated; sales split by customer weight"
        for c in several.tolist()
    ]
    texts += [
        f"{labels[c]}: sales to customers the sources do not name are unknown and not counted"
        for c in i.tolist()
    ]
    # own weight (row 3 i + 2)
    i = np.flatnonzero(flags & 4)
    rows.append(3 * i + 2)
    positions.append(np.zeros(len(i)))
    texts += [
        f"{labels[c]}: a cohort whose size no source states; counted as 1 firm" for c in i.tolist()
    ]

    rows = np.concatenate(rows).astype(np.int64)
    order = np.lexsort((np.concatenate(positions), rows))
    number: dict[str, int] = {}
    for text in general:
        number.setdefault(text, len(number))
    general_ids = np.array([number[text] for text in general], dtype=np.int64)
    ids = [number.setdefault(texts[o], len(number)) for o in order.tolist()]
    ptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=3 * n))]
    return NoteTable(list(number), ptr, np.array(ids, dtype=np.int64), general_ids)
