"""Parameters of synthetic graphs: probabilities, weights, name pools."""

from __future__ import annotations

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
    "ckg:announced": (30, 2024, 2027, "is planned for"),
    "ckg:signed": (10, 2023, 2026, "signed its investment agreement in"),
}
"""Project stage reached (a ``ckg:LifecycleEvent`` dated with the year): weight, first and last year,
and how a quote words it."""


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


PLACE_NAMES = len(PLACE_A) * len(PLACE_B)  # 576


FIRM_NAMES = len(TRADE) ** 2 * len(FIRM_SUFFIXES)  # 12,800 a city before names get a number
