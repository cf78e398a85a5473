"""How well a name a user types matches one label: words, place names, form words, a score.

Pure functions on strings; :mod:`kg.lookup.names` reads the labels from the graph and ranks
the entities. A name is first normalised (:func:`normalise`), then cut into words
(:func:`name_words`), each of one of three classes:

- ``place``: a place name the graph knows (the preferred labels of its countries, provinces,
  cities, counties and regions, without an administrative suffix such as 市, 县, 区, 省, "City"
  or "County"; a suffix right after a place name is dropped with it);
- ``form``: a word naming a legal form, "group", "集团", "holding(s)", "控股" ("Co., Ltd." and
  "有限公司" are already gone);
- ``name``: every other word. Chinese has no spaces: a run of characters between the place
  names and form words found in it is one word.

Place names and form words are *qualifiers*: they count :data:`QUALIFIER_WEIGHT` of a word,
and when a name has other words, they cannot make a match by themselves ("中国宏桥" does not
match the country China, "CNFA" is not a misspelt "China").

>>> normalise("Shandong innovation Metal Technology Co., Ltd.")
'shandong innovation metal technology'
>>> name_words("中国忠旺", {"中国"})
[('中国', 'place'), ('忠旺', 'name')]
>>> name_words("Binzhou City Weiqiao Group", {"binzhou"})
[('binzhou', 'place'), ('weiqiao', 'name'), ('group', 'form')]
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

EXACT_SCORE = 1.0
"""The score of an exact match: the name equals a label (preferred, alternative or hidden) after
:func:`normalise`, or after removing spaces, or, for a place, after dropping an administrative
suffix from both (邹平市 = 邹平, "Zouping City" = "Zouping")."""

STRONG_SCORE = 0.8
"""The least score of a strong match: every word of the name is a word of the label (Chinese:
inside a word of the label), spelt the same. Strong matches score
``STRONG_SCORE + STRONG_SPAN * similarity``; :func:`kg.lookup.names.resolve` takes a name that
has no exact match but exactly one strong one to mean that entity."""

STRONG_SPAN = 0.15
"""How far strong matches spread above :data:`STRONG_SCORE`: 0.95 when the label has nothing
the name lacks."""

WEAK_SCALE = 0.8
"""Weak matches (some word of the name missing from the label, or only misspelt there) score
``WEAK_SCALE * similarity``, always below :data:`STRONG_SCORE`. They are listed, best first, and
suggested when a name resolves to nothing, but never taken to mean an entity."""

MIN_SIMILARITY = 0.5
"""The least similarity of a weak match that is listed: the matched words must weigh at least
half of all the words of the name and the label (so a weak score is at least 0.4)."""

MIN_COVERED = 0.5
"""A weak match covers more than this share of the name (by weight): "Zeta Rolling Mill" is not
"rolling" (one word of three), nor "Acme Aluminum" "Yaming Aluminum" (one of two); "China
Zhongwang" may be "Zhongwang Group" (1 of 1.5)."""

QUALIFIER_WEIGHT = 0.5
"""What a place name or a form word weighs, against 1 for any other word. "China Zhongwang"
against "Zhongwang Group" and against "Yingkou Zhongwang" then ties (each lacks one
qualifier of the other), and the group comes first (kinds break ties)."""

WORD_SIMILARITY = 0.8
"""Two words of Latin script are the same word misspelt when difflib's ratio reaches this
("aluminum"/"aluminium" 0.94; "cnfa"/"china" 0.67 is not). Such a word counts its ratio and
makes the match weak."""

MIN_COMMON_CHARACTERS = 2
"""Two Chinese words that are not one inside the other share a run of at least this many
characters to count (for the share of the name's word it covers); the match is then weak."""

ADMINISTRATIVE_SUFFIXES = ("省", "市", "县", "区")
"""Chinese administrative suffixes dropped after a place name."""

ADMINISTRATIVE_WORDS = frozenset({"province", "city", "county", "district"})
"""English administrative words dropped after a place name."""

FORM_WORDS = frozenset({"group", "holding", "holdings", "集团", "控股"})
"""Words that name a legal form; they qualify a name (weight :data:`QUALIFIER_WEIGHT`)."""

STOP_WORDS = frozenset({"and", "of", "the"})
"""English words that carry no name and are skipped."""

SPELLINGS = {"aluminum": "aluminium"}
"""Words spelt two ways that are one word ("Yingkou Zhongwang Aluminium" is strong for "Yingkou
Zhongwang Aluminum"); the articles use both."""

NAME, PLACE, FORM = "name", "place", "form"

# Longest first, so "company limited" goes before "limited".
_SUFFIXES = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "company limited",
    "co ltd",
    "corporation",
    "company",
    "limited",
    "corp",
    "ltd",
    "inc",
    "co",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_PIECES = re.compile(f"[{_CJK}]+|[^\\s{_CJK}]+")
_CJK_CHARACTER = re.compile(f"[{_CJK}]")
_CJK_FORMS = sorted((w for w in FORM_WORDS if not w.isascii()), key=len, reverse=True)


class _PunctuationTable(dict):
    """str.translate table: punctuation, symbols and separators (Unicode P, S, Z) become
    spaces; filled one character at a time as texts need them."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = self[code] = " " if unicodedata.category(ch)[0] in "PSZ" else ch
        return value


_SPACE_FOR_PUNCTUATION = _PunctuationTable()


def normalise(name: str) -> str:
    """Fold case, drop punctuation and company suffixes, collapse spaces.

    >>> normalise("山东创新金属科技有限公司"), normalise("Taco")
    ('山东创新金属科技', 'taco')
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.translate(_SPACE_FOR_PUNCTUATION)
    text = re.sub(r"\s+", " ", text).strip()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and text != suffix:
                before = text[: -len(suffix)]
                if suffix.isascii() and before and not before.endswith(" "):
                    continue  # "taco" is not "ta" + "co"
                text = before.strip()
                changed = True
    return text


def without_administrative_suffix(norm: str) -> str:
    """A normalised place name without its administrative suffix (kept when too little would
    remain: 2 Chinese characters or one English word).

    >>> [without_administrative_suffix(n) for n in ["邹平市", "濉溪县", "沙市", "zouping county", "city"]]
    ['邹平', '濉溪', '沙市', 'zouping', 'city']
    """
    if norm and _is_cjk(norm[-1]):
        return norm[:-1] if norm.endswith(ADMINISTRATIVE_SUFFIXES) and len(norm) >= 3 else norm
    words = norm.split(" ")
    return " ".join(words[:-1]) if len(words) >= 2 and words[-1] in ADMINISTRATIVE_WORDS else norm


class Places:
    """The place names words are classed against: normalised, without administrative suffix."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = frozenset(n for n in (without_administrative_suffix(normalise(x)) for x in names) if n)
        self.most_words = max((n.count(" ") + 1 for n in self.names if n.isascii()), default=0)
        self.most_chars = max((len(n) for n in self.names if not n.isascii()), default=0)

    def __contains__(self, norm: str) -> bool:
        return norm in self.names


def name_words(text: str, places: Places | Iterable[str] = ()) -> list[tuple[str, str]]:
    """The words of a name as ``(word, class)`` pairs, class ``name``, ``place`` or ``form``
    (see the module's docstring); ``places``: the place names (any iterable is made a :class:`Places`).

    >>> name_words("邹平市铝业集团", {"邹平"})
    [('邹平', 'place'), ('铝业', 'name'), ('集团', 'form')]
    >>> name_words("University of Science and Technology Beijing")
    [('university', 'name'), ('science', 'name'), ('technology', 'name'), ('beijing', 'name')]
    """
    if not isinstance(places, Places):
        places = Places(places)
    return _words(normalise(text), places)


def _words(norm: str, places: Places) -> list[tuple[str, str]]:
    """:func:`name_words` of a name already normalised."""
    out: list[tuple[str, str]] = []
    latin: list[str] = []
    for piece in _PIECES.findall(norm):
        if _is_cjk(piece[0]):
            out += _latin_words(latin, places)
            latin = []
            out += _chinese_words(piece, places)
        else:
            latin.append(piece)
    return out + _latin_words(latin, places)


def _latin_words(words: list[str], places: Places) -> list[tuple[str, str]]:
    out = []
    i = 0
    while i < len(words):
        for n in range(min(places.most_words, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in places:
                out.append((phrase, PLACE))
                i += n
                if i < len(words) and words[i] in ADMINISTRATIVE_WORDS:
                    i += 1
                break
        else:
            word = words[i]
            i += 1
            if word not in STOP_WORDS:
                word = SPELLINGS.get(word, word)
                out.append((word, FORM if word in FORM_WORDS else NAME))
    return out


def _chinese_words(run: str, places: Places) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    start = i = 0
    while i < len(run):
        hit = next((run[i : i + n] for n in range(min(places.most_chars, len(run) - i), 1, -1)
                    if run[i : i + n] in places), None)
        kind = PLACE
        if hit is None:
            hit, kind = next((f for f in _CJK_FORMS if run.startswith(f, i)), None), FORM
        if hit is None:  # part of a name word
            i += 1
            continue
        if start < i:
            out.append((run[start:i], NAME))
        out.append((hit, kind))
        i += len(hit)
        if kind == PLACE and i < len(run) and run[i] in ADMINISTRATIVE_SUFFIXES:
            i += 1
        start = i
    if start < len(run):
        out.append((run[start:], NAME))
    return out


def _is_cjk(ch: str) -> bool:
    return ch >= "\u3400" and _CJK_CHARACTER.match(ch) is not None


def _weight(kind: str) -> float:
    return 1.0 if kind == NAME else QUALIFIER_WEIGHT


class Comparer:
    """Scores labels against one name; remembers the words of each label it has seen.

    >>> c = Comparer("China Zhongwang", Places(["China", "Yingkou"]))
    >>> c.score("Zhongwang Group"), c.score("Yingkou Zhongwang"), c.score("Liaoning Zhongwang Group")
    (0.533, 0.533, 0.4)
    >>> Comparer("中国宏桥", Places(["中国"])).score("中国", place=True)
    0.0
    >>> Comparer("邹平市", Places(["邹平"])).score("邹平", place=True)
    1.0
    """

    def __init__(self, name: str, places: Places):
        self.norm = normalise(name)
        self.places = places
        self.words = _words(self.norm, places)
        # the words that must match for any match: the name's own words, else (a name of places
        # and forms only, "邹平市", "Shandong") all of them
        has_name = any(k == NAME for _, k in self.words)
        self._must = [k == NAME or not has_name for _, k in self.words]
        self._label_words: dict[str, list[tuple[str, str]]] = {}
        self._ratios: dict[tuple[str, str], float] = {}

    def score(self, label: str, *, place: bool = False) -> float:
        """The score of ``label`` (see the constants of this module), rounded to 3 places; 0.0
        when it does not match. ``place``: the label names a place (its administrative suffix
        then does not count)."""
        norm = normalise(label)
        if not norm or not self.norm:
            return 0.0
        if norm == self.norm or norm.replace(" ", "") == self.norm.replace(" ", ""):
            return EXACT_SCORE
        if place:  # 邹平市 = 邹平 and "Zouping City" = "Zouping", but "Metal County" is not "Metal City"
            bare, typed = without_administrative_suffix(norm), without_administrative_suffix(self.norm)
            if bare in self.places and bare == typed and (bare == norm or typed == self.norm):
                return EXACT_SCORE
        if not self._may_match(norm):
            return 0.0
        words = self._label_words.get(norm)
        if words is None:
            words = self._label_words[norm] = _words(norm, self.places)
        similarity, covered, strong = self._compare(words)
        if strong:
            return round(STRONG_SCORE + STRONG_SPAN * similarity, 3)
        if similarity >= MIN_SIMILARITY - 1e-9 and covered > MIN_COVERED + 1e-9:
            return round(WEAK_SCALE * similarity, 3)
        return 0.0

    def _may_match(self, norm: str) -> bool:
        """Whether a word that must match may match a word of the normalised label: a quick
        test before the label is cut into words (never False for a label that matches)."""
        pieces = None
        for (word, _), must in zip(self.words, self._must):
            if not must:
                continue
            if word in norm:
                return True
            if _is_cjk(word[0]):
                if any(word[k : k + 2] in norm for k in range(len(word) - 1)):
                    return True
                continue
            if pieces is None:
                pieces = [SPELLINGS.get(p, p) for p in _PIECES.findall(norm)]
            if any(self._ratio(word, p) >= WORD_SIMILARITY for p in pieces):
                return True
        return False

    def _compare(self, label: list[tuple[str, str]]) -> tuple[float, float, bool]:
        """(similarity, covered, strong): similarity = weight of the matched words of both sides
        over the weight of all words of both (0 when no word that must match does), covered =
        the matched share of the name's weight, strong = every word of the name found as is."""
        label = list(label)
        used = [False] * len(label)
        query, must = self.words, self._must
        matched_query = matched_label = 0.0
        strong, hit = True, False
        for i in sorted(range(len(query)), key=lambda i: query[i][1] != NAME):
            word, kind = query[i]
            best = None  # (credit in the name, exact word?, credit in the label, label position)
            for j, (other, _) in enumerate(label):
                if used[j]:
                    continue
                candidate = self._credit(word, other)
                if candidate and (best is None or candidate > best[:3]):
                    best = (*candidate, j)
            if best is None:
                strong = False
                continue
            credit, _, label_credit, j = best
            other, other_kind = label[j]
            if credit == 1.0 and other != word and _is_cjk(word[0]):  # inside a longer Chinese word
                at = other.index(word)
                pieces = [(other[:at], NAME), (word, other_kind), (other[at + len(word):], NAME)]
                flags = [False, True, False]
                keep = [k for k, (text, _) in enumerate(pieces) if text]
                label[j : j + 1] = [pieces[k] for k in keep]
                used[j : j + 1] = [flags[k] for k in keep]
            else:
                used[j] = True
            matched_query += _weight(kind) * credit
            matched_label += _weight(other_kind) * label_credit
            strong = strong and credit == 1.0
            hit = hit or must[i]
        if not hit:
            return 0.0, 0.0, False
        name_weight = sum(_weight(k) for _, k in query)
        total = name_weight + sum(_weight(k) for _, k in label)
        return (matched_query + matched_label) / total, matched_query / name_weight, strong

    def _credit(self, word: str, other: str) -> tuple[float, bool, float] | None:
        if word == other:
            return 1.0, True, 1.0
        cjk, other_cjk = _is_cjk(word[0]), _is_cjk(other[0])
        if cjk and other_cjk:
            if word in other:
                return 1.0, False, 1.0
            if not set(word) & set(other):
                return None
            size = difflib.SequenceMatcher(None, word, other, autojunk=False).find_longest_match(
                0, len(word), 0, len(other)).size
            return (size / len(word), False, size / len(other)) if size >= MIN_COMMON_CHARACTERS else None
        if cjk or other_cjk:
            return None
        ratio = self._ratio(word, other)
        return (ratio, False, ratio) if ratio >= WORD_SIMILARITY else None

    def _ratio(self, word: str, other: str) -> float:
        """difflib's ratio of two words, 0.0 when it cannot reach :data:`WORD_SIMILARITY`."""
        ratio = self._ratios.get((word, other))
        if ratio is None:
            m = difflib.SequenceMatcher(None, word, other, autojunk=False)
            ratio = 0.0
            if m.real_quick_ratio() >= WORD_SIMILARITY and m.quick_ratio() >= WORD_SIMILARITY:
                ratio = m.ratio()
            self._ratios[(word, other)] = ratio
        return ratio
