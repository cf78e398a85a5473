"""The pure-Python ESRI reference the tests compare the compiled model against.

Dictionaries and loops, one node at a time: :func:`prepare_python`,
:func:`cascade_python` and :func:`esri_python` give the same floats as
:func:`~kg.analysis.esri.compile.prepare`, :func:`~kg.analysis.esri.cascade.cascade`
and :func:`~kg.analysis.esri.ranking.esri` (see ``docs/esri.md``). Nothing on the
compiled path imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.analysis.esri.compile import general_notes
from kg.analysis.esri.model import (
    BOUNDS,
    EPS,
    MAX_ROUNDS,
    THRESHOLD,
    Cascade,
    Model,
)
from kg.analysis.esri.notes import inferred_note, sales_note, share_note, sizes_note, unknown_note
from kg.analysis.esri.weights import BASES, output_weights
from kg.analysis.esri.ranking import (
    EsriResult,
    chosen_firms,
    pruned_firms,
    ranked_results,
)
from kg.analysis.shares import input_suppliers, product_shares
from kg.errors import UnknownName
from kg.network.arrays import supply_table
from kg.network.model import node_label
from kg.network.scheme import EssentialMap
from kg.utils.arrays import left_sum


def prepare_python(
    network, *, essential: EssentialMap | None = None, weights: str = "auto"
) -> Model:
    """The reference :func:`~kg.analysis.esri.compile.prepare`: coefficients (both bounds) and
    notes as dictionaries, node by node."""
    w = output_weights(network, weights, table=supply_table(network))
    model = Model(w.weight, left_sum(w.weight.values()), w.basis, {}, {}, {}, {}, {}, {},
                  general_notes(w.description, essential))
    bought: dict[tuple[str, str], float] = {}
    for node in network.nodes:
        _prepare_inputs(network, model, node, essential, bought)
    for node in network.nodes:
        _prepare_sales(network, model, node, bought)
        if w.notes.get(node):
            model.own_notes[node] = list(w.notes[node])
    return model


def _one_unit(facts) -> bool:
    units = set()
    for f in facts:
        if f["volume"] is None or len(f["units"]) != 1:
            return False
        units |= f["units"]
    return len(units) == 1


def _prepare_inputs(network, model: Model, customer, essential: EssentialMap | None, bought: dict) -> None:
    inputs = input_suppliers(network, customer)
    if not inputs:
        return
    label = node_label(network, customer, fallback="iri")
    outputs = network.nodes[customer].get("products") or []
    notes = model.down_notes.setdefault(customer, [])
    if essential is not None and not outputs:
        notes.append(unknown_note(label))
    every = [f for by in inputs.values() for f in by.values()]
    by_volume = _one_unit(every) and left_sum(f["volume"] for f in every) > 0
    pi = {p: left_sum(f["volume"] for f in inputs[p].values()) if by_volume else 1.0 for p in sorted(inputs)}
    s_in = left_sum(pi.values())
    if len(inputs) > 1 and not by_volume:
        notes.append(sizes_note(label))
    groups: dict[str, list[str]] = {}
    role: dict[str, int] = {}
    for product in sorted(inputs):
        key, r = essential.role(product, outputs) if essential is not None else (product, 1)
        groups.setdefault(key, []).append(product)
        role[key] = max(role.get(key, 0), r)
    others = []
    for key, products in sorted(groups.items()):
        size = left_sum(pi[p] for p in products)
        links: dict[str, list[float]] = {}
        for product in products:
            facts = inputs[product]
            raw = {s: f["share"] for s, f in facts.items()}
            open_ = [s for s, v in raw.items() if v is None]
            volumes = {s: facts[s]["volume"] for s in open_} if open_ and _one_unit(facts[s] for s in open_) else None
            split = product_shares(raw, volumes)
            scale = max(1.0, left_sum(v for v in raw.values() if v is not None))
            scale = scale if scale > 1 + 1e-9 else 1.0
            guessed = [s for s, (_, stated) in split.items() if not stated]
            if guessed:
                by_vol = volumes is not None and left_sum(volumes.values()) > 0
                notes.append(share_note(label, facts[guessed[0]]["label"] or product, len(split), len(guessed),
                                        node_label(network, guessed[0], fallback="iri"), by_vol))
            for s, (share, _) in split.items():
                low = raw[s] / scale if raw[s] is not None else 0.0
                named_w, low_w = share * pi[product], low * pi[product]
                denominator = size if role[key] == 2 else s_in
                entry = links.setdefault(s, [0.0, 0.0])
                if denominator > 0:
                    entry[0] += named_w / denominator
                    entry[1] += low_w / denominator
                if s_in > 0:
                    bought[(s, customer)] = bought.get((s, customer), 0.0) + named_w / s_in * model.weight.get(customer, 0.0)
                if facts[s]["inferred"]:
                    notes.append(inferred_note(node_label(network, s, fallback="iri"), label,
                                               facts[s]["label"] or product))
        rows = [(s, v[0], v[1]) for s, v in sorted(links.items())]
        if role[key] == 2:
            model.essential_inputs.setdefault(customer, []).append(rows)
        elif role[key] == 1:
            others.extend(rows)
    if others:
        model.other_inputs[customer] = others


def _prepare_sales(network, model: Model, supplier, bought: dict) -> None:
    customers = sorted(network.successors(supplier))
    if not customers:
        return
    volumes = {}
    units = set()
    for c in customers:
        rels = network.edges[supplier, c].get("relations", ())
        stated = [(r.get("volume"), r.get("volume_unit")) for r in rels if r.get("volume") is not None]
        if stated:
            volumes[c] = left_sum(v for v, _ in stated)
            units.update(u for _, u in stated)
    total = left_sum(volumes.values())
    by_volume = len(volumes) == len(customers) and len(units) == 1 and total > 0
    figure = None
    if by_volume:
        unit = next(iter(units))
        for _, _, attribute, family in BASES.values():
            if unit in family and (network.nodes[supplier].get(attribute) or 0) > 0:
                figure = max(network.nodes[supplier][attribute], total)
    if by_volume:
        named = [volumes[c] / total for c in customers]
    else:
        x = [bought.get((supplier, c), 0.0) for c in customers]
        whole = left_sum(x)
        named = [v / whole if whole > 0 else 0.0 for v in x]
    low = [volumes[c] / figure if figure else 0.0 for c in customers]
    model.sales[supplier] = list(zip(customers, named, low))
    if figure is None:
        model.up_notes[supplier] = [
            sales_note(node_label(network, supplier, fallback="iri"), len(customers), by_volume)
        ]


def esri_python(
    network,
    *,
    firms=None,
    top: int | None = None,
    threshold: float = THRESHOLD,
    essential: EssentialMap | None = None,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    tree=None,
    bound: str = "stated",
    scope: str = "",
) -> list[EsriResult]:
    """The reference :func:`~kg.analysis.esri.ranking.esri`: every cascade by :func:`cascade_python`."""
    chosen = chosen_firms(network, firms, top, threshold, bound)
    model = prepare_python(network, essential=essential, weights=weights)
    chosen, pruned = pruned_firms(network, chosen, top, tree, model)
    other = "named" if bound == "stated" else "stated"
    results = []  # (firm, esri, rounds, converged, affected, lost weight, assumptions, other bound)
    for f in chosen:
        c = cascade_python(network, f, threshold=threshold, max_rounds=max_rounds, model=model, bound=bound)
        second = cascade_python(network, f, threshold=threshold, max_rounds=max_rounds, model=model, bound=other)
        hit = sorted(
            ((i, 1.0 - h) for i, h in c.health.items() if i != f and h < 1.0 - EPS),
            key=lambda x: (-x[1], -model.weight.get(x[0], 0.0), x[0]),
        )
        results.append((f, c.esri, c.rounds, c.converged, tuple(hit), c.lost_weight, c.assumptions,
                        second.esri))
    return ranked_results(network, model, results, pruned, bound=bound, scope=scope)


def cascade_python(
    network,
    firm: str,
    *,
    essential: EssentialMap | None = None,
    threshold: float = THRESHOLD,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    model: Model | None = None,
    bound: str = "stated",
) -> Cascade:
    """The reference cascade: dictionaries, one node at a time (``model`` from :func:`prepare_python`)."""
    if firm not in network:
        raise UnknownName(firm, [])
    if bound not in BOUNDS:
        raise ValueError(f"bound must be one of {', '.join(BOUNDS)}, not {bound!r}")
    k = 1 if bound == "stated" else 0  # the coefficient of the bound in (supplier, named, stated)
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    model = model or prepare_python(network, essential=essential, weights=weights)
    import networkx as nx

    down = sorted(nx.descendants(network, firm) - {firm})
    up = sorted(nx.ancestors(network, firm) - {firm})
    hd: dict[str, float] = {firm: 0.0}
    hu: dict[str, float] = {firm: 0.0}
    changes: list[float] = []
    converged = False
    for _ in range(max_rounds):
        new_d = {i: _downstream(model, i, hd, k) for i in down}
        new_u = {i: _upstream(model, i, hu, k) for i in up}
        delta = max(
            [abs(v - hd.get(i, 1.0)) for i, v in new_d.items()]
            + [abs(v - hu.get(i, 1.0)) for i, v in new_u.items()],
            default=0.0,
        )
        hd.update(new_d)
        hu.update(new_u)
        changes.append(delta)
        if delta <= threshold:
            converged = True
            break
    health = {i: min(hd.get(i, 1.0), hu.get(i, 1.0)) for i in sorted(set(hd) | set(hu))}
    lost = left_sum(model.weight.get(i, 0.0) * (1.0 - h) for i, h in health.items())
    notes = list(model.general) + model.own_notes.get(firm, [])
    for i in sorted(health):
        if i == firm:
            continue
        if hd.get(i, 1.0) < 1.0 - EPS:
            notes.extend(model.down_notes.get(i, ()))
        if hu.get(i, 1.0) < 1.0 - EPS:
            notes.extend(model.up_notes.get(i, ()))
        if health[i] < 1.0 - EPS:
            notes.extend(model.own_notes.get(i, ()))
    if not converged:
        notes.append(f"did not converge within {max_rounds} rounds")
    return Cascade(
        firm=firm,
        esri=lost / model.total if model.total > 0 else 0.0,
        health=health,
        downstream=dict(sorted(hd.items())),
        upstream=dict(sorted(hu.items())),
        rounds=len(changes),
        converged=converged,
        changes=tuple(changes),
        lost_weight=lost,
        total_weight=model.total,
        assumptions=tuple(dict.fromkeys(notes)),
    )


def _downstream(model: Model, i: str, hd: Mapping[str, float], k: int) -> float:
    health = 1.0
    for links in model.essential_inputs.get(i, ()):
        health = min(health, 1.0 - left_sum(x[1 + k] * (1.0 - hd.get(x[0], 1.0)) for x in links))
    other = 1.0 - left_sum(x[1 + k] * (1.0 - hd.get(x[0], 1.0)) for x in model.other_inputs.get(i, ()))
    return max(0.0, min(health, other))


def _upstream(model: Model, i: str, hu: Mapping[str, float], k: int) -> float:
    sales = model.sales.get(i)
    if not sales:
        return 1.0
    return max(0.0, min(1.0, 1.0 - left_sum(x[1 + k] * (1.0 - hu.get(x[0], 1.0)) for x in sales)))
