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

# The wording of every note, shared with the pure-Python reference.
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


def share_note(customer: str, what: str, suppliers: int, guessed: int, sole: str, by_volume: bool) -> str:
    """The note on a customer's input whose share no source states for some suppliers."""
    if suppliers == 1:
        return (f"{customer}: share of {what} not stated for its sole supplier {sole}; "
                "stated bound: not counted, named bound: all of it")
    return (f"{customer}: share of {what} not stated for {guessed} of {suppliers} suppliers; stated bound: "
            f"not counted, named bound: what stated shares leave, split {'by stated volumes' if by_volume else 'evenly'}")


def unknown_note(customer: str) -> str:
    return f"{customer}: products unknown, so no input counted as essential"


def sizes_note(customer: str) -> str:
    return f"{customer}: input volumes not stated for every input; each input product weighs the same"


def inferred_note(supplier: str, customer: str, what: str) -> str:
    return f"{supplier} → {customer} ({what}): inferred link, not stated"


def sales_note(supplier: str, customers: int, by_volume: bool) -> str:
    """The note on a supplier whose total sales no source states in the unit of its sales."""
    if by_volume:
        return (f"{supplier}: total sales not stated; stated bound: its sales not counted, "
                "named bound: its named customers are all its sales (split by stated volumes)")
    if customers == 1:
        return (f"{supplier}: sales not stated; stated bound: its sales not counted, "
                "named bound: its one named customer is all its sales")
    return (f"{supplier}: sales volumes not stated; stated bound: its sales not counted, named bound: its "
            "named customers are all its sales, split by their inputs from it (inputs in proportion to output)")


def note_table(
    network,
    table: SupplyTable,
    groups,
    compiled: CompiledModel,
    general: list[str],
    essential,
    unknown,
    sizes,
    sellers,
    by_volume,
    weight_notes: Mapping[str, list[str]],
) -> NoteTable:
    """The texts of every note :attr:`CompiledModel.notes` flags, as the reference words them.

    The model's general notes come first (``ids`` 0, 1, …; :attr:`NoteTable.general`). A node's
    notes on its inputs follow the reference's order: products unknown, input sizes, then
    product by product (in group order) the share not stated, then supplier by supplier the
    inferred links.
    """
    nodes = table.nodes
    n = len(nodes)
    labels: list[str] = [""] * n
    for v, data in network.nodes(data=True):
        labels[table.index[v]] = data.get("label") or str(v)
    flags = compiled.notes
    tails = {p: last_segment(p) for p in table.products}
    relations = table.relations

    def what(k: int) -> str:
        """The label of a fact's product, as input_suppliers gives it (else the product)."""
        product = table.products[groups.product[k]]
        rel = relations[groups.relation[k]]
        label = (rel.get("product_label") if product == (rel.get("product") or "") else None) or tails[product]
        if not label:  # the first relation gives none: ask the others, as input_suppliers does
            label = fact_label(network, nodes[groups.supplier[k]], nodes[groups.customer[k]], product)
        return label or product

    rows: list[int] = []
    positions: list[int] = []
    texts: list[str] = []

    def add(row: int, position: int, text: str) -> None:
        rows.append(row)
        positions.append(position)
        texts.append(text)

    noted = np.flatnonzero(flags & 1)
    for i in noted.tolist():
        if essential is not None and unknown[i]:
            add(3 * i, -2, unknown_note(labels[i]))
        if sizes[i]:
            add(3 * i, -1, sizes_note(labels[i]))
    is_noted = (flags & 1 > 0)[groups.customer]
    pair_starts = np.flatnonzero(groups.pair_first)
    position = np.arange(len(groups.customer))
    first_guess = (
        np.minimum.reduceat(np.where(groups.stated, len(position), position), pair_starts)
        if len(pair_starts) else np.zeros(0, dtype=np.int64)
    )
    pick = is_noted[pair_starts] & (groups.pair_guessed[pair_starts] > 0) if len(pair_starts) else pair_starts > 0
    for start, j in zip(pair_starts[pick].tolist(), first_guess[pick].tolist()):
        add(3 * int(groups.customer[start]), 2 * start,
            share_note(labels[groups.customer[start]], what(j), int(groups.pair_suppliers[start]),
                       int(groups.pair_guessed[start]), labels[groups.supplier[j]],
                       bool(groups.pair_by_volume[start])))
    for k in np.flatnonzero(groups.inferred & is_noted).tolist():
        add(3 * int(groups.customer[k]), 2 * k + 1,
            inferred_note(labels[groups.supplier[k]], labels[groups.customer[k]], what(k)))
    for i in np.flatnonzero(flags & 2).tolist():
        add(3 * i + 1, 0, sales_note(labels[i], int(sellers[i]), bool(by_volume[i])))
    for i in np.flatnonzero(flags & 4).tolist():
        for position, text in enumerate(weight_notes.get(nodes[i], ())):
            add(3 * i + 2, position, text)

    rows_a = np.array(rows, dtype=np.int64)
    order = np.lexsort((np.array(positions, dtype=np.int64), rows_a)) if rows else np.zeros(0, dtype=np.int64)
    number: dict[str, int] = {}
    for text in general:
        number.setdefault(text, len(number))
    general_ids = np.array([number[text] for text in general], dtype=np.int64)
    ids = [number.setdefault(texts[o], len(number)) for o in order.tolist()]
    ptr = np.r_[0, np.cumsum(np.bincount(rows_a, minlength=3 * n))]
    return NoteTable(list(number), ptr, np.array(ids, dtype=np.int64), general_ids)
