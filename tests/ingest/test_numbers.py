"""kg.ingest.numbers: amounts as people write them, each answer worked out by hand."""

from __future__ import annotations

import dataclasses

import pytest

from kg.ingest.numbers import Amount, AmountError, parse_amount

U = "http://qudt.org/vocab/unit/"
C = "https://w3id.org/cluster-kg/unit/"
T, TY, CNY, M2, PCT = U + "TONNE", U + "TONNE-PER-YR", U + "CCY_CNY", U + "M2", U + "PERCENT"
M2Y, COUNT, CNY_T = C + "M2-PER-YR", C + "COUNT", C + "CNY-PER-TONNE"
PCS, SETS, PAIRS = C + "PIECE-PER-YR", C + "SET-PER-YR", C + "PAIR-PER-YR"

CASES = [
    # (text, keyword arguments, value, unit, bound)
    # --- the examples of issue 15
    ("1.2 million tons", {}, 1.2e6, T, "exact"),
    ("12万吨", {}, 1.2e5, T, "exact"),
    ("12万吨", {"kind": "capacity"}, 1.2e5, TY, "exact"),
    ("30.4亿元", {}, 3.04e9, CNY, "exact"),
    ("about 3 million square meters", {}, 3e6, M2, "about"),
    ("more than 60", {}, 60, None, "at least"),
    ("several 10 billion", {}, 2e10, None, "at least"),
    # --- English multipliers
    ("2 billion yuan", {}, 2e9, CNY, "exact"),
    ("10 thousand tons", {}, 1e4, T, "exact"),
    ("500 thousand tons a year", {}, 5e5, TY, "exact"),
    ("3 hundred", {}, 300, None, "exact"),
    ("a million tons", {}, 1e6, T, "exact"),
    ("a dozen firms", {}, 12, COUNT, "exact"),
    ("more than a dozen enterprises", {}, 12, COUNT, "at least"),
    ("RMB 3 billion", {}, 3e9, CNY, "exact"),
    ("1.5bn yuan", {}, 1.5e9, CNY, "exact"),
    ("several billion yuan", {}, 2e9, CNY, "at least"),
    (".5 million tons", {}, 5e5, T, "exact"),
    # --- Chinese multipliers
    ("1百万吨", {}, 1e6, T, "exact"),
    ("3千万元", {}, 3e7, CNY, "exact"),
    ("5千吨", {}, 5e3, T, "exact"),
    ("2万亿元", {}, 2e12, CNY, "exact"),
    ("三千万元", {}, 3e7, CNY, "exact"),
    ("两亿元", {}, 2e8, CNY, "exact"),
    ("几十家", {}, 20, COUNT, "at least"),
    ("数百万吨", {}, 2e6, T, "at least"),
    ("¥3亿", {}, 3e8, CNY, "exact"),
    ("人民币5000万元", {}, 5e7, CNY, "exact"),
    # --- bounds, English
    ("over 200 enterprises", {}, 200, COUNT, "at least"),
    ("exceeding 1 million tons", {}, 1e6, T, "at least"),
    ("at least 30%", {}, 30, PCT, "at least"),
    ("60+", {}, 60, None, "at least"),
    ("60+ firms", {}, 60, COUNT, "at least"),
    ("nearly 90%", {}, 90, PCT, "about"),
    ("around 5 billion yuan", {}, 5e9, CNY, "about"),
    ("approximately 1,000 tons", {}, 1000, T, "about"),
    ("almost 40 percent", {}, 40, PCT, "about"),
    ("up to 2 million tons a year", {}, 2e6, TY, "at most"),
    ("at most 10 firms", {}, 10, COUNT, "at most"),
    ("less than 5%", {}, 5, PCT, "at most"),
    ("no more than 3 companies", {}, 3, COUNT, "at most"),
    # --- bounds, Chinese
    ("60多家", {}, 60, COUNT, "at least"),
    ("100多万吨", {}, 1e6, T, "at least"),
    ("50家以上", {}, 50, COUNT, "at least"),
    ("60家及以上", {}, 60, COUNT, "at least"),
    ("5家及以下", {}, 5, COUNT, "at most"),
    ("超过10亿元", {}, 1e9, CNY, "at least"),
    ("逾30万吨", {}, 3e5, T, "at least"),
    ("60余家", {}, 60, COUNT, "at least"),
    ("约30.4亿元", {}, 3.04e9, CNY, "about"),
    ("近50%", {}, 50, PCT, "about"),
    ("100万吨左右", {}, 1e6, T, "about"),
    ("不到10家", {}, 10, COUNT, "at most"),
    ("10万吨以下", {}, 1e5, T, "at most"),
    ("不超过5亿元", {}, 5e8, CNY, "at most"),
    # --- units
    ("20万吨/年", {}, 2e5, TY, "exact"),
    ("200,000 t/yr", {}, 2e5, TY, "exact"),
    ("200000 t/a", {}, 2e5, TY, "exact"),
    ("1 million tonnes per year", {}, 1e6, TY, "exact"),
    ("年产30万吨", {}, 3e5, TY, "exact"),
    ("50 tpa", {}, 50, TY, "exact"),
    ("3 million m2", {}, 3e6, M2, "exact"),
    ("3 million m²", {}, 3e6, M2, "exact"),
    ("8万平方米", {}, 8e4, M2, "exact"),
    ("8万平方米", {"kind": "capacity"}, 8e4, M2Y, "exact"),
    ("1000万件/年", {}, 1e7, PCS, "exact"),
    ("5 million pieces", {"kind": "capacity"}, 5e6, PCS, "exact"),
    ("2000套/年", {}, 2000, SETS, "exact"),
    ("3 million pairs a year", {}, 3e6, PAIRS, "exact"),
    ("500元/吨", {}, 500, CNY_T, "exact"),
    ("百分之30", {}, 30, PCT, "exact"),
    ("36 enterprises", {}, 36, COUNT, "exact"),
    # --- separators and full-width digits
    ("1,200,000 tons", {}, 1.2e6, T, "exact"),
    ("1 200 000 tons", {}, 1.2e6, T, "exact"),
    ("1,234.5 tons", {}, 1234.5, T, "exact"),
    ("１２万吨", {}, 1.2e5, T, "exact"),
    ("３０．４亿元", {}, 3.04e9, CNY, "exact"),
    ("６０％", {}, 60, PCT, "exact"),
    ("  45  ", {}, 45, None, "exact"),
    # --- a unit from another column, a kind
    ("30.4", {"unit": "亿元"}, 3.04e9, CNY, "exact"),
    ("12", {"unit": "万吨"}, 1.2e5, T, "exact"),
    ("12", {"unit": "t/yr"}, 12, TY, "exact"),
    ("12万吨", {"unit": "t/yr"}, 1.2e5, TY, "exact"),
    ("30.4亿元", {"unit": "亿元"}, 3.04e9, CNY, "exact"),
    ("3", {"unit": "亿"}, 3e8, None, "exact"),
    ("more than 60", {"kind": "enterpriseCount"}, 60, COUNT, "at least"),
    ("30.4亿", {"kind": "investment"}, 3.04e9, CNY, "exact"),
    ("35", {"kind": "marketShare"}, 35, PCT, "exact"),
]


@pytest.mark.parametrize("text, kwargs, value, unit, bound", CASES)
def test_parse_amount(text, kwargs, value, unit, bound):
    assert parse_amount(text, **kwargs) == Amount(value, unit, bound, text.strip())


def test_amount_is_frozen():
    a = parse_amount("1 t")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = 2.0


def test_values_are_exact_decimals():
    # Decimal arithmetic: no 3040000000.0000005
    assert repr(parse_amount("30.4亿元").value) == "3040000000.0"
    assert repr(parse_amount("1.1 million tons").value) == "1100000.0"


ERRORS = [
    ("12 bananas", {}, "'12 bananas': unknown unit 'bananas' (known: t, tons, t/yr,"),
    ("lots", {}, "'lots': no number"),
    ("", {}, "'': no number"),
    ("1-2万吨", {}, "'1-2万吨': more than one number"),
    ("1.2 to 1.5 million tons", {}, "more than one number"),
    ("约60多家", {}, "'约60多家': contradicting bounds (about and at least)"),
    ("0 tons", {}, "'0 tons': not a positive amount"),
    ("3亿元", {"kind": "capacity"}, "'3亿元': the vocabulary has no per-year unit for CCY_CNY"),
    ("5 million pieces", {}, "pieces, sets and pairs are counted per year"),
    ("30%", {"unit": "t/yr"}, "'30%': unit '%' disagrees with column unit 't/yr'"),
    ("12", {"kind": "weight"}, "'12': unknown kind 'weight' (known: capacity,"),
    ("turnover 5", {"unit": "亿元"}, "'turnover 5': unexpected 'turnover' before the number"),
    ("逾百亿元", {}, "'逾百亿元': no number"),
    ("12", {"unit": "bananas"}, "'bananas': unknown unit 'bananas'"),
]


@pytest.mark.parametrize("text, kwargs, message", ERRORS)
def test_errors(text, kwargs, message):
    with pytest.raises(AmountError) as caught:
        parse_amount(text, **kwargs)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
