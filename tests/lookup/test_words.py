"""kg.lookup.words: the words of a name and the score of one label, worked out by hand."""

import pytest

from kg.lookup.words import (
    EXACT_SCORE,
    MIN_COVERED,
    STRONG_SCORE,
    Comparer,
    Places,
    name_words,
    without_administrative_suffix,
)

PLACES = Places(["China", "中国", "Yingkou", "营口市", "邹平", "Hai’an City", "Anhui Province"])


def score(name, label, place=False):
    return Comparer(name, PLACES).score(label, place=place)


def test_places_are_kept_without_their_suffix():
    assert PLACES.names == {"china", "中国", "yingkou", "营口", "邹平", "hai an", "anhui"}
    assert (PLACES.most_words, PLACES.most_chars) == (2, 2)


@pytest.mark.parametrize("text,words", [
    ("中国忠旺", [("中国", "place"), ("忠旺", "name")]),
    ("营口市忠旺铝业集团有限公司", [("营口", "place"), ("忠旺铝业", "name"), ("集团", "form")]),
    ("Hai'an City Zhongnan Holdings", [("hai an", "place"), ("zhongnan", "name"), ("holdings", "form")]),
    ("Anhui Province", [("anhui", "place")]),
    ("Aluminum City", [("aluminium", "name"), ("city", "name")]),  # "city" after no place is a word
    ("The Bank of China", [("bank", "name"), ("china", "place")]),
    ("zhongwang集团", [("zhongwang", "name"), ("集团", "form")]),
])
def test_name_words(text, words):
    assert name_words(text, PLACES) == words


def test_suffix_kept_when_too_little_would_remain():
    assert [without_administrative_suffix(n) for n in ["沙市", "市", "city", "anhui province"]] == [
        "沙市", "市", "city", "anhui"]


@pytest.mark.parametrize("name,label,place,expected", [
    ("Rong Chuang", "Rongchuang", False, EXACT_SCORE),  # spaces do not count
    ("营口", "营口市", True, EXACT_SCORE),
    ("营口", "营口市", False, 0.95),  # not a place: the suffix goes with the place word, nothing else
    ("中国", "中国宏桥", False, 0.875),  # a name of places only must match them: strong, 0.8 + 0.15 * 1/2
    ("中国宏桥", "中国", True, 0.0),
    ("CNFA", "China", True, 0.0),
    # yingkou (0.5) of 0.5 against 1 + 0.5 + 1 + 1 + 1: 0.8 + 0.15 * (0.5 + 0.5) / (0.5 + 4.5)
    ("Yingkou", "Zhongwang (Yingkou) High Precision Aluminum", False, 0.83),
    # 忠旺铝业 and 辽宁忠旺 share 忠旺 (half of each), 集团 matches: (1 + 1) / (1.5 + 1.5) -> weak 0.533
    ("忠旺铝业集团", "辽宁忠旺集团", False, 0.533),
    ("宏桥集团", "大石桥集团", False, 0.0),  # one character in common is nothing: 集团 alone is no match
    # aluminim ~ aluminium 16/17: (2 * (1 + 16/17)) / 4 -> weak 0.776
    ("Acme Aluminim", "Acme Aluminium", False, 0.776),
])
def test_scores(name, label, place, expected):
    assert score(name, label, place) == expected


def test_weak_matches_must_cover_more_than_half_of_the_name():
    # "Zeta Rolling Mill" / "Rolling": 2/4 similar but 1 of 3 words covered; "Acme Foil" / "Acme": half
    assert MIN_COVERED == 0.5
    assert score("Zeta Rolling Mill", "Rolling") == 0.0
    assert score("Acme Foil", "Acme") == 0.0
    assert score("Acme Foil Works", "Acme Foil") == 0.64  # 2 of 3: (2 + 2) / 5 -> 0.8 * 0.8
    assert score("Acme Foil Works", "Acme Foil") < STRONG_SCORE
