"""Synthetic but realistic cluster graphs for scale tests (``kg generate``).

:func:`generate` streams a graph of ``n_firms`` firms in the ontology as N-Triples
or Turtle text; :func:`write_graph` writes it to a file atomically and returns
:class:`GenerateStats`. Nothing is held as an rdflib graph: the plan is a few
flat lists (one entry per firm and per link) and the text is written subject
by subject: 100,000 firms take about 15-25 s and 125 MB (a 700 MB N-Triples file).

What is generated, and by which rules (the tests check these):

- **Places.** One country; ``ceil(cities / 4)`` provinces; ``cities`` =
  ``n_firms // 1500`` clamped to 3..60; 2-5 counties per city (``ckg:partOf``);
  1-3 industrial parks or development zones per city, each ``ckg:locatedIn`` a
  county. One ``ckg:IndustrialCluster`` per city (``ckg:clusterRegion``); every
  park, firm, cohort and project is ``ckg:inCluster`` its city's cluster. Cities
  differ in size (Zipf weights: the first city is the largest cluster).
- **Firms.** Exactly ``n_firms``; firm ``i`` is an ``ckg:EnterpriseGroup`` when
  ``i % 25 == 0`` (so ``ceil(n_firms / 25)`` groups) and a ``ckg:Firm`` otherwise.
  The first firms take one value-chain stage each (upstream first), the others a
  stage drawn with :data:`STAGE_WEIGHTS`. A firm ``ckg:produces`` 1-2 leaf
  products of its stage from ``ontology/products.ttl``, is ``ckg:locatedIn`` a
  park or a county, has an English ``skos:prefLabel`` (unique), sometimes a
  Chinese one and a ``skos:altLabel``, sometimes a ``ckg:capacity``. About 15% of
  firms have a ``ckg:parentOrganization`` (an earlier group); about 10% of
  processing firms are ``ckg:memberOf`` their city's cohort.
- **Supply.** A firm whose products have feedstocks (``ckg:feedstockFor`` /
  ``ckg:essentialFeedstockFor`` in products.ttl, inherited along
  ``skos:broader``) gets 1-8 distinct suppliers among the earlier firms that make
  a feedstock: first one per essential feedstock, then from all feedstocks.
  A supplier is drawn with probability proportional to its out-degree in that
  product plus one (the "repeated list" trick: O(1) a draw), and firms join as
  the graph grows, so the earliest upstream firms feed many, as Weiqiao does.
  Energy, mining and supporting-goods firms have no suppliers. Some
  customer-product groups carry ``ckg:share`` values summing to at most 1; some
  relations carry a ``ckg:volume``. Each city's cohort gets one supply relation.
  About 4.4 relations per firm on average, as in MEASURED.md.
- **Projects.** ``ceil(n_firms / 20)``, each with an investor, place, status,
  year, product, capacity (where the product has a per-year unit) and investment
  in ``unit:CCY_CNY``.
- **Provenance.** Every fact node and quantity ``prov:wasDerivedFrom`` a
  ``ckg:Evidence`` with a synthetic quote, whose ``prov:hadPrimarySource`` is a
  ``ckg:Article`` titled ``"Synthetic article …"``. The node ``ckr:syn-graph``
  carries a ``ckg:note`` saying the graph is generated; every IRI starts with
  ``ckr:syn-``. ``ckg:suppliesTo`` and ``ckg:subsidiary`` are never written.

Decimals are written as ``"250000.0"`` and ``"0.35"`` (the curated data's form,
what rdflib writes back); Oxigraph stores ``"250000"`` internally, and a
graph read through :mod:`kg.store` and written by rdflib gives the same triples.

>>> text = "".join(generate(20, seed=1))
>>> text.startswith("# Synthetic cluster-kg graph: 20 firms, seed 1.")
True
>>> text == "".join(generate(20, seed=1))
True
>>> "<https://w3id.org/cluster-kg/ontology#suppliesTo>" in text
False
"""

from __future__ import annotations

import math
import os
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from .errors import KGError
from .ontology import ONTOLOGY_DIR, PREFIXES

__all__ = [
    "MIN_FIRMS",
    "STAGE_WEIGHTS",
    "GenerateError",
    "GenerateStats",
    "format_for",
    "generate",
    "progress_steps",
    "write_graph",
    "write_to",
]


class GenerateError(KGError, ValueError):
    """The generator cannot do what was asked (too few firms, unknown file format)."""


@dataclass(frozen=True)
class GenerateStats:
    """What a generated graph holds."""

    firms: int
    """Firms, enterprise groups included."""
    groups: int
    cohorts: int
    projects: int
    links: int
    """``ckg:SupplyRelation`` nodes (firm customers and cohort customers)."""
    triples: int


# ----------------------------------------------------------------- parameters

STAGE_WEIGHTS: dict[str, int] = {
    "stage-supporting": 4,
    "stage-energy": 2,
    "stage-mining": 3,
    "stage-refining": 4,
    "stage-smelting": 5,
    "stage-casting": 14,
    "stage-rolling": 10,
    "stage-extrusion": 16,
    "stage-forming": 10,
    "stage-new-materials": 4,
    "stage-end-products": 28,
}
"""Share (percent) of firms per value-chain stage (``ckp:`` local names): few upstream, many downstream."""

MIN_FIRMS = len(STAGE_WEIGHTS)
"""The first firms take one stage each, so every stage has a firm."""

SUPPLIER_COUNT_WEIGHTS = (5, 9, 12, 14, 15, 14, 12, 10)
"""Weights of 1..8 suppliers for a firm that has feedstocks (mean 4.81; with 9% raw-material
and supporting firms that have none, about 4.4 relations per firm)."""

GROUP_EVERY = 25
P_SUBSIDIARY = 0.15
P_SAME_CITY_AS_PARENT = 0.6
P_IN_PARK = 0.55
P_SECOND_PRODUCT = 0.35
P_ZH_LABEL = 0.4
P_ALT_LABEL = 0.3
P_CAPACITY = 0.6
P_SHARES = 0.3
P_VOLUME = 0.1
P_COHORT_MEMBER = 0.1
P_DEVELOPMENT_ZONE_NAME = 0.3
FIRMS_PER_CITY = 1500
MIN_CITIES, MAX_CITIES = 3, 60
CITIES_PER_PROVINCE = 4
FIRMS_PER_PROJECT = 20
FIRMS_PER_ARTICLE = 200
COHORT_MEMBER_STAGES = ("stage-rolling", "stage-extrusion", "stage-forming")
COHORT_INPUT_STAGE = "stage-extrusion"
"""A city's cohort of processing firms buys what extruders need essentially (aluminium metal)."""
PROGRESS_CHUNK = 1000

TONNES, PIECES, SETS, M2 = "unit:TONNE-PER-YR", "ckgu:PIECE-PER-YR", "ckgu:SET-PER-YR", "ckgu:M2-PER-YR"
UNIT_WORDS = {TONNES: "tonnes", PIECES: "pieces", SETS: "sets", M2: "square metres"}

CAPACITY: dict[str, tuple[str, int, int]] = {
    "bauxite": (TONNES, 500_000, 8_000_000),
    "alumina": (TONNES, 500_000, 4_000_000),
    "electrolytic-aluminium": (TONNES, 100_000, 1_500_000),
    "molten-aluminium": (TONNES, 50_000, 800_000),
    "aluminium-ingot": (TONNES, 50_000, 800_000),
    "aluminium-alloy": (TONNES, 20_000, 500_000),
    "aluminium-rod": (TONNES, 10_000, 300_000),
    "recycled-aluminium": (TONNES, 10_000, 300_000),
    "aluminium-plate": (TONNES, 10_000, 300_000),
    "aluminium-strip": (TONNES, 20_000, 500_000),
    "aluminium-foil": (TONNES, 10_000, 200_000),
    "can-stock": (TONNES, 50_000, 600_000),
    "aluminium-profiles": (TONNES, 10_000, 300_000),
    "large-section-extrusions": (TONNES, 5_000, 100_000),
    "conductor-rail": (TONNES, 2_000, 50_000),
    "die-castings": (TONNES, 2_000, 80_000),
    "wheels": (PIECES, 200_000, 10_000_000),
    "pistons": (PIECES, 500_000, 30_000_000),
    "aluminium-new-materials": (TONNES, 1_000, 50_000),
    "doors-and-windows": (M2, 50_000, 2_000_000),
    "aluminium-formwork": (M2, 100_000, 3_000_000),
    "auto-parts": (PIECES, 100_000, 10_000_000),
    "phone-shells": (PIECES, 1_000_000, 50_000_000),
    "cable": (TONNES, 5_000, 100_000),
    "aluminium-furniture": (SETS, 10_000, 500_000),
    "cans": (PIECES, 100_000_000, 5_000_000_000),
    "moulds": (SETS, 500, 20_000),
    "steel-claw-protection-rings": (PIECES, 10_000, 500_000),
}
"""Capacity unit and range per product (``ckp:`` local name); products not listed (thermal power,
whose unit the ontology lacks) get no capacity. Bigger suppliers get bigger capacities."""

STATUS_YEARS = {
    "ckg:inOperation": (35, 2012, 2023, "was put into operation in"),
    "ckg:underConstruction": (25, 2022, 2025, "is under construction and due to start in"),
    "ckg:planned": (30, 2024, 2027, "is planned for"),
    "ckg:target": (10, 2025, 2030, "is the target for"),
}
"""Project status: weight, first and last year, and how a quote words it."""

BOUNDS = (("exact", "", 60), ("at least", "more than ", 25), ("about", "about ", 15))
"""``ckg:bound``, the words before the number, and the weight."""

# Name parts: pinyin and characters. Place names combine A and B, trade names two of TRADE.
PLACE_A = (
    ("Bin", "滨"), ("Qing", "青"), ("Nan", "南"), ("Bei", "北"), ("Dong", "东"), ("Xi", "西"),
    ("Ping", "平"), ("Lin", "临"), ("Jiang", "江"), ("Song", "松"), ("Shi", "石"), ("Lu", "鲁"),
    ("Yu", "豫"), ("Wan", "皖"), ("Gan", "赣"), ("Min", "闽"), ("Jin", "晋"), ("Ji", "冀"),
    ("Chu", "楚"), ("Liao", "辽"), ("Long", "陇"), ("Yun", "云"), ("Gui", "桂"), ("Shu", "蜀"),
)  # fmt: skip
PLACE_B = (
    ("he", "河"), ("shan", "山"), ("yang", "阳"), ("zhou", "州"), ("ning", "宁"), ("yuan", "原"),
    ("quan", "泉"), ("ling", "陵"), ("cheng", "城"), ("tai", "台"), ("kou", "口"), ("tan", "潭"),
    ("gang", "港"), ("an", "安"), ("hai", "海"), ("feng", "丰"), ("chuan", "川"), ("ze", "泽"),
    ("xing", "兴"), ("du", "都"), ("lin", "林"), ("qiao", "桥"), ("shui", "水"), ("pu", "浦"),
)  # fmt: skip
TRADE = (
    ("Xin", "鑫"), ("Long", "隆"), ("Hong", "宏"), ("Tai", "泰"), ("Sheng", "盛"), ("Hua", "华"),
    ("Feng", "丰"), ("Yuan", "源"), ("Jin", "金"), ("Rui", "瑞"), ("Heng", "恒"), ("Da", "达"),
    ("Fu", "富"), ("Kai", "凯"), ("Cheng", "诚"), ("Ding", "鼎"), ("Yu", "宇"), ("Tong", "通"),
    ("Wei", "伟"), ("Chang", "昌"), ("Guang", "光"), ("Ming", "明"), ("Zhong", "中"), ("Xing", "兴"),
    ("Hai", "海"), ("Bo", "博"), ("Tian", "天"), ("Yi", "益"), ("An", "安"), ("Jia", "嘉"),
    ("Run", "润"), ("Ze", "泽"), ("Ke", "科"), ("Li", "利"), ("Mei", "美"), ("Kang", "康"),
    ("Shun", "顺"), ("Bao", "宝"), ("Wan", "万"), ("Rong", "荣"),
)  # fmt: skip
FIRM_SUFFIXES = (
    ("Aluminium Co., Ltd.", "铝业有限公司"), ("Aluminium Industry Co., Ltd.", "铝工业有限公司"),
    ("Metal Materials Co., Ltd.", "金属材料有限公司"), ("Nonferrous Metals Co., Ltd.", "有色金属有限公司"),
    ("New Materials Co., Ltd.", "新材料有限公司"), ("Metal Technology Co., Ltd.", "金属科技有限公司"),
    ("Industrial Co., Ltd.", "实业有限公司"), ("Alloy Co., Ltd.", "合金有限公司"),
)  # fmt: skip
GROUP_SUFFIXES = (
    ("Group Co., Ltd.", "集团有限公司"), ("Aluminium Group", "铝业集团"), ("Industrial Group", "实业集团"),
    ("Holding Group", "控股集团"), ("Venture Group", "创业集团"), ("Metal Group", "金属集团"),
    ("Nonferrous Group", "有色集团"), ("Investment Group", "投资集团"),
)  # fmt: skip
PARK_KINDS = (
    ("Aluminium Industrial Park", "铝产业园", "ckg:IndustrialPark"),
    ("Economic Development Zone", "经济开发区", "ckg:DevelopmentZone"),
    ("Aluminium Deep Processing Park", "铝精深加工产业园", "ckg:IndustrialPark"),
    ("High-tech Industrial Development Zone", "高新技术产业开发区", "ckg:DevelopmentZone"),
)
_PLACE_NAMES = len(PLACE_A) * len(PLACE_B)  # 576
_FIRM_NAMES = len(TRADE) ** 2 * len(FIRM_SUFFIXES)  # 12,800 a city before names get a number


def progress_steps(n_firms: int) -> int:
    """How many steps :func:`write_graph` reports to its ``progress`` callback in all.

    >>> progress_steps(1000)
    2000
    """
    return 2 * n_firms


def format_for(path: str | os.PathLike) -> str:
    """``"nt"`` or ``"ttl"`` for a file name, by its extension.

    >>> format_for("big.nt"), format_for("small.ttl")
    ('nt', 'ttl')
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".nt", ".ntriples"):
        return "nt"
    if suffix in (".ttl", ".turtle"):
        return "ttl"
    raise GenerateError(f"{path}: cannot write {suffix or 'a file without extension'!r}; use .nt (N-Triples) or .ttl (Turtle)")


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
    import pyoxigraph as ox

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
class _Plan:
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
    a, b = divmod(t % _PLACE_NAMES, len(PLACE_B))
    en, zh = PLACE_A[a][0] + PLACE_B[b][0], PLACE_A[a][1] + PLACE_B[b][1]
    if t >= _PLACE_NAMES:  # never with at most 60 cities; kept so names stay unique
        n = t // _PLACE_NAMES + 1
        en, zh = f"{en} {n}", f"{zh}{n}"
    return en, zh


def _choose(rng: random.Random, cumulative: list[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


def _plan(n: int, seed: int, preferential: bool, progress: Callable[[int], None] | None) -> _Plan:
    scheme = _read_scheme(ONTOLOGY_DIR / "products.ttl")
    rng = random.Random(seed)

    # places
    n_cities = min(MAX_CITIES, max(MIN_CITIES, n // FIRMS_PER_CITY))
    n_provinces = -(-n_cities // CITIES_PER_PROVINCE)
    shuffled, counter = list(range(_PLACE_NAMES)), 0
    rng.shuffle(shuffled)

    def next_name() -> tuple[str, str]:
        nonlocal counter
        name = _place_name(shuffled[counter % _PLACE_NAMES] + counter // _PLACE_NAMES * _PLACE_NAMES)
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
    city_name_offset = [rng.randrange(_FIRM_NAMES) for _ in range(n_cities)]
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

    plan = _Plan(n, seed, rng, scheme, provinces, cities, counties, parks, out_degree=[0] * n)
    out_degree = plan.out_degree
    for i in range(n):
        stage = stages[i] if i < len(stages) else stages[_choose(rng, stage_weights)]
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
            city = _choose(rng, city_weights)
        if rng.random() < P_IN_PARK:
            place = parks[rng.choice(city_parks[city])]
        else:
            place = counties[rng.choice(city_counties[city])]
        cohort = city if stage in COHORT_MEMBER_STAGES and rng.random() < P_COHORT_MEMBER else -1

        # name: unique within a city through a permutation of the city's name space
        j = city_firms[city]
        city_firms[city] += 1
        slot = (j * 7919 + city_name_offset[city]) % _FIRM_NAMES  # 7919 is prime to 12,800
        trade, suffix = divmod(slot, len(FIRM_SUFFIXES))
        t1, t2 = divmod(trade, len(TRADE))
        trade_en, trade_zh = TRADE[t1][0] + TRADE[t2][0].lower(), TRADE[t1][1] + TRADE[t2][1]
        suffix_en, suffix_zh = (GROUP_SUFFIXES if is_group else FIRM_SUFFIXES)[suffix]
        number_en = number_zh = ""
        if j >= _FIRM_NAMES:
            number_en, number_zh = f" No. {j // _FIRM_NAMES + 1}", f"（{j // _FIRM_NAMES + 1}）"
        c = cities[city]
        plan.short_en.append(f"{c.en} {trade_en}")
        plan.short_zh.append(f"{c.zh}{trade_zh}")
        plan.name_en.append(f"{c.en} {trade_en} {suffix_en}{number_en}")
        plan.name_zh.append(f"{c.zh}{trade_zh}{suffix_zh}{number_zh}")

        # suppliers among the earlier firms
        inputs = sorted({x for q in products for x in scheme.inputs[q]})
        if inputs:
            groups = sorted({g for q in products for g in scheme.essential[q]})
            k = max(_choose(rng, count_weights) + 1, len(groups))
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


def _add_links(plan: _Plan, rng: random.Random, chosen: list[tuple[int, str]]) -> None:
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


# -------------------------------------------------------------------- blocks
# A block is (subject, [(predicate, object), ...]); IRIs are prefixed names
# ("ckr:syn-firm-1"), literals are (lexical form, language or None, datatype or None).

_TYPE = "rdf:type"


def _en(s: str):
    return (s, "en", None)


def _zh(s: str):
    return (s, "zh", None)


def _str(s: str):
    return (s, None, None)


def _decimal(value: int, hundredths: bool = False):
    """``250000.0`` for 250000; with ``hundredths``, ``0.35`` for 35 and ``1.0`` for 100."""
    if hundredths and value % 100:
        return (f"{value // 100}.{value % 100:02d}".rstrip("0"), None, "xsd:decimal")
    return (f"{value // 100 if hundredths else value}.0", None, "xsd:decimal")


def _sentence(text: str) -> str:
    """``text`` with a full stop, unless it ends with one ("Co., Ltd.")."""
    return text if text.endswith(".") else text + "."


def _two_figures(x: float) -> int:
    """``x`` rounded to two significant figures, as an integer (at least 10)."""
    e = max(0, math.floor(math.log10(x)) - 1)
    return max(10, round(x / 10**e) * 10**e)


def _amount_words(yuan: int) -> str:
    return f"{yuan / 10**9:g} billion yuan" if yuan >= 10**9 else f"{yuan // 10**6} million yuan"


def _blocks(plan: _Plan, progress: Callable[[int], None] | None) -> Iterator[tuple[str, list]]:
    scheme, rng = plan.scheme, plan.rng
    n = plan.n

    def article(city: int) -> str:
        first, count = plan.city_articles[city]
        return f"ckr:syn-article-{first + rng.randrange(count)}"

    def evidence(iri: str, quote: str, city: int):
        return iri, [(_TYPE, "ckg:Evidence"), ("prov:value", _str(quote)), ("prov:hadPrimarySource", article(city))]

    def bound_words() -> tuple[str, str]:
        r = rng.randrange(100)
        for bound, words, weight in BOUNDS:
            if r < weight:
                return bound, words
            r -= weight
        return BOUNDS[0][:2]

    def capacity(iri: str, product: str, size: float, ev: str) -> tuple[list, str] | None:
        if product not in CAPACITY:
            return None
        unit, lo, hi = CAPACITY[product]
        value = _two_figures(lo * (hi / lo) ** min(1.0, size))
        bound, words = bound_words()
        wording = f"an annual production capacity of {words}{value:,} {UNIT_WORDS[unit]}"
        pairs = [
            (_TYPE, "ckg:Quantity"), ("qudt:numericValue", _decimal(value)), ("qudt:unit", unit),
            ("ckg:product", f"ckp:{product}"), ("ckg:originalWording", _str(wording)),
            ("ckg:bound", _str(bound)), ("prov:wasDerivedFrom", ev),
        ]  # fmt: skip
        return (iri, pairs), wording

    # the graph itself
    yield "ckr:syn-graph", [
        (_TYPE, "prov:Entity"),
        ("dcterms:title", _en(f"Synthetic cluster-kg graph: {n} firms, seed {plan.seed}")),
        ("ckg:note", _str(
            f"Generated by `kg generate --firms {n} --seed {plan.seed}`. Every place, firm, project, supply "
            "relation, quote and article in this graph is synthetic: none of it states a fact about a real firm."
        )),
    ]  # fmt: skip

    # places
    yield "ckr:syn-china", [
        (_TYPE, "ckg:Country"), ("skos:prefLabel", _en("China")), ("skos:prefLabel", _zh("中国")),
        ("prov:wasDerivedFrom", "ckr:syn-ev-china"),
    ]  # fmt: skip
    names = ", ".join(p.en for p in plan.provinces)
    yield evidence("ckr:syn-ev-china", f"The aluminium industry of China is growing fast in {names}.", 0)
    first_city = {}
    for c, city in enumerate(plan.cities):
        first_city.setdefault(city.parent, c)
    levels = (("Province", "省", plan.provinces), ("City", "市", plan.cities), ("County", "县", plan.counties))
    for word, char, places in levels:
        for k, place in enumerate(places):
            if word == "Province":
                up, up_label, city = "ckr:syn-china", "China", first_city[k]
            elif word == "City":
                up, up_label, city = plan.provinces[place.parent].iri, plan.provinces[place.parent].en, k
            else:
                up, up_label, city = plan.cities[place.parent].iri, plan.cities[place.parent].en, place.parent
            ev = place.iri.replace("ckr:syn-", "ckr:syn-ev-")
            yield place.iri, [
                (_TYPE, place.kind), ("skos:prefLabel", _en(place.en)), ("skos:prefLabel", _zh(place.zh + char)),
                ("skos:altLabel", _en(f"{place.en} {word}")), ("ckg:partOf", up), ("prov:wasDerivedFrom", ev),
            ]  # fmt: skip
            yield evidence(ev, f"{place.en} {word.lower()} is part of {up_label}.", city)
    for k, park in enumerate(plan.parks):
        county = plan.counties[park.county]
        ev = f"ckr:syn-ev-park-{k}"
        yield park.iri, [
            (_TYPE, park.kind), ("skos:prefLabel", _en(park.en)), ("skos:prefLabel", _zh(park.zh)),
            ("ckg:locatedIn", county.iri), ("ckg:inCluster", f"ckr:syn-cluster-{park.parent}"),
            ("prov:wasDerivedFrom", ev),
        ]  # fmt: skip
        yield evidence(ev, f"The {park.en} in {county.en} county gathers aluminium enterprises.", park.parent)

    # clusters and cohorts
    for c, city in enumerate(plan.cities):
        ev = f"ckr:syn-ev-cluster-{c}"
        yield f"ckr:syn-cluster-{c}", [
            (_TYPE, "ckg:IndustrialCluster"), ("skos:prefLabel", _en(f"{city.en} aluminium industry cluster")),
            ("skos:prefLabel", _zh(f"{city.zh}铝产业集群")), ("ckg:clusterRegion", city.iri), ("prov:wasDerivedFrom", ev),
        ]  # fmt: skip
        yield evidence(ev, f"{city.en} has built an aluminium industry cluster.", c)
        count = rng.randint(2, 15) * 10
        wording = f"more than {count} aluminium processing enterprises"
        ev = f"ckr:syn-ev-cohort-{c}"
        yield f"ckr:syn-cohort-{c}", [
            (_TYPE, "ckg:FirmCohort"), ("skos:prefLabel", _en(f"Aluminium processing enterprises of {city.en} ({count}+)")),
            ("skos:prefLabel", _zh(f"{city.zh}铝加工企业（{count}多家）")), ("ckg:memberCount", (str(count), None, "xsd:integer")),
            ("ckg:originalWording", _str(wording)), ("ckg:locatedIn", city.iri), ("ckg:inCluster", f"ckr:syn-cluster-{c}"),
            ("prov:wasDerivedFrom", ev),
        ]  # fmt: skip
        yield evidence(ev, f"{city.en} has gathered {wording}.", c)

    # firms, each followed by the supply relations it is the customer of
    degrees = plan.out_degree
    for i in range(n):
        products, city = plan.products[i], plan.city[i]
        name, firm = plan.name_en[i], f"ckr:syn-firm-{i}"
        is_group = i % GROUP_EVERY == 0
        ev = f"ckr:syn-ev-firm-{i}"
        pairs = [(_TYPE, "ckg:EnterpriseGroup" if is_group else "ckg:Firm"), ("skos:prefLabel", _en(name))]
        if rng.random() < P_ZH_LABEL:
            pairs.append(("skos:prefLabel", _zh(plan.name_zh[i])))
        if rng.random() < P_ALT_LABEL:
            alt = rng.choice((
                _en(plan.short_en[i].split(" ", 1)[1]),
                _en(f"{plan.short_en[i]} company"),
                _zh(plan.short_zh[i]),
            ))  # fmt: skip
            pairs.append(("skos:altLabel", alt))
        pairs.append(("ckg:locatedIn", plan.place[i]))
        if is_group:
            pairs.append(("ckg:headquarteredIn", plan.place[i]))
        pairs.append(("ckg:inCluster", f"ckr:syn-cluster-{city}"))
        if plan.parent[i] >= 0:
            pairs.append(("ckg:parentOrganization", f"ckr:syn-firm-{plan.parent[i]}"))
        if plan.cohort[i] >= 0:
            pairs.append(("ckg:memberOf", f"ckr:syn-cohort-{plan.cohort[i]}"))
        pairs.extend(("ckg:produces", f"ckp:{q}") for q in products)
        quote = (
            f"{name}{', headquartered' if is_group else ' is located'} in {plan.place_label[i]}"
            f"{',' if is_group else ' and'} mainly produces {' and '.join(scheme.label_en[q] for q in products)}."
        )
        cap = None
        if rng.random() < P_CAPACITY:
            d = degrees[i]
            cap = capacity(f"ckr:syn-qty-firm-{i}", products[0], 0.6 * rng.random() + 0.4 * d / (d + 20), ev)
        if cap:
            pairs.append(("ckg:capacity", cap[0][0]))
            quote += f" It has {cap[1]}."
        if plan.parent[i] >= 0:
            quote += _sentence(f" It is a subsidiary of {plan.name_en[plan.parent[i]]}")
        pairs.append(("prov:wasDerivedFrom", ev))
        yield firm, pairs
        if cap:
            yield cap[0]
        yield evidence(ev, quote, city)

        start, end = plan.link_start[i], plan.link_start[i + 1]
        if start < end:
            ev = f"ckr:syn-ev-supply-{i}"
            volumes = []
            for k in range(start, end):
                q = plan.link_product[k]
                link = [
                    (_TYPE, "ckg:SupplyRelation"), ("ckg:supplier", f"ckr:syn-firm-{plan.link_supplier[k]}"),
                    ("ckg:customer", firm), ("ckg:product", f"ckp:{q}"),
                ]  # fmt: skip
                if plan.link_share[k]:
                    link.append(("ckg:share", _decimal(plan.link_share[k], hundredths=True)))
                if q in CAPACITY and CAPACITY[q][0] == TONNES and rng.random() < P_VOLUME:
                    _, lo, hi = CAPACITY[q]
                    value = _two_figures(lo / 20 * (hi / lo) ** rng.random())
                    year = rng.randint(2018, 2023)
                    bound, words = bound_words()
                    volumes.append((f"ckr:syn-qty-supply-{k}", [
                        (_TYPE, "ckg:Quantity"), ("qudt:numericValue", _decimal(value)), ("qudt:unit", "unit:TONNE"),
                        ("ckg:originalWording", _str(f"{words}{value:,} tonnes in {year}")), ("ckg:bound", _str(bound)),
                        ("ckg:period", _str(str(year))), ("prov:wasDerivedFrom", ev),
                    ]))  # fmt: skip
                    link.append(("ckg:volume", volumes[-1][0]))
                link.append(("prov:wasDerivedFrom", ev))
                yield f"ckr:syn-supply-{k}", link
            yield from volumes
            suppliers = [plan.name_en[s] for s in plan.link_supplier[start:end]]
            wanted = " and ".join(dict.fromkeys(scheme.label_en[q] for q in plan.link_product[start:end]))
            listed = ", ".join(suppliers[:3]) + (f" and {len(suppliers) - 3} other suppliers" if len(suppliers) > 3 else "")
            yield evidence(ev, _sentence(f"{name} buys its {wanted} from {listed}"), city)
        if progress and (i + 1) % PROGRESS_CHUNK == 0:
            progress(PROGRESS_CHUNK)
    if progress and n % PROGRESS_CHUNK:
        progress(n % PROGRESS_CHUNK)

    # cohorts as customers
    base = len(plan.link_supplier)
    for k, (c, s, q) in enumerate(plan.cohort_links):
        ev = f"ckr:syn-ev-cohort-supply-{c}"
        link = [
            (_TYPE, "ckg:SupplyRelation"), ("ckg:supplier", f"ckr:syn-firm-{s}"),
            ("ckg:customer", f"ckr:syn-cohort-{c}"), ("ckg:product", f"ckp:{q}"),
        ]  # fmt: skip
        if rng.random() < 0.5:
            link.append(("ckg:shareWording", _str("basically")))
        link.append(("prov:wasDerivedFrom", ev))
        yield f"ckr:syn-supply-{base + k}", link
        yield evidence(
            ev,
            _sentence(
                f"The {scheme.label_en[q]} of the aluminium processing enterprises of {plan.cities[c].en} "
                f"comes basically from {plan.name_en[s]}"
            ),
            c,
        )

    # projects
    statuses = list(STATUS_YEARS)
    status_weights = list(accumulate(STATUS_YEARS[s][0] for s in statuses))
    for j in range(plan.projects):
        investor = rng.randrange(n)
        city = plan.city[investor]
        q = rng.choice(plan.products[investor])
        status = statuses[_choose(rng, status_weights)]
        _, first, last, words = STATUS_YEARS[status]
        year = rng.randint(first, last)
        iri, ev = f"ckr:syn-project-{j}", f"ckr:syn-ev-project-{j}"
        label = scheme.label_en[q]
        pairs = [(_TYPE, "ckg:Project"), ("skos:prefLabel", _en(f"{plan.short_en[investor]} {label} project ({year})"))]
        if rng.random() < P_ZH_LABEL and q in scheme.label_zh:
            pairs.append(("skos:prefLabel", _zh(f"{plan.short_zh[investor]}{scheme.label_zh[q]}项目（{year}）")))
        pairs += [
            ("ckg:investor", f"ckr:syn-firm-{investor}"), ("ckg:locatedIn", plan.place[investor]),
            ("ckg:inCluster", f"ckr:syn-cluster-{city}"), ("ckg:status", status),
            ("ckg:year", (str(year), None, "xsd:gYear")), ("ckg:product", f"ckp:{q}"),
        ]  # fmt: skip
        cap = capacity(f"ckr:syn-qty-project-{j}-capacity", q, rng.random(), ev)
        if cap:
            pairs.append(("ckg:capacity", cap[0][0]))
        yuan = _two_figures(2 * 10**7 * 1000 ** rng.random())
        bound, bwords = bound_words()
        invest_words = f"{bwords}{_amount_words(yuan)}"
        invest = (f"ckr:syn-qty-project-{j}-investment", [
            (_TYPE, "ckg:Quantity"), ("qudt:numericValue", _decimal(yuan)), ("qudt:unit", "unit:CCY_CNY"),
            ("ckg:originalWording", _str(invest_words)), ("ckg:bound", _str(bound)), ("prov:wasDerivedFrom", ev),
        ])  # fmt: skip
        pairs += [("ckg:investment", invest[0]), ("prov:wasDerivedFrom", ev)]
        yield iri, pairs
        if cap:
            yield cap[0]
        yield invest
        what = f"a project with {cap[1]} of {label}" if cap else f"a {label} project"
        yield evidence(
            ev,
            f"{plan.name_en[investor]} invests {invest_words} in {what} in {plan.place_label[investor]}, which {words} {year}.",
            city,
        )

    # articles
    for c, (first, count) in enumerate(plan.city_articles):
        for a in range(first, first + count):
            part = f", part {a - first + 1}" if count > 1 else ""
            yield f"ckr:syn-article-{a}", [
                (_TYPE, "ckg:Article"),
                ("dcterms:title", _en(f"Synthetic article {a}: the aluminium industry of {plan.cities[c].en}{part}")),
                ("dcterms:identifier", _str(f"synthetic-{a:06d}.txt")),
            ]


# ----------------------------------------------------------------- rendering


def _quote(lex: str) -> str:
    if '"' in lex or "\\" in lex or "\n" in lex or "\r" in lex:
        lex = lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{lex}"'


def _nt_renderer() -> Callable[[str, list], str]:
    expanded: dict[str, str] = {}

    def iri(name: str) -> str:
        full = expanded.get(name)
        if full is None:
            prefix, _, local = name.partition(":")
            full = f"<{PREFIXES[prefix]}{local}>"
            if not name.startswith("ckr:syn-"):  # vocabulary terms repeat; instance IRIs do not
                expanded[name] = full
        return full

    def term(o) -> str:
        if type(o) is str:
            return iri(o)
        lex, lang, dt = o
        if lang:
            return f"{_quote(lex)}@{lang}"
        if dt:
            return f"{_quote(lex)}^^{iri(dt)}"
        return _quote(lex)

    def render(subject: str, pairs: list) -> str:
        s = iri(subject)
        return "".join(f"{s} {iri(p)} {term(o)} .\n" for p, o in pairs)

    return render


def _ttl_renderer() -> Callable[[str, list], str]:
    def term(o) -> str:
        if type(o) is str:
            return o
        lex, lang, dt = o
        if lang:
            return f"{_quote(lex)}@{lang}"
        if dt in ("xsd:decimal", "xsd:integer"):
            return lex
        if dt:
            return f"{_quote(lex)}^^{dt}"
        return _quote(lex)

    def render(subject: str, pairs: list) -> str:
        parts: list[str] = []
        previous = None
        for p, o in pairs:
            if p == previous:
                parts[-1] += f" , {term(o)}"
            else:
                parts.append(f"{'a' if p == _TYPE else p} {term(o)}")
                previous = p
        return f"{subject} " + " ;\n    ".join(parts) + " .\n\n"

    return render


_TTL_PREFIXES = ("ckg", "ckp", "ckr", "ckgu", "qudt", "unit", "skos", "prov", "dcterms", "xsd")


def _prepare(n_firms: int, seed: int, fmt: str, preferential: bool, progress) -> _Plan:
    if isinstance(n_firms, bool) or not isinstance(n_firms, int) or n_firms < MIN_FIRMS:
        raise GenerateError(f"need at least {MIN_FIRMS} firms (one per value-chain stage), not {n_firms!r}")
    if fmt not in ("nt", "ttl"):
        raise GenerateError(f"unknown output format {fmt!r}; use 'nt' or 'ttl'")
    return _plan(n_firms, seed, preferential, progress)


def _chunks(plan: _Plan, fmt: str, progress: Callable[[int], None] | None) -> Iterator[tuple[str, int]]:
    """The document as (text, number of triples in it) pieces, one subject each after the header."""
    header = (
        f"# Synthetic cluster-kg graph: {plan.n} firms, seed {plan.seed}. Generated by `kg generate`;\n"
        "# every firm, place, link, quote and article in it is invented.\n"
    )
    if fmt == "ttl":
        header += "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in _TTL_PREFIXES) + "\n"
    yield header, 0
    render = _nt_renderer() if fmt == "nt" else _ttl_renderer()
    for subject, pairs in _blocks(plan, progress):
        yield render(subject, pairs), len(pairs)


def generate(n_firms: int, *, seed: int = 0, fmt: str = "nt", preferential: bool = True) -> Iterator[str]:
    """The synthetic graph of ``n_firms`` firms as text, one subject's triples at a time.

    ``fmt`` is ``"nt"`` (N-Triples) or ``"ttl"`` (Turtle with prefixes); both hold the
    same triples for the same ``seed``. ``preferential=False`` draws suppliers
    uniformly among the candidates instead (a null model for comparisons).
    Raises :class:`GenerateError` for fewer than :data:`MIN_FIRMS` firms.

    >>> chunks = list(generate(11, fmt="ttl"))
    >>> chunks[0].splitlines()[2]
    '@prefix ckg: <https://w3id.org/cluster-kg/ontology#> .'
    >>> next(generate(5))
    Traceback (most recent call last):
    ...
    kg.generate.GenerateError: need at least 11 firms (one per value-chain stage), not 5
    """
    plan = _prepare(n_firms, seed, fmt, preferential, None)
    for text, _ in _chunks(plan, fmt, None):
        yield text


def write_to(
    file,
    n_firms: int,
    *,
    seed: int = 0,
    fmt: str = "nt",
    preferential: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write the graph to a binary file object (UTF-8), in pieces of about 1 MB.

    ``progress``, if given, is called with a number of steps as work is done; the
    steps add up to :func:`progress_steps` ``(n_firms)``.
    """
    plan = _prepare(n_firms, seed, fmt, preferential, progress)
    triples = 0
    buffer: list[str] = []
    size = 0
    for text, count in _chunks(plan, fmt, progress):
        triples += count
        buffer.append(text)
        size += len(text)
        if size > 1 << 20:
            file.write("".join(buffer).encode("utf-8"))
            buffer, size = [], 0
    file.write("".join(buffer).encode("utf-8"))
    return GenerateStats(
        firms=plan.n,
        groups=plan.groups,
        cohorts=len(plan.cities),
        projects=plan.projects,
        links=plan.links,
        triples=triples,
    )


def write_graph(
    path: str | os.PathLike,
    n_firms: int,
    *,
    seed: int = 0,
    fmt: str | None = None,
    preferential: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write the graph to ``path`` atomically: into a temporary file beside it, then a rename.

    ``fmt`` defaults to the extension (:func:`format_for`). A failed write leaves any
    earlier file at ``path`` intact.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     stats = write_graph(pathlib.Path(d) / "g.nt", 50, seed=3)
    >>> stats.firms, stats.groups, stats.cohorts, stats.projects
    (50, 2, 3, 3)
    """
    path = Path(path)
    fmt = fmt or format_for(path)
    from .store import atomic_file

    with atomic_file(path, "wb") as f:
        stats = write_to(f, n_firms, seed=seed, fmt=fmt, preferential=preferential, progress=progress)
    return stats
