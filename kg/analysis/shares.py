"""Input shares and Herfindahl-Hirschman concentration of one customer's suppliers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.network.arrays import EPS
from kg.network.model import node_label, stated_share
from kg.utils.arrays import left_sum
from kg.vocab.namespaces import last_segment


@dataclass(frozen=True)
class SupplierShare:
    """One supplier's share of a customer's input."""

    supplier: str
    label: str
    share: float  # fraction of the input, stated or split evenly
    stated: bool  # True when the source states the share
    share_wording: str | None  # the source's words for a share it gives no number for
    relations: tuple[str, ...]  # supply relation IRIs behind this share
    quotes: tuple[str, ...]  # their evidence quotes
    sources: tuple[str, ...]  # their article file names
    inferred: bool  # True when every relation behind it is inferred, not stated


@dataclass(frozen=True)
class Concentration:
    """How concentrated one customer's supply of one input is."""

    customer: str
    customer_label: str
    product: str  # the input product, or the input concept when grouped by an EssentialMap
    product_label: str
    suppliers: tuple[SupplierShare, ...]  # largest share first
    shares_stated: bool  # every share stated by a source (none split evenly)
    coverage: float  # sum of the named suppliers' shares (1.0 unless stated shares leave a rest)
    hhi: float
    effective_suppliers: float  # 1 / hhi
    sole_supplier: bool  # one named supplier provides all of it
    essential: bool | None  # essential input of the customer (None: no EssentialMap given)

    @property
    def assumption(self) -> str | None:
        """What the shares assume where the sources are silent, or None."""
        guessed = [s for s in self.suppliers if not s.stated]
        if not guessed:
            return None
        who = (
            "the supplier"
            if len(self.suppliers) == 1
            else f"{len(guessed)} of {len(self.suppliers)} suppliers"
        )
        return (
            f"{self.customer_label}: share of {self.product_label} not stated for {who}; "
            f"{'assumed to be all of it' if len(self.suppliers) == 1 else 'split evenly'}"
        )


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of shares given as fractions (0–1).

    >>> hhi([0.5, 0.5])
    0.5
    >>> round(hhi([0.7, 0.3]), 12)
    0.58
    >>> hhi([1.0])
    1.0
    """
    return left_sum(s * s for s in shares)


def product_shares(
    stated: Mapping[str, float | None], volumes: Mapping[str, float] | None = None
) -> dict[str, tuple[float, bool]]:
    """Shares of one input among its suppliers: ``{supplier: (share, stated)}``.

    ``stated`` maps each supplier to the share a source states, or None. What the
    stated shares leave is split evenly among the others, or by ``volumes`` (supplier →
    stated volume, all in one unit) when every one of them has a volume there (adding up to
    more than 0).

    >>> product_shares({"a": 0.5, "b": None, "c": None}, {"b": 10.0, "c": 30.0})
    {'a': (0.5, True), 'b': (0.125, False), 'c': (0.375, False)}

    >>> product_shares({"a": None, "b": None})
    {'a': (0.5, False), 'b': (0.5, False)}
    >>> product_shares({"a": 0.6, "b": None, "c": None})
    {'a': (0.6, True), 'b': (0.2, False), 'c': (0.2, False)}
    >>> product_shares({"a": 1.5, "b": 0.5, "c": None})
    {'a': (0.75, True), 'b': (0.25, True), 'c': (0.0, False)}
    """
    known = {s: v for s, v in stated.items() if v is not None}
    unknown = [s for s, v in stated.items() if v is None]
    total = left_sum(known.values())
    scale = total if total > 1 + EPS else 1.0
    rest = max(0.0, 1.0 - total / scale)
    by_volume = volumes is not None and all(s in volumes for s in unknown)
    open_volume = left_sum(volumes[s] for s in unknown) if by_volume else 0.0
    out = {}
    for s, v in stated.items():
        if v is None:
            out[s] = (rest * volumes[s] / open_volume if by_volume and open_volume > 0 else rest / len(unknown),
                      False)
        else:
            out[s] = (v / scale, True)
    return out


def input_suppliers(network, customer: str) -> dict[str, dict[str, dict]]:
    """The inputs of ``customer``: ``{product: {supplier: facts}}``.

    ``facts`` holds ``share`` (the largest share stated by any relation of that
    supplier and product, or None), ``share_wording``, ``relations``, ``quotes``,
    ``sources``, ``inferred`` (every relation inferred), ``volume`` (the volumes
    its relations state, a relation naming several products counting evenly for
    each; None: none) and ``units`` (their unit IRIs). Relations without a
    product are grouped under the empty string.
    """
    out: dict[str, dict[str, dict]] = {}
    for supplier in sorted(network.predecessors(customer)):
        for rel in network.edges[supplier, customer].get("relations", ()):
            for product in rel.get("products") or [rel.get("product") or ""]:
                add(out, supplier, product, rel)
    return out


def add(out: dict, supplier: str, product: str, rel: dict) -> None:
    by_supplier = out.get(product)
    if by_supplier is None:
        by_supplier = out[product] = {}
    facts = by_supplier.get(supplier)
    if facts is None:
        facts = by_supplier[supplier] = {
            "share": None,
            "share_wording": None,
            "relations": [],
            "quotes": [],
            "sources": [],
            "inferred": True,
            "label": "",
            "volume": None,
            "units": set(),
        }
    share = stated_share(rel)  # a number, or 1.0 for a wording that states all of it
    if share is not None:
        facts["share"] = share if facts["share"] is None else max(facts["share"], share)
    if not facts["share_wording"] and rel.get("share_wording"):
        facts["share_wording"] = rel["share_wording"]
    for key, value in (
        ("relations", rel.get("iri")),
        ("quotes", rel.get("quote")),
        ("sources", rel.get("source")),
    ):
        if value and value not in facts[key]:
            facts[key].append(value)
    facts["inferred"] = facts["inferred"] and bool(rel.get("inferred"))
    if rel.get("volume") is not None:  # a relation naming several products: its volume evenly for each
        part = rel["volume"] / max(len(rel.get("products") or []), 1)
        facts["volume"] = part if facts["volume"] is None else facts["volume"] + part
        facts["units"].add(rel.get("volume_unit"))
    if not facts["label"]:
        facts["label"] = _product_label(rel, product)


def _product_label(rel: dict, product: str) -> str:
    """The label of ``product`` as ``rel`` gives it (its own label when it is the relation's main product)."""
    main = rel.get("product") or ""
    return (rel.get("product_label") if product == main else None) or last_segment(product)


def fact_label(network, supplier: str, customer: str, product: str) -> str:
    """``input_suppliers(network, customer)[product][supplier]["label"]`` without the other inputs."""
    for rel in network.edges[supplier, customer].get("relations", ()):
        for p in rel.get("products") or [rel.get("product") or ""]:
            if p == product:
                label = _product_label(rel, product)
                if label:
                    return label
    return ""


def concentration_python(network, *, customers=None, essential=None) -> list[Concentration]:
    """:func:`kg.analysis.concentration.concentration` customer by customer: the reference
    (and the rows of a few ``customers``)."""
    rows = []
    for customer in sorted(network.nodes) if customers is None else customers:
        rows.extend(customer_rows(network, customer, essential))
    return rows


def customer_rows(network, customer, essential, keys=None) -> list[Concentration]:
    """The :class:`Concentration` rows of one customer, in input order; only the input groups
    in ``keys`` if given."""
    inputs = input_suppliers(network, customer)
    if not inputs:
        return []
    outputs = network.nodes[customer].get("products") or []
    groups: dict[str, list[str]] = {}
    flags: dict[str, bool | None] = {}
    for product in sorted(inputs):
        if essential is None:
            key, flag = product, None
        else:
            key, flag = essential.classify(product, outputs)
        groups.setdefault(key, []).append(product)
        flags[key] = flag if flags.get(key) is None else (flags[key] or flag)
    return [
        concentration_row(network, customer, key, products, inputs, flags[key], essential)
        for key, products in sorted(groups.items())
        if keys is None or key in keys
    ]


def concentration_row(network, customer, key, products, inputs, essential_flag, essential) -> Concentration:
    """The row of one input group of ``customer`` (``inputs`` as :func:`input_suppliers` gives them)."""
    per_product = {
        p: product_shares({s: f["share"] for s, f in inputs[p].items()}) for p in products
    }
    suppliers = sorted({s for p in products for s in inputs[p]})
    shares = []
    for s in suppliers:
        share = left_sum(per_product[p].get(s, (0.0, True))[0] for p in products) / len(products)
        stated = all(per_product[p][s][1] for p in products if s in per_product[p])
        facts = [inputs[p][s] for p in products if s in inputs[p]]
        shares.append(
            SupplierShare(
                supplier=s,
                label=node_label(network, s, fallback="iri"),
                share=share,
                stated=stated,
                share_wording=next((f["share_wording"] for f in facts if f["share_wording"]), None),
                relations=tuple(sorted({r for f in facts for r in f["relations"]})),
                quotes=tuple(dict.fromkeys(q for f in facts for q in f["quotes"])),
                sources=tuple(sorted({x for f in facts for x in f["sources"]})),
                inferred=all(f["inferred"] for f in facts),
            )
        )
    shares.sort(key=lambda x: (-x.share, x.supplier))
    coverage = left_sum(x.share for x in shares)
    index = hhi(x.share for x in shares)
    if products == [key]:
        label = next(iter(inputs[key].values()))["label"] or key
    else:
        label = (getattr(essential, "labels", None) or {}).get(key, key)
    return Concentration(
        customer=customer,
        customer_label=node_label(network, customer, fallback="iri"),
        product=key,
        product_label=label,
        suppliers=tuple(shares),
        shares_stated=all(x.stated for x in shares),
        coverage=coverage,
        hhi=index,
        effective_suppliers=1.0 / index if index > 0 else 0.0,
        sole_supplier=len(shares) == 1 and coverage >= 1 - EPS,
        essential=essential_flag,
    )
