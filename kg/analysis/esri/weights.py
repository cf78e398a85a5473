"""ESRI output weights ``s_i``: one unit for the network, a figure per firm (see docs/esri.md).

The unit is picked once for the whole network: tonnes if any node states sales volumes in
tonnes or a capacity in t/yr, else yuan if any states sales in yuan or an output value, else
a count of firms. A node that states a figure in that unit uses it (its sales in the network
when every sale states a volume in that unit, else its capacity or output value); a node
that states none weighs the median of the stated per-firm figures (a cohort: its member
count times that median; a cohort's own figure divided by its member count counts as one
per-firm figure), and its notes say so. One node without a figure never switches the others.

Cohorts are counted once: a named node (not a cohort) whose ``part_of`` names a cohort with a stated count
makes that count one smaller (not below 0), and cohorts stated to overlap (``overlaps``)
share their members: in an overlap component with counts ``c_1..c_m`` cohort ``k`` counts
``c_k * max(c) / sum(c)``.

>>> from kg.network.model import network_from_edges
>>> g = network_from_edges([("a", "b"), ("a", "c")], capacity={"a": 300.0, "b": 100.0}, weight={"c": 4})
>>> w = output_weights(g)
>>> w.basis, [w.weight[n] for n in "abc"]
('tonnes', [300.0, 100.0, 800.0])
>>> w.notes["c"]
['c: no output figure stated; weighted as 4 firms × the median stated per-firm figure (200 t)']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kg.network.model import node_label, overlap_groups

TONNE_UNITS = ("http://qudt.org/vocab/unit/TONNE", "http://qudt.org/vocab/unit/TONNE-PER-YR")
YUAN_UNITS = ("http://qudt.org/vocab/unit/CCY_CNY",)

BASES = {
    "tonnes": ("tonnes", "t", "capacity", TONNE_UNITS),
    "yuan": ("yuan", "yuan", "output_value", YUAN_UNITS),
}
"""basis -> (name, unit word, node attribute of the stated total, volume units)."""

WEIGHTS = ("auto", "count", "tonnes", "capacity", "yuan", "output_value")
"""The ``weights=`` choices (any other string: that node attribute, 0 where missing)."""


def amount(x: float) -> str:
    """A figure with thousands separators: ``amount(2319444444.4) == '2,319,444,444'``, ``amount(2.5) == '2.5'``."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


@dataclass
class Weights:
    """Output weights of every node, the basis, and the notes per node."""

    weight: dict[str, float]
    basis: str
    description: str
    notes: dict[str, list[str]] = field(default_factory=dict)


def cohort_counts(network) -> tuple[dict[str, float], dict[str, list[str]]]:
    """The member count each cohort counts for (named members and overlaps counted once), and notes.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("x", kind="cohort", label="X", member_count=60, overlaps=["y", "z"])
    >>> g.add_node("y", kind="cohort", label="Y", member_count=60, overlaps=["x"])
    >>> g.add_node("z", kind="cohort", label="Z", member_count=12, overlaps=["x"])
    >>> g.add_node("f", kind="firm", label="F", part_of=["z"])
    >>> counts, notes = cohort_counts(g)
    >>> [round(counts[k], 6) for k in "xyz"]  # z: 12 - 1 (F) = 11; 60 * 60 / 131, 11 * 60 / 131
    [27.480916, 27.480916, 5.038168]
    >>> h = nx.DiGraph()  # a nested cohort is not a named member: 90 stays 90; 90 * 90 / 150, 60 * 90 / 150
    >>> h.add_node("all", kind="cohort", member_count=90, overlaps=["sub"])
    >>> h.add_node("sub", kind="cohort", member_count=60, overlaps=["all"], part_of=["all"])
    >>> [round(c, 6) for c in cohort_counts(h)[0].values()]
    [54.0, 36.0]
    """
    cohorts = {n: d for n, d in network.nodes(data=True) if d.get("kind") == "cohort"}
    stated = {n: d.get("member_count") for n, d in cohorts.items()}
    count = {n: float(c) if c is not None else 1.0 for n, c in stated.items()}
    notes: dict[str, list[str]] = {}
    for n, parts in network.nodes(data="part_of"):
        if n in cohorts:  # a nested cohort is not one named firm: the overlap below counts it
            continue
        for k in parts or ():
            if k in count and stated[k] is not None:
                count[k] = max(0.0, count[k] - 1.0)
                notes.setdefault(k, []).append(
                    f"{node_label(network, k)}: {node_label(network, n)} is named and counted by itself, "
                    "so the cohort counts one member fewer")
    for n, c in stated.items():
        if c is None:
            notes.setdefault(n, []).append(
                f"{node_label(network, n)}: a cohort whose size no source states; counted as 1 firm")
    out = dict(count)
    for members in overlap_groups(network, cohorts):
        if len(members) < 2:
            continue
        total = sum(count[k] for k in members)
        top = max(count[k] for k in members)
        names = ", ".join(node_label(network, k) for k in members)
        for k in members:
            out[k] = count[k] * top / total if total > 0 else 0.0
            notes.setdefault(k, []).append(
                f"{node_label(network, k)}: overlaps other cohorts ({names}); their members are counted once "
                f"({count[k]:g} × {top:g} / {total:g} = {out[k]:.4g} firms)")
    return out, notes


def _sales(network, table, units) -> dict[str, float]:
    """Node -> its sales in the network, where every sale states a volume in one of ``units``."""
    if table is None or not len(table.edge_src):
        return {}
    unit_ok = np.array([u in units for u in (table.units or [])] + [False], dtype=bool)
    ok = (table.edge_unit >= 0) & unit_ok[np.where(table.edge_unit >= 0, table.edge_unit, -1)]
    n = len(table.nodes)
    edges = np.bincount(table.edge_src, minlength=n)
    good = np.bincount(table.edge_src, weights=ok, minlength=n)
    total = np.bincount(table.edge_src, weights=np.where(ok, table.edge_volume, 0.0), minlength=n)
    sellers = np.flatnonzero((edges > 0) & (good == edges) & (total > 0))
    return {table.nodes[i]: float(total[i]) for i in sellers.tolist()}


def _any_sales(table, units) -> bool:
    if table is None or not table.units:
        return False
    codes = [i for i, u in enumerate(table.units) if u in units]
    return bool(codes) and bool(np.isin(table.edge_unit, codes).any())


def output_weights(network, weights: str = "auto", *, table=None) -> Weights:
    """The output weight of every node of ``network`` (``weights``: one of :data:`WEIGHTS` or a
    node attribute); ``table``: its :func:`kg.network.arrays.supply_table`, for stated sales."""
    if weights not in WEIGHTS:
        values = {n: float(d.get(weights) or 0.0) for n, d in network.nodes(data=True)}
        return Weights(values, weights, f"node attribute {weights!r}")
    counts, cohort_notes = cohort_counts(network)
    kinds = dict(network.nodes(data="kind"))
    order = ["tonnes", "yuan"] if weights == "auto" else (
        ["tonnes"] if weights in ("tonnes", "capacity") else ["yuan"] if weights in ("yuan", "output_value") else [])
    for basis in order:
        name, word, attribute, units = BASES[basis]
        sales = _sales(network, table, units)
        stated = {n: float(v) for n, v in network.nodes(data=attribute) if v is not None and v > 0}
        figure = {**stated, **sales}
        if not figure and not _any_sales(table, units):
            continue
        per_firm = [v / counts[n] if kinds.get(n) == "cohort" and counts[n] > 0 else v
                    for n, v in figure.items()
                    if kinds.get(n) != "cohort" or network.nodes[n].get("member_count")]
        if not per_firm:
            continue
        median = float(np.median(per_firm))
        out, notes = {}, {}
        for n, d in network.nodes(data=True):
            cohort = kinds.get(n) == "cohort"
            if n in figure:
                members = d.get("member_count")
                out[n] = figure[n] * (counts[n] / members) if cohort and members else figure[n]
                if cohort and members and counts[n] != members:
                    notes.setdefault(n, []).extend(cohort_notes.get(n, ()))
                continue
            size = counts[n] if cohort else 1.0
            out[n] = size * median
            text = (f"{node_label(network, n)}: no output figure stated; weighted as "
                    + (f"{size:.4g} firms × " if cohort else "")
                    + f"the median stated per-firm figure ({amount(median)} {word})")
            notes.setdefault(n, []).extend([*cohort_notes.get(n, ()), text] if cohort else [text])
        imputed = sum(1 for n in network if n not in figure)
        description = (
            f"{name}: stated {'sales volumes in the network, else ' if sales else ''}"
            f"{'capacities (t/yr)' if basis == 'tonnes' else 'output values (yuan)'} of "
            f"{len(figure):,} of {len(out):,} nodes; the {imputed:,} others weigh the median stated per-firm "
            f"figure ({amount(median)} {word}; a cohort that many times its member count)")
        return Weights(out, name, description, notes)
    out = {n: counts[n] if kinds.get(n) == "cohort" else 1.0 for n in network}
    notes = {n: list(v) for n, v in cohort_notes.items() if n in out}
    why = "" if weights == "count" else "; no node states an output figure"
    return Weights(out, "count", f"count of firms (a firm counts 1, a cohort its member count){why}", notes)
