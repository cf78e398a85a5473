"""The plan of a synthetic graph: regions, parks, firms, links."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import pyoxigraph as ox

from kg.errors import GenerateError
from kg.synth.params import (
    CITIES_PER_PROVINCE,
    COHORT_INPUT_STAGE,
    COHORT_MEMBER_STAGES,
    FIRM_NAMES,
    FIRM_SUFFIXES,
    FIRMS_PER_ARTICLE,
    FIRMS_PER_CITY,
    FIRMS_PER_PROJECT,
    GROUP_EVERY,
    GROUP_SUFFIXES,
    MAX_CITIES,
    MIN_CITIES,
    P_COHORT_MEMBER,
    P_IN_PARK,
    P_SAME_CITY_AS_PARENT,
    P_SECOND_PRODUCT,
    P_SHARES,
    P_SUBSIDIARY,
    PARK_KINDS,
    PLACE_A,
    PLACE_B,
    PLACE_NAMES,
    PROGRESS_CHUNK,
    STAGE_WEIGHTS,
    SUPPLIER_COUNT_WEIGHTS,
    TRADE,
)
from kg.vocab.files import PRODUCTS_FILE
from kg.vocab.namespaces import PREFIXES

# ------------------------------------------------------------ product scheme


@dataclass(frozen=True)
class _Scheme:
    """What products.ttl says that the generator needs (``ckp:`` local names)."""

    stages: list[str]  # the order of the first firms: upstream first, supporting goods last
    leaves: dict[str, list[str]]  # stage -> leaf products of that stage
    inputs: dict[str, list[str]]  # leaf -> leaves that are feedstock for it
    essential: dict[str, list[tuple[str, ...]]]  # leaf -> groups of leaves, one needed from each
    label_en: dict[str, str]
    label_zh: dict[str, str]


def _read_scheme(path: Path) -> _Scheme:
    ckg, ckp, skos = PREFIXES["ckg"], PREFIXES["ckp"], PREFIXES["skos"]
    rdf_type = PREFIXES["rdf"] + "type"
    types: dict[str, set[str]] = {}
    stage_of: dict[str, str] = {}
    order: dict[str, int] = {}
    broader: dict[str, list[str]] = {}
    feeds: list[tuple[str, str, bool]] = []
    label_en: dict[str, str] = {}
    label_zh: dict[str, str] = {}

    def local(term) -> str | None:
        value = getattr(term, "value", "")
        return value[len(ckp):] if isinstance(term, ox.NamedNode) and value.startswith(ckp) else None

    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, p, o = local(t.subject), t.predicate.value, t.object
        if s is None:
            continue
        if p == rdf_type:
            types.setdefault(s, set()).add(o.value)
        elif p == ckg + "stage":
            stage_of[s] = local(o)
        elif p == ckg + "stageOrder":
            order[s] = int(o.value)
        elif p == skos + "broader":
            broader.setdefault(s, []).append(local(o))
        elif p in (ckg + "feedstockFor", ckg + "essentialFeedstockFor"):
            feeds.append((s, local(o), p == ckg + "essentialFeedstockFor"))
        elif p == skos + "prefLabel" and isinstance(o, ox.Literal):
            (label_en if o.language == "en" else label_zh)[s] = o.value

    products = sorted(s for s, ts in types.items() if ckg + "Product" in ts)
    stages = sorted(s for s, ts in types.items() if ckg + "Stage" in ts)
    missing = [s for s in STAGE_WEIGHTS if s not in stages]
    if missing:
        raise GenerateError(f"{path}: the product scheme has no stage {', '.join(missing)}")
    has_narrower = {b for bs in broader.values() for b in bs}
    leaves_all = [p for p in products if p not in has_narrower]

    def ancestors(p: str) -> set[str]:
        seen, todo = {p}, [p]
        while todo:
            for b in broader.get(todo.pop(), []):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen

    anc = {leaf: ancestors(leaf) for leaf in leaves_all}
    under = {p: sorted(leaf for leaf in leaves_all if p in anc[leaf]) for p in products}
    inputs: dict[str, list[str]] = {}
    essential: dict[str, list[tuple[str, ...]]] = {}
    for leaf in leaves_all:
        ins: set[str] = set()
        groups: set[tuple[str, ...]] = set()
        for source, target, is_essential in feeds:
            if target in anc[leaf] and under.get(source):
                ins.update(under[source])
                if is_essential:
                    groups.add(tuple(under[source]))
        inputs[leaf] = sorted(ins)
        essential[leaf] = sorted(groups)
    # upstream first; supporting goods (stage order 0) last, as nothing needs them essentially
    ordered = sorted(STAGE_WEIGHTS, key=lambda s: (order.get(s, 0) or math.inf, s))
    leaves = {s: [p for p in leaves_all if stage_of.get(p) == s] for s in ordered}
    empty = [s for s, ps in leaves.items() if not ps]
    if empty:
        raise GenerateError(f"{path}: no product belongs to stage {', '.join(empty)}")
    return _Scheme(ordered, leaves, inputs, essential, label_en, label_zh)


# ---------------------------------------------------------------------- plan


@dataclass
class _Place:
    iri: str
    en: str
    zh: str
    kind: str  # ckg class
    parent: int = -1  # province of a city, city of a county or park
    county: int = -1  # county of a park


@dataclass
class Plan:
    n: int
    seed: int
    rng: random.Random  # the planning's stream; writing continues it
    scheme: _Scheme
    provinces: list[_Place]
    cities: list[_Place]
    counties: list[_Place]
    parks: list[_Place]
    city_articles: list[tuple[int, int]] = field(default_factory=list)  # first article number, count
    # one entry per firm
    stage: list[str] = field(default_factory=list)
    products: list[tuple[str, ...]] = field(default_factory=list)
    city: list[int] = field(default_factory=list)
    place: list[str] = field(default_factory=list)  # IRI of the park or county
    place_label: list[str] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)  # -1: none
    cohort: list[int] = field(default_factory=list)  # -1: none
    name_en: list[str] = field(default_factory=list)
    name_zh: list[str] = field(default_factory=list)
    short_en: list[str] = field(default_factory=list)  # city and trade name
    short_zh: list[str] = field(default_factory=list)
    out_degree: list[int] = field(default_factory=list)
    # supply relations to firms, grouped by customer in firm order: firm i's are
    # link_*[link_start[i]:link_start[i + 1]]
    link_start: list[int] = field(default_factory=lambda: [0])
    link_supplier: list[int] = field(default_factory=list)
    link_product: list[str] = field(default_factory=list)
    link_share: list[int] = field(default_factory=list)  # hundredths; 0 = no share stated
    # supply relations to cohorts: (city, supplier, product)
    cohort_links: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def groups(self) -> int:
        return -(-self.n // GROUP_EVERY)

    @property
    def projects(self) -> int:
        return -(-self.n // FIRMS_PER_PROJECT)

    @property
    def links(self) -> int:
        return len(self.link_supplier) + len(self.cohort_links)


def _place_name(t: int) -> tuple[str, str]:
    a, b = divmod(t % PLACE_NAMES, len(PLACE_B))
    en, zh = PLACE_A[a][0] + PLACE_B[b][0], PLACE_A[a][1] + PLACE_B[b][1]
    if t >= PLACE_NAMES:  # never with at most 60 cities; kept so names stay unique
        n = t // PLACE_NAMES + 1
        en, zh = f"{en} {n}", f"{zh}{n}"
    return en, zh


def choose(rng: random.Random, cumulative: list[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


def make_plan(n: int, seed: int, preferential: bool, progress: Callable[[int], None] | None) -> Plan:
    scheme = _read_scheme(PRODUCTS_FILE)
    rng = random.Random(seed)

    # places
    n_cities = min(MAX_CITIES, max(MIN_CITIES, n // FIRMS_PER_CITY))
    n_provinces = -(-n_cities // CITIES_PER_PROVINCE)
    shuffled, counter = list(range(PLACE_NAMES)), 0
    rng.shuffle(shuffled)

    def next_name() -> tuple[str, str]:
        nonlocal counter
        name = _place_name(shuffled[counter % PLACE_NAMES] + counter // PLACE_NAMES * PLACE_NAMES)
        counter += 1
        return name

    provinces, cities, counties, parks = [], [], [], []
    city_counties: list[list[int]] = []
    city_parks: list[list[int]] = []
    for p in range(n_provinces):
        en, zh = next_name()
        provinces.append(_Place(f"ckr:syn-province-{p}", en, zh, "ckg:Province"))
    for c in range(n_cities):
        en, zh = next_name()
        cities.append(_Place(f"ckr:syn-city-{c}", en, zh, "ckg:City", parent=c % n_provinces))
        mine = []
        for _ in range(rng.randint(2, 5)):
            en, zh = next_name()
            mine.append(len(counties))
            counties.append(_Place(f"ckr:syn-county-{len(counties)}", en, zh, "ckg:County", parent=c))
        city_counties.append(mine)
        mine_parks = []
        for k in range(rng.randint(1, 3)):
            county = rng.choice(city_counties[c])
            kind_en, kind_zh, kind = PARK_KINDS[k]
            place = counties[county]
            mine_parks.append(len(parks))
            parks.append(
                _Place(f"ckr:syn-park-{len(parks)}", f"{place.en} {kind_en}", place.zh[:2] + kind_zh, kind, parent=c, county=county)
            )
        city_parks.append(mine_parks)
    city_weights = list(accumulate(1 / (c + 1) for c in range(n_cities)))
    city_name_offset = [rng.randrange(FIRM_NAMES) for _ in range(n_cities)]
    city_firms = [0] * n_cities

    # firms and their suppliers
    stages = scheme.stages
    stage_weights = list(accumulate(STAGE_WEIGHTS[s] for s in stages))
    count_weights = list(accumulate(SUPPLIER_COUNT_WEIGHTS))
    members: dict[str, list[int]] = {q: [] for qs in scheme.leaves.values() for q in qs}
    urn: dict[str, list[int]] = {q: [] for q in members}  # each producer once, plus once per link supplied
    pools = urn if preferential else members
    available: set[str] = set()

    def is_available(q: str) -> bool:
        if q not in available:
            ins = scheme.inputs[q]
            if ins and not (any(members[x] for x in ins) and all(any(members[x] for x in g) for g in scheme.essential[q])):
                return False
            available.add(q)
        return True

    def draw(qs) -> tuple[int, str] | None:
        total = 0
        for q in qs:
            total += len(pools[q])
        if not total:
            return None
        r = rng.randrange(total)
        for q in qs:
            size = len(pools[q])
            if r < size:
                return pools[q][r], q
            r -= size
        raise AssertionError("unreachable")

    plan = Plan(n, seed, rng, scheme, provinces, cities, counties, parks, out_degree=[0] * n)
    out_degree = plan.out_degree
    for i in range(n):
        stage = stages[i] if i < len(stages) else stages[choose(rng, stage_weights)]
        choices = [q for q in scheme.leaves[stage] if is_available(q)] or scheme.leaves[stage]
        first = rng.choice(choices)
        others = [q for q in choices if q != first]
        products = (first, rng.choice(others)) if others and rng.random() < P_SECOND_PRODUCT else (first,)
        is_group = i % GROUP_EVERY == 0
        parent = -1
        if not is_group and rng.random() < P_SUBSIDIARY:
            parent = GROUP_EVERY * rng.randrange((i - 1) // GROUP_EVERY + 1)
        if parent >= 0 and rng.random() < P_SAME_CITY_AS_PARENT:
            city = plan.city[parent]
        else:
            city = choose(rng, city_weights)
        if rng.random() < P_IN_PARK:
            place = parks[rng.choice(city_parks[city])]
        else:
            place = counties[rng.choice(city_counties[city])]
        cohort = city if stage in COHORT_MEMBER_STAGES and rng.random() < P_COHORT_MEMBER else -1

        # name: unique within a city through a permutation of the city's name space
        j = city_firms[city]
        city_firms[city] += 1
        slot = (j * 7919 + city_name_offset[city]) % FIRM_NAMES  # 7919 is prime to 12,800
        trade, suffix = divmod(slot, len(FIRM_SUFFIXES))
        t1, t2 = divmod(trade, len(TRADE))
        trade_en, trade_zh = TRADE[t1][0] + TRADE[t2][0].lower(), TRADE[t1][1] + TRADE[t2][1]
        suffix_en, suffix_zh = (GROUP_SUFFIXES if is_group else FIRM_SUFFIXES)[suffix]
        number_en = number_zh = ""
        if j >= FIRM_NAMES:
            number_en, number_zh = f" No. {j // FIRM_NAMES + 1}", f"（{j // FIRM_NAMES + 1}）"
        c = cities[city]
        plan.short_en.append(f"{c.en} {trade_en}")
        plan.short_zh.append(f"{c.zh}{trade_zh}")
        plan.name_en.append(f"{c.en} {trade_en} {suffix_en}{number_en}")
        plan.name_zh.append(f"{c.zh}{trade_zh}{suffix_zh}{number_zh}")

        # suppliers among the earlier firms
        inputs = sorted({x for q in products for x in scheme.inputs[q]})
        if inputs:
            groups = sorted({g for q in products for g in scheme.essential[q]})
            k = max(choose(rng, count_weights) + 1, len(groups))
            chosen: list[tuple[int, str]] = []
            seen: set[int] = set()
            for qs in [*groups, *([inputs] * k)]:
                if len(chosen) == k:
                    break
                for _ in range(10):
                    hit = draw(qs)
                    if hit is None:
                        break
                    if hit[0] not in seen:
                        seen.add(hit[0])
                        chosen.append(hit)
                        out_degree[hit[0]] += 1
                        urn[hit[1]].append(hit[0])
                        break
            _add_links(plan, rng, chosen)
        plan.link_start.append(len(plan.link_supplier))
        for q in products:
            members[q].append(i)
            urn[q].append(i)

        plan.stage.append(stage)
        plan.products.append(products)
        plan.city.append(city)
        plan.place.append(place.iri)
        plan.place_label.append(place.en if place.kind != "ckg:County" else f"{place.en} County")
        plan.parent.append(parent)
        plan.cohort.append(cohort)
        if progress and (i + 1) % PROGRESS_CHUNK == 0:
            progress(PROGRESS_CHUNK)
    if progress and n % PROGRESS_CHUNK:
        progress(n % PROGRESS_CHUNK)

    # each city's cohort of processing firms buys aluminium metal from one supplier
    cohort_inputs = sorted({x for q in scheme.leaves[COHORT_INPUT_STAGE] for g in scheme.essential[q] for x in g})
    for c in range(n_cities):
        hit = draw(cohort_inputs)
        if hit is not None:
            out_degree[hit[0]] += 1
            urn[hit[1]].append(hit[0])
            plan.cohort_links.append((c, *hit))

    first = 1
    for count in city_firms:
        plan.city_articles.append((first, 1 + count // FIRMS_PER_ARTICLE))
        first += 1 + count // FIRMS_PER_ARTICLE
    return plan


def _add_links(plan: Plan, rng: random.Random, chosen: list[tuple[int, str]]) -> None:
    """Record a customer's links; some customer-product groups get shares that sum to at most 1."""
    shares = [0] * len(chosen)
    for q in dict.fromkeys(q for _, q in chosen):
        idx = [k for k, (_, p) in enumerate(chosen) if p == q]
        if rng.random() < P_SHARES:
            total = rng.randint(60, 100)  # hundredths of the customer's input stated
            weights = [rng.randint(1, 10) for _ in idx]
            spread = total - len(idx)
            for k, w in zip(idx, weights):
                shares[k] = 1 + spread * w // sum(weights)
    for (s, q), share in zip(chosen, shares):
        plan.link_supplier.append(s)
        plan.link_product.append(q)
        plan.link_share.append(share)
