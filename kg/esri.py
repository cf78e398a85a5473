r"""Economic Systemic Risk Index (ESRI): how much of a network's production a firm's failure takes down.

After Diem, Borsos, Reisch, Kertész and Thurner, "Quantifying firm-level
economic systemic risk from nation-wide supply networks", Scientific Reports
12:7719 (2022), arXiv:2104.07260. We could not read the published text
itself; the equations below are the paper's model as two later works restate
it (the mathematical-model page of ESRIcascade.jl, Devetak and Klimek, checked
against the reference cascade code of Diem et al.; and a multilayer bank–firm
model that restates its eqs. 5–13), with our departures marked **[ours]**.

The model
---------
Every node ``i`` of the supply network (firm, group or cohort) has a health
``h_i`` in [0, 1], the fraction of its normal production it still makes. The
failing firm ``f`` gets ``psi_f = 0``, every other node ``psi_i = 1``, and
``h_i(0) = psi_i``. Two shocks spread separately, each from ``h(0)``:

*Downstream* (missing inputs). Firm ``i``'s inputs are grouped; a group is
essential for ``i`` or not (generalised Leontief production function: the
scarcest essential input caps output, the other inputs act linearly):

    Pi_ip(t) = 1 - sum_{j supplies group p}  L_jip * (1 - h_j^d(t))       (essential group p)
    Pi_i(t)  = 1 - sum_{p not essential} sum_j  L_jip * (1 - h_j^d(t))   (all other inputs)
    h_i^d(t+1) = min( min_{p essential} Pi_ip(t),  Pi_i(t),  psi_i )

with ``L_jip = w_ji / S_pi`` (``j``'s part of ``i``'s input of ``p``) for an
essential group and ``L_jip = w_ji / S_i`` (``j``'s part of all of ``i``'s
inputs) otherwise.

*Upstream* (lost customers). A supplier loses the share of its sales that went
to failing customers:

    h_i^u(t+1) = min( sum_{j customer of i}  (w_ij / R_i) * h_j^u(t),  psi_i )

where ``R_i`` is ``i``'s sales inside the network (a node without customers
keeps ``h_i^u = psi_i``).

Both are iterated synchronously (every update uses the values of round ``t``)
until the largest change of any ``h^d`` or ``h^u`` in a round is below the
threshold (0.01 in the paper). Then ``h_i = min(h_i^d, h_i^u)`` and

    ESRI_f = sum_i  s_i * (1 - h_i)  /  sum_i s_i

the output-weighted share of the network's production lost, the failing firm's
own output included. The two shocks do not mix: a customer cut off from its
inputs does not, in turn, cut its own suppliers' sales. Here ``h`` never rises
(each map is monotone and starts at ``psi <= 1``), so taking the minimum with
``h_i(t)`` would change nothing.

Departures, because the articles give less than a VAT data set **[ours]**
----------------------------------------------------------------------------
1. *Input groups are product concepts, not NACE sectors.* An input belongs to
   the narrowest concept of the value-chain scheme (``ontology/products.ttl``)
   that is declared ``ckg:essentialFeedstockFor`` (or else
   ``ckg:feedstockFor``) one of the customer's products, closed under
   ``skos:broader`` on both sides: molten aluminium and aluminium ingot are one
   group, aluminium metal, essential for a rolling mill's strip. An input
   declared for none of its products is its own, non-essential group. A
   customer making several products treats an input as essential if it is
   essential for any of them (the pessimistic choice). A customer whose
   products are unknown has no essential inputs.
2. *No money flows.* ``w_ji`` is unknown, so a customer's inputs weigh the same
   per group (``S_i`` is the number of groups), and inside a group each
   supplier has its share of the group: the stated ``ckg:share``, or, where no
   share is stated, an even split of what the stated shares leave
   (:func:`kg.concentration.product_shares`). A group of several products
   averages the supplier's shares of them; a relation naming several products
   counts for each.
3. *Sales* (``w_ij / R_i``) are split by the stated supply volumes when every
   sale of the supplier states one in one unit, otherwise by the customers'
   weights (a cohort of 60 firms buys as much as 60 firms; a firm counts 1).
   As in the paper, sales outside the network do not count, so a supplier
   whose other customers the articles do not name loses more than it would.
4. *Output weights* ``s_i`` (the paper's sales): the node's capacity (t/yr)
   when every node states one, otherwise its ``weight`` (1 for a firm, the
   member count for a cohort) — the firm count of the production lost.
5. *No replacement of suppliers.* The paper lets customers replace a failed
   supplier in proportion to its market share in its sector; our graph holds
   only the firms the articles name, so market shares cannot be measured and
   a lost supplier is not replaced (the paper's upper bound).

Every result lists the assumptions its cascade relied on (``assumptions``):
even splits of unstated shares, sales split by customer weight, inferred
links, customers with unknown products.

Cost and pruning
----------------
One cascade touches only the nodes downstream (descendants) and upstream
(ancestors) of the failing firm, so it costs one sparse propagation over that
part of the network. ``esri(network, top=K)`` computes the index only for the
``K`` candidates with the largest dominated weight (the weight of the firms
every supply path to which runs through the candidate, from
:func:`kg.risk.dominator_tree`) and then weighted out-degree; the results say
so. This is a heuristic: a firm outside the candidates can have a larger index.

Examples
--------
A smelter sells metal to a rolling mill (for which metal is essential) and to
a workshop whose products are unknown:

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_node("smelter", label="Smelter", kind="firm", weight=1, products=["metal"])
>>> g.add_node("mill", label="Mill", kind="firm", weight=1, products=["strip"])
>>> g.add_node("shop", label="Shop", kind="firm", weight=1, products=[])
>>> g.add_edge("smelter", "mill", relations=[{"product": "metal", "share": None}])
>>> g.add_edge("smelter", "shop", relations=[{"product": "metal", "share": None}])
>>> scheme = EssentialMap({("metal", "strip"): ("metal", True)})
>>> [(r.rank, r.firm, round(r.esri, 4)) for r in esri(g, essential=scheme)]
[(1, 'smelter', 1.0), (2, 'mill', 0.5), (2, 'shop', 0.5)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .concentration import input_suppliers, product_shares
from .errors import UnknownName

THRESHOLD = 0.01
"""The paper's convergence threshold on the largest change of health in a round."""

MAX_ROUNDS = 100

EPS = 1e-12
"""Losses below this are rounding, not losses."""

ESSENTIAL_QUERY = """
SELECT DISTINCT ?in ?out ?a ?ess ?label WHERE {
  { ?a ckg:essentialFeedstockFor ?b . BIND(true AS ?ess) }
  UNION
  { ?a ckg:feedstockFor ?b . BIND(false AS ?ess) }
  ?in skos:broader* ?a .
  ?out skos:broader* ?b .
  OPTIONAL { ?a skos:prefLabel ?label FILTER(lang(?label) = "en") }
}
"""
"""Every product pair (input, output) with a feedstock statement that covers it."""


@dataclass(frozen=True)
class EssentialMap:
    """Which inputs a product needs, from the value-chain scheme.

    ``feeds[(input, output)] = (concept, essential)``: making ``output`` uses
    ``input`` as (a narrower concept of) the feedstock ``concept``, essential
    or not. ``labels`` names the concepts.

    >>> m = EssentialMap({("molten", "strip"): ("metal", True), ("power", "strip"): ("power", False)})
    >>> m.classify("molten", ["strip", "foil"])
    ('metal', True)
    >>> m.classify("power", ["strip"])
    ('power', False)
    >>> m.classify("scrap", ["strip"])
    ('scrap', False)
    """

    feeds: Mapping[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def classify(self, product: str, outputs: Iterable[str]) -> tuple[str, bool]:
        """The input group of ``product`` for a customer making ``outputs``, and whether it is essential."""
        found = [self.feeds[(product, o)] for o in outputs if (product, o) in self.feeds]
        if not found:
            return product, False
        essential = [c for c, e in found if e]
        if essential:
            return min(essential), True
        return min(c for c, _ in found), False


def essential_map(graph) -> EssentialMap:
    """Read the feedstock statements of the product scheme (one SPARQL query).

    A statement on a broader concept holds for its narrower concepts, on both
    sides; of several statements the narrowest input concept wins, essential
    ones first.

    >>> from kg.store import open_graph
    >>> from kg.ontology import CKP
    >>> m = essential_map(open_graph([], ontology=True))
    >>> concept, essential = m.classify(str(CKP["molten-aluminium"]), [str(CKP["aluminium-strip"])])
    >>> concept.rsplit("/", 1)[1], essential
    ('aluminium-metal', True)
    >>> m.labels[concept]
    'aluminium metal (molten aluminium, ingot, alloy)'
    """
    from .ontology import sparql_prologue

    candidates: dict[tuple[str, str], set[tuple[str, bool]]] = {}
    within: set[tuple[str, str]] = set()
    labels: dict[str, str] = {}
    for row in graph.query(sparql_prologue() + ESSENTIAL_QUERY):
        product, output, concept = str(row[0]), str(row[1]), str(row[2])
        essential = bool(row[3].toPython())
        candidates.setdefault((product, output), set()).add((concept, essential))
        within.add((product, concept))
        if row[4] is not None:
            labels[concept] = str(row[4])
    feeds = {}
    for key, found in candidates.items():
        essential = {c for c, e in found if e}
        pool = essential or {c for c, _ in found}
        narrowest = [c for c in pool if not any(o != c and (o, c) in within for o in pool)]
        feeds[key] = (min(narrowest or pool), bool(essential))  # `or pool`: a cycle in skos:broader
    return EssentialMap(feeds, labels)


@dataclass(frozen=True)
class Cascade:
    """The end state of one failure's propagation.

    ``health``, ``downstream`` and ``upstream`` hold ``h_i``, ``h_i^d`` and
    ``h_i^u`` of the nodes the shock reached (every other node: 1.0).
    ``changes[t]`` is the largest change in round ``t + 1``.
    """

    firm: str
    esri: float
    health: dict[str, float]
    downstream: dict[str, float]
    upstream: dict[str, float]
    rounds: int
    converged: bool
    changes: tuple[float, ...]
    lost_weight: float
    total_weight: float
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class EsriResult:
    """A firm's systemic risk: the share of the network's production its failure takes down."""

    firm: str
    label: str
    kind: str
    esri: float
    #: the firm's own share of the network's output (part of ``esri``; the rest is lost by others)
    own: float
    #: 1 = riskiest; equal indices share a rank
    rank: int
    rounds: int
    converged: bool
    #: (node, loss 1 - h) for every other node that loses, largest loss first
    affected: tuple[tuple[str, float], ...]
    lost_weight: float
    total_weight: float
    assumptions: tuple[str, ...]


@dataclass
class _Model:
    weight: dict[str, float]
    total: float
    basis: str
    #: customer -> one [(supplier, L)] list per essential input group
    essential_inputs: dict[str, list[list[tuple[str, float]]]]
    #: customer -> [(supplier, L / S_i)] over its non-essential groups
    other_inputs: dict[str, list[tuple[str, float]]]
    sales: dict[str, list[tuple[str, float]]]  # supplier -> [(customer, w_ij / R_i)]
    down_notes: dict[str, list[str]]  # customer -> what its input coefficients assume
    up_notes: dict[str, list[str]]  # supplier -> what its sales coefficients assume
    own_notes: dict[str, list[str]]  # node -> what its weight assumes
    general: list[str]


def prepare(network, *, essential: EssentialMap | None = None, weights: str = "auto") -> _Model:
    """Precompute the impact coefficients of a network (done once for many cascades)."""
    weight, basis = _weights(network, weights)
    model = _Model(weight, sum(weight.values()), basis, {}, {}, {}, {}, {}, {}, [])
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
                f"{_label(network, node)}: a cohort whose size no source states; counted as 1 firm"
            ]
    return model


def _weights(network, weights: str) -> tuple[dict[str, float], str]:
    nodes = list(network.nodes)
    capacity = [network.nodes[n].get("capacity") for n in nodes]
    if weights == "capacity" or (
        weights == "auto" and nodes and all(c is not None and c > 0 for c in capacity)
    ):
        return {n: float(c or 0.0) for n, c in zip(nodes, capacity)}, "capacity (t/yr)"
    if weights not in ("auto", "weight"):
        values = {n: float(network.nodes[n].get(weights) or 0.0) for n in nodes}
        return values, f"node attribute {weights!r}"
    values = {n: float(network.nodes[n].get("weight") or 1) for n in nodes}
    return (
        values,
        "firm count (a firm counts 1, a cohort its member count); capacities are not known for every node",
    )


def _prepare_inputs(network, model: _Model, customer, essential: EssentialMap | None) -> None:
    inputs = input_suppliers(network, customer)
    if not inputs:
        return
    label = _label(network, customer)
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
                        f"its sole supplier {_label(network, guessed[0])}; taken as all of it"
                        if len(split) == 1
                        else f"{len(guessed)} of {len(split)} suppliers; split evenly"
                    )
                )
            for s, (share, _) in split.items():
                shares[s] = shares.get(s, 0.0) + share / len(products)
                if inputs[product][s]["inferred"]:
                    notes.append(
                        f"{_label(network, s)} → {label} ({inputs[product][s]['label'] or product}): inferred link, not stated"
                    )
        links = sorted(shares.items())
        if is_essential[key]:
            model.essential_inputs.setdefault(customer, []).append(links)
        else:
            others.extend((s, share / len(groups)) for s, share in links)
    if others:
        model.other_inputs[customer] = others


def _prepare_sales(network, model: _Model, supplier) -> None:
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
            volumes[c] = sum(v for v, _ in stated)
            units.update(u for _, u in stated)
    if len(volumes) == len(customers) and len(units) <= 1 and sum(volumes.values()) > 0:
        total = sum(volumes.values())
        model.sales[supplier] = [(c, volumes[c] / total) for c in customers]
        return
    total = sum(model.weight.get(c, 0.0) for c in customers)
    if total <= 0:
        model.sales[supplier] = [(c, 1 / len(customers)) for c in customers]
    else:
        model.sales[supplier] = [(c, model.weight.get(c, 0.0) / total) for c in customers]
    notes = model.up_notes.setdefault(supplier, [])
    if len(customers) > 1:
        notes.append(
            f"{_label(network, supplier)}: sales volumes not stated; sales split by customer weight"
        )
    notes.append(
        f"{_label(network, supplier)}: sales to customers the sources do not name are unknown and not counted"
    )


def cascade(
    network,
    firm: str,
    *,
    essential: EssentialMap | None = None,
    threshold: float = THRESHOLD,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    model: _Model | None = None,
) -> Cascade:
    """Propagate the failure of ``firm`` (``psi_firm = 0``) and return the end state.

    ``model`` (from :func:`prepare`) saves recomputing coefficients across calls.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "b", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "strip"}])
    >>> c = cascade(g, "a")
    >>> c.health, c.rounds, c.changes, c.esri
    ({'a': 0.0, 'b': 0.0, 'c': 0.0}, 3, (1.0, 1.0, 0.0), 1.0)
    """
    import networkx as nx

    if firm not in network:
        raise UnknownName(firm, [])
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    model = model or prepare(network, essential=essential, weights=weights)
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
    lost = sum(model.weight.get(i, 0.0) * (1.0 - h) for i, h in health.items())
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


def _downstream(model: _Model, i: str, hd: Mapping[str, float]) -> float:
    health = 1.0
    for links in model.essential_inputs.get(i, ()):
        health = min(health, 1.0 - sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in links))
    other = 1.0 - sum(lam * (1.0 - hd.get(j, 1.0)) for j, lam in model.other_inputs.get(i, ()))
    return max(0.0, min(health, other))


def _upstream(model: _Model, i: str, hu: Mapping[str, float]) -> float:
    sales = model.sales.get(i)
    if not sales:
        return 1.0
    return max(0.0, min(1.0, sum(lam * hu.get(j, 1.0) for j, lam in sales)))


def esri(
    network,
    *,
    firms: Sequence[str] | None = None,
    top: int | None = None,
    threshold: float = THRESHOLD,
    essential: EssentialMap | None = None,
    weights: str = "auto",
    max_rounds: int = MAX_ROUNDS,
    tree=None,
) -> list[EsriResult]:
    """The systemic risk index of every node (or of ``firms``), riskiest first.

    ``tree``: the network's :func:`kg.risk.dominator_tree`, if the caller has it, so
    ``top`` pruning does not compute it again.

    ``top=K`` computes it only for the ``K`` candidates ranked by
    :func:`candidates` and says so in each result's ``assumptions``.
    Ranks are shared by equal indices (1, 2, 2, 4).
    """
    model = prepare(network, essential=essential, weights=weights)
    chosen = sorted(network.nodes) if firms is None else list(dict.fromkeys(firms))
    for f in chosen:
        if f not in network:
            raise UnknownName(f, [])
    pruned = None
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be at least 1, not {top}")
        if top < len(chosen):
            ranked = candidates(network, tree=tree)
            allowed = set(chosen)
            chosen = [f for f in ranked if f in allowed][:top]
            pruned = (
                f"computed for the {top} candidates with the largest dominated weight and weighted out-degree, "
                f"not for all {len(allowed)} nodes"
            )
    results = []
    for f in chosen:
        c = cascade(network, f, threshold=threshold, max_rounds=max_rounds, model=model)
        affected = sorted(
            ((i, 1.0 - h) for i, h in c.health.items() if i != f and h < 1.0 - EPS),
            key=lambda x: (-x[1], -model.weight.get(x[0], 0.0), x[0]),
        )
        results.append((f, c, tuple(affected)))
    results.sort(key=lambda x: (-x[1].esri, x[0]))
    out = []
    rank, previous = 0, None
    for position, (f, c, affected) in enumerate(results, 1):
        key = round(c.esri, 12)
        if key != previous:
            rank, previous = position, key
        notes = c.assumptions + ((pruned,) if pruned else ())
        out.append(
            EsriResult(
                firm=f,
                label=_label(network, f),
                kind=network.nodes[f].get("kind", ""),
                esri=c.esri,
                own=model.weight.get(f, 0.0) / model.total if model.total > 0 else 0.0,
                rank=rank,
                rounds=c.rounds,
                converged=c.converged,
                affected=affected,
                lost_weight=c.lost_weight,
                total_weight=c.total_weight,
                assumptions=notes,
            )
        )
    return out


def candidates(network, *, tree=None) -> list[str]:
    """Nodes ordered for ESRI pruning: dominated weight, then weighted out-degree, then IRI.

    The dominated weight of a node is the weight of the nodes it dominates in
    the supply network (every supply path to them runs through it), from
    :func:`kg.risk.dominator_tree`; the weighted out-degree adds its customers' weights.

    >>> from kg.network import network_from_edges
    >>> candidates(network_from_edges([("a", "b"), ("b", "c"), ("d", "c")], weight={"c": 5}))
    ['a', 'b', 'd', 'c']
    """
    from .risk import dominator_tree

    dominated = (tree or dominator_tree(network)).weight
    out_degree = {
        n: sum(network.nodes[c].get("weight") or 1 for c in network.successors(n))
        for n in network.nodes
    }
    return sorted(network.nodes, key=lambda n: (-dominated.get(n, 0), -out_degree[n], n))


def _label(network, node) -> str:
    return network.nodes[node].get("label") or str(node)
