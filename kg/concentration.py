"""Supplier concentration: who gets an input from how many suppliers, and how evenly.

For each customer and input product, the Herfindahl–Hirschman index of its
suppliers' shares, ``HHI = sum(s_j ** 2)``, and the effective number of
suppliers ``1 / HHI`` (two equal suppliers: HHI 0.5, two effective suppliers).
A sole-supplier link is an input that one named supplier provides in full.

The shares come from the supply relations of a network built by
:func:`kg.network.supply_network` (edge attribute ``relations``, each with
``product`` and ``share``):

- a share the source states (``ckg:share``) is used as stated;
- the suppliers whose share is not stated split what the stated shares leave,
  evenly: two suppliers with no share each get 0.5. Such shares are marked
  ``stated=False`` and every row says whether all of its shares were stated
  (``shares_stated``), so a guess is never shown as a fact;
- if the stated shares add up to more than 1 they are scaled to add up to 1;
- if every share is stated and they add up to less than 1, the rest comes from
  suppliers the sources do not name: ``coverage`` is then below 1, the HHI is a
  lower bound and the link is not a sole-supplier link.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_edge("a", "c", relations=[{"product": "metal", "share": 0.7}])
>>> g.add_edge("b", "c", relations=[{"product": "metal", "share": 0.3}])
>>> [(row.customer, row.product, round(row.hhi, 4), round(row.effective_suppliers, 4)) for row in concentration(g)]
[('c', 'metal', 0.58, 1.7241)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

EPS = 1e-9


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
    return sum(s * s for s in shares)


def product_shares(stated: Mapping[str, float | None]) -> dict[str, tuple[float, bool]]:
    """Shares of one input among its suppliers: ``{supplier: (share, stated)}``.

    ``stated`` maps each supplier to the share a source states, or None.

    >>> product_shares({"a": None, "b": None})
    {'a': (0.5, False), 'b': (0.5, False)}
    >>> product_shares({"a": 0.6, "b": None, "c": None})
    {'a': (0.6, True), 'b': (0.2, False), 'c': (0.2, False)}
    >>> product_shares({"a": 1.5, "b": 0.5, "c": None})
    {'a': (0.75, True), 'b': (0.25, True), 'c': (0.0, False)}
    """
    known = {s: v for s, v in stated.items() if v is not None}
    unknown = [s for s, v in stated.items() if v is None]
    total = sum(known.values())
    scale = total if total > 1 + EPS else 1.0
    rest = max(0.0, 1.0 - total / scale)
    out = {}
    for s, v in stated.items():
        if v is None:
            out[s] = (rest / len(unknown), False)
        else:
            out[s] = (v / scale, True)
    return out


def input_suppliers(network, customer: str) -> dict[str, dict[str, dict]]:
    """The inputs of ``customer``: ``{product: {supplier: facts}}``.

    ``facts`` holds ``share`` (the largest share stated by any relation of that
    supplier and product, or None), ``share_wording``, ``relations``, ``quotes``,
    ``sources`` and ``inferred`` (every relation inferred). Relations without a
    product are grouped under the empty string.
    """
    out: dict[str, dict[str, dict]] = {}
    for supplier in sorted(network.predecessors(customer)):
        for rel in network.edges[supplier, customer].get("relations", ()):
            for product in rel.get("products") or [rel.get("product") or ""]:
                _add(out, supplier, product, rel)
    return out


def _add(out: dict, supplier: str, product: str, rel: dict) -> None:
    facts = out.setdefault(product, {}).setdefault(
        supplier,
        {
            "share": None,
            "share_wording": None,
            "relations": [],
            "quotes": [],
            "sources": [],
            "inferred": True,
            "label": "",
        },
    )
    share = rel.get("share")
    if share is not None:
        facts["share"] = share if facts["share"] is None else max(facts["share"], share)
    if rel.get("share_wording") and not facts["share_wording"]:
        facts["share_wording"] = rel["share_wording"]
    for key, value in (
        ("relations", rel.get("iri")),
        ("quotes", rel.get("quote")),
        ("sources", rel.get("source")),
    ):
        if value and value not in facts[key]:
            facts[key].append(value)
    facts["inferred"] = facts["inferred"] and bool(rel.get("inferred"))
    if not facts["label"]:
        main = rel.get("product") or ""
        facts["label"] = (rel.get("product_label") if product == main else None) or _tail(product)


def _tail(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else ""


def concentration(
    network, *, customers: Iterable[str] | None = None, essential=None
) -> list[Concentration]:
    """HHI, effective number of suppliers and sole-supplier flag per customer and input.

    With ``essential`` (a :class:`kg.esri.EssentialMap`) the inputs are grouped
    the way the systemic risk index groups them: molten aluminium and aluminium
    ingot both count as aluminium metal for a rolling mill, and a supplier's
    share of the group is the mean of its shares of the group's products.
    Without it, each input product stands alone. Rows are ordered by customer
    and input.

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("a", "c", relations=[{"product": "metal"}])
    >>> g.add_edge("b", "c", relations=[{"product": "metal"}])
    >>> row = concentration(g)[0]
    >>> row.hhi, row.effective_suppliers, row.shares_stated, row.sole_supplier
    (0.5, 2.0, False, False)
    """
    rows = []
    chosen = sorted(network.nodes) if customers is None else list(customers)
    for customer in chosen:
        inputs = input_suppliers(network, customer)
        if not inputs:
            continue
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
        for key, products in sorted(groups.items()):
            rows.append(_row(network, customer, key, products, inputs, flags[key], essential))
    return rows


def _row(network, customer, key, products, inputs, essential_flag, essential) -> Concentration:
    per_product = {
        p: product_shares({s: f["share"] for s, f in inputs[p].items()}) for p in products
    }
    suppliers = sorted({s for p in products for s in inputs[p]})
    shares = []
    for s in suppliers:
        share = sum(per_product[p].get(s, (0.0, True))[0] for p in products) / len(products)
        stated = all(per_product[p][s][1] for p in products if s in per_product[p])
        facts = [inputs[p][s] for p in products if s in inputs[p]]
        shares.append(
            SupplierShare(
                supplier=s,
                label=_label(network, s),
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
    coverage = sum(x.share for x in shares)
    index = hhi(x.share for x in shares)
    if products == [key]:
        label = next(iter(inputs[key].values()))["label"] or key
    else:
        label = (getattr(essential, "labels", None) or {}).get(key, key)
    return Concentration(
        customer=customer,
        customer_label=_label(network, customer),
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


def sole_supplier_links(network, *, essential=None) -> list[Concentration]:
    """The inputs that one named supplier provides in full (see :func:`concentration`).

    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_edge("smelter", "mill", relations=[{"product": "metal", "share_wording": "basically"}])
    >>> g.add_edge("a", "b", relations=[{"product": "metal", "share": 0.6}])
    >>> [(r.suppliers[0].supplier, r.customer, r.shares_stated) for r in sole_supplier_links(g)]
    [('smelter', 'mill', False)]
    """
    return [row for row in concentration(network, essential=essential) if row.sole_supplier]


def _label(network, node) -> str:
    return network.nodes[node].get("label") or str(node)
