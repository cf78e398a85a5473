"""Tables that fit a width by wrapping cells (kg.render.table), and the one wording of numbers,
percentages and shares (kg.render.text). Expected strings worked out by hand."""

from __future__ import annotations

import json

from kg.render.table import Percent, Quantity, column_widths, render, wrap
from kg.render.text import pct, quantity, share_text, volume_text
from kg.utils.text import format_number

ROWS = [
    {"rank": 1, "name": "Alpha Alumina", "quote": "Alpha supplies all the alumina Beta smelts."},
    {"rank": 2, "name": "Beta", "quote": "no quote"},
]


def test_three_columns_wrap_at_width_40():
    # natural widths: rank 4 (header), name 13, quote 43 -> 60 + 2 gaps of 2 > 40: room 36.
    # floors (longest word): 4, 7 ("Alumina"), 8 ("supplies"); the largest common cap c with
    # 4 + min(13, c) + min(43, c) <= 36 is c = 19 -> widths 4, 13, 19 (36, nothing spare).
    # "Alpha supplies all" is 18 (+ " the" = 22 > 19); "the alumina Beta" 16 (+ " smelts." = 24).
    assert render(ROWS, "table", ["rank", "name", "quote"], width=40) == (
        "rank  name           quote\n"
        "----  -------------  -------------------\n"
        "1     Alpha Alumina  Alpha supplies all\n"
        "                     the alumina Beta\n"
        "                     smelts.\n"
        "\n"
        "2     Beta           no quote\n"
    )


def test_a_table_that_fits_is_not_wrapped():
    assert render(ROWS, "table", ["rank", "name", "quote"], width=80) == (
        "rank  name           quote\n"
        "----  -------------  -------------------------------------------\n"
        "1     Alpha Alumina  Alpha supplies all the alumina Beta smelts.\n"
        "2     Beta           no quote\n"
    )


def test_headers_wrap_when_the_table_is_too_wide():
    # natural with the full header: 16 + 2 + 30 = 48 > 30; a header may wrap, so its longest
    # word counts: "dominated" 9, cells "62" -> 9; text 30 -> room 30 - 2 = 28: cap 19 -> 9, 19.
    assert column_widths(["dominated weight", "text"], [["62", "x" * 10 + " " + "y" * 19]], 30) == [9, 19]


def test_wide_characters_count_two_columns():
    # 魏桥创业集团 is 6 wide characters = 12 columns: at 8 columns, 4 characters a line
    assert wrap("魏桥创业集团", 8) == ["魏桥创业", "集团"]
    table = render([{"n": "魏桥", "m": "x"}], "table", ["n", "m"], width=40)
    assert table.splitlines()[1] == "----  -"  # 魏桥 is 4 columns wide


def test_lines_break_after_hyphens_in_long_words():
    assert wrap("ckr:cohort-binzhou-weiqiao-derived", 12) == ["ckr:cohort-", "binzhou-", "weiqiao-", "derived"]


def test_csv_and_json_keep_full_text_and_precision():
    long_quote = "word " * 60
    rows = [{"esri": Percent(0.15555555555, 2), "capacity": Quantity(250000, "t/yr"), "quote": long_quote}]
    columns = ["esri", "capacity", "quote"]
    assert render(rows, "csv", columns) == f"esri,capacity,quote\n0.15555555555,250000,{long_quote}\n"
    assert json.loads(render(rows, "json", columns)) == [
        {"esri": 0.15555555555, "capacity": 250000.0, "quote": long_quote}]
    table = render(rows, "table", columns, width=60)
    assert table.splitlines()[2].startswith("15.56 %  250,000 t/yr  word word")
    assert table.count("word") == 60  # wrapped, nothing cut


def test_numbers_have_thousands_separators_and_units():
    assert quantity(30400000000, "http://qudt.org/vocab/unit/CCY_CNY") == "30,400,000,000 yuan"
    assert quantity(500, "http://qudt.org/vocab/unit/TONNE") == "500 t"
    assert quantity(1200000.0, "http://qudt.org/vocab/unit/TONNE-PER-YR") == "1,200,000 t/yr"
    assert volume_text({"volume": 500, "volume_unit": "http://qudt.org/vocab/unit/TONNE"}) == "500 t"
    assert format_number(1234.5) == "1,234.5"
    assert format_number(0.1234567) == "0.123457"  # six significant digits
    assert render([{"v": 2000000.0}], "table", ["v"]) == "v\n---------\n2,000,000\n"


def test_percentages_have_one_style():
    assert pct(0.155556) == "15.6 %"
    assert pct(0.155556, 2) == "15.56 %"  # ESRI
    assert render([{"esri": Percent(0.155556, 2)}], "table", ["esri"]) == "esri\n-------\n15.56 %\n"


def test_one_share_wording():
    assert share_text({"share": 0.4}) == "40.0 % (stated)"
    assert share_text({"share": 1.0, "share_wording": "all"}) == "100.0 % (stated: “all”)"
    assert share_text({"share": None, "share_wording": "basically"}) == "not stated (“basically”)"
    assert share_text({"share": None, "assumed_share": 0.25}) == "not stated; 25.0 % assumed"
    assert share_text({"share": None}) == "not stated"
