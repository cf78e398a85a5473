"""The pure-Python ESRI reference the tests compare the compiled model against.

Dictionaries and loops, one node at a time: :func:`prepare_python`,
:func:`cascade_python` and :func:`esri_python` give the same floats as
:func:`~kg.analysis.esri.compile.prepare`, :func:`~kg.analysis.esri.cascade.cascade`
and :func:`~kg.analysis.esri.ranking.esri` (see ``docs/esri.md``). Nothing on the
compiled path imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from kg.analysis.esri.model import (
    EPS,
    MAX_ROUNDS,
    THRESHOLD,
    Cascade,
    Model,
    output_weights,
)
from kg.analysis.esri.ranking import (
    EsriResult,
    chosen_firms,
    pruned_firms,
    ranked_results,
)
from kg.analysis.shares import input_suppliers, product_shares
from kg.errors import UnknownName
from kg.network.model import node_label
from kg.network.scheme import EssentialMap
from kg.utils.arrays import left_sum


def prepare_python(
    network, *, essential: EssentialMap | None = None, weights: str = "auto"
) -> Model:
    """The reference :func:`~kg.analysis.esri.compile.prepare`: coefficients and notes as
    dictionaries, node by node."""
    weight, basis = output_weights(network, weights)
    model = Model(weight, left_sum(weight.values()), basis, {}, {}, {}, {}, {}, {}, [])
    model.general.append(f"output weights: {basis}")
    if essential is None:
        model.general.append(
            "no product scheme given: every input counted as non-essential (linear)"
        )
    for node in network.nodes:
        _prepare_inputs(network, model, node, essential)
        _prepare_sales(network, model, node)
        data = network.nodes[node]
        if (
            data.get("kind") == "cohort"
            and data.get("member_count") is None
            and basis.startswith("firm count")
        ):
            model.own_notes[node] = [
                f"{node_label(network, node, fallback='iri')}: a cohort whose size no source states; counted as 1 firm"
            ]
    return model


def _prepare_inputs(network, model: Model, customer, essential: EssentialMap | None) -> None:
    inputs = input_suppliers(network, customer)
    if not inputs:
        return
    label = node_label(network, customer, fallback="iri")
    outputs = network.nodes[customer].get("products") or []
    notes = model.down_notes.setdefault(customer, [])
    if essential is not None and not outputs:
        notes.append(f"{label}: products unknown, so no input counted as essential")
    groups: dict[str, list[str]] = {}
    is_essential: dict[str, bool] = {}
    for product in sorted(inputs):
        key, flag = (
            essential.classify(product, outputs) if essential is not None else (product, False)
        )
        groups.setdefault(key, []).append(product)
        is_essential[key] = is_essential.get(key, False) or flag
    others = []
    for key, products in sorted(groups.items()):
        shares: dict[str, float] = {}
        for product in products:
            split = product_shares({s: f["share"] for s, f in inputs[product].items()})
            guessed = [s for s, (_, stated) in split.items() if not stated]
            if guessed:
                what = inputs[product][guessed[0]]["label"] or product
                notes.append(
                    f"{label}: share of {what} not stated for "
                    + (
                        f"its sole supplier {node_label(network, guessed[0], fallback='iri')}; taken as all of it"
                        if len(split) == 1
                        else f"{len(guessed)} of {len(split)} suppliers; split evenly"
                    )
                )
            for s, (share, _) in split.items():
                shares[s] = shares.get(s, 0.0) + share / len(products)
                if inputs[product][s]["inferred"]:
                    notes.append(
                        f"{node_label(network, s, fallback='iri')} → {label} ({inputs[product][s]['label'] or product}): inferred link, not stated"
                    )
        links = sorted(shares.items())
        if is_essential[key]:
            model.essential_inputs.setdefault(customer, []).append(links)
        else:
            others.extend((s, share / len(groups)) for s, share in links)
    if others:
        model.other_inputs[customer] = others


def _prepare_sales(network, model: Model, supplier) -> None:
    customers = sorted(network.successors(supplier))
    if not customers:
        return
    volumes = {}
    units = set()
    for c in customers:
        rels = network.edges[supplier, c].get("relations", ())
        stated = [
            (r.get("volume"), r.get("volume_unit")) for r in rels if r.get("volume") is not None
        ]
        if stated:
            volumes[c] = left_sum(v for v, _ in stated)
            units.update(u for _, u in stated)
    if len(volumes) == len(customers) and len(units) <= 1 and left_sum(volumes.values()) > 0:
        total = left_sum(volumes.values())
        model.sales[supplier] = [(c, volumes[c] / total) for c in customers]
        return
    total = left_sum(model.weight.get(c, 0.0) for c in customers)
    if total <= 0:
        model.sales[supplier] = [(c, 1 / len(customers)) for c in customers]
    else:
        model.sales[supplier] = [(c, model.weight.get(c, 0.0) / total) for c in customers]
    notes = model.up_notes.setdefault(supplier, [])
    if len(customers) > 1:
        notes.append(
            f"{node_label(network, supplier, fallback='iri')}: sales volumes not stated; sales split by customer weight"
        )
    notes.append(
        f"{node_label(network, supplier, fallback='iri')}: sales to customers the sources do not name are unknown and not counted"
    )


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
) -> list[EsriResult]:
    """The reference :func:`~kg.analysis.esri.ranking.esri`: every cascade by :func:`cascade_python`."""
    chosen = chosen_firms(network, firms, top, threshold)
    model = prepare_python(network, essential=essential, weights=weights)
    chosen, pruned = pruned_firms(network, chosen, top, tree, model)
    results = []  # (firm, esri, rounds, converged, affected, lost weight, assumptions)
    for f in chosen:
        c = cascade_python(network, f, threshold=threshold, max_rounds=max_rounds, model=model)
        hit = sorted(
            ((i, 1.0 - h) for i, h in c.health.items() if i != f and h < 1.0 - EPS),
            key=lambda x: (-x[1], -model.weight.get(x[0], 0.0), x[0]),
        )
        results.append((f, c.esri, c.rounds, c.converged, tuple(hit), c.lost_weight, c.assumptions))
    return ranked_results(network, model, results, pruned)


def cascade_python(
    network,
    firm: str,
    *,
    essential: EssentialMap | None = None,
    threshold: float = THRESHOLD,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    model: Model | None = None,
) -> Cascade:
    """The reference cascade: dictionaries, one node at a time (``model`` from :func:`prepare_python`)."""
    if firm not in network:
        raise UnknownName(firm, [])
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
        new_d = {i: _downstream(model, i, hd) for i in down}
        new_u = {i: _upstream(model, i, hu) for i in up}
        delta = max(
            [abs(v - hd.get(i, 1.0)) for i, v in new_d.items()]
            + [abs(v - hu.get(i, 1.0)) for i, v in new_u.items()],
            default=0.0,
        )
        hd.update(new_d)
        hu.update(new_u)
        changes.append(delta)
        if delta < threshold:
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


def _downstream(model: Model, i: str, hd: Mapping[str, float]) -> float:
    health = 1.0
    for links in model.essential_inputs.get(i, ()):
        health = min(health, 1.0 - left_sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in links))
    other = 1.0 - left_sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in model.other_inputs.get(i, ()))
    return max(0.0, min(health, other))


def _upstream(model: Model, i: str, hu: Mapping[str, float]) -> float:
    sales = model.sales.get(i)
    if not sales:
        return 1.0
    return max(0.0, min(1.0, left_sum(lam * hu.get(j, 1.0) for j, lam in sales)))
