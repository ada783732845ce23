"""Anchors: the parts of a sentence that survive translation, as language-neutral keys.

The aligner (tm/align.py) compares the anchor keys of two candidate segments: a number, a month,
a country, an article reference, a document symbol or a glossary concept found on both sides
is evidence that the segments translate each other. Keys are plain strings such as ``n:26``
(the number 26), ``m:9`` (September), ``c:AZ`` (Azerbaijan), ``a:26`` (article 26),
``s:A/78/367`` (a document symbol), ``g:<concept id>`` (a glossary concept). Weak keys
(punctuation signatures, shared word prefixes between languages of one script) count less.

Country names and month names come from the CLDR data shipped with Babel, in every language
Babel knows; numbers (digits of every script, Chinese numerals) are read by tm/numbers.py.

>>> sorted(Anchorer("en").anchors("Article 26 of the Covenant, 10 August 2023 (Armenia)").strong)
['a:26', 'c:AM', 'm:8', 'n:10', 'n:2023', 'n:26']
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal, Protocol

import ahocorasick
import regex
from babel import Locale, UnknownLocaleError

from tm.lang import base
from tm.numbers import CN_CHARS, chinese_number, digit_numbers, month_names, numeral_value

if TYPE_CHECKING:
    from tm.models import TermHit

__all__ = ["Anchorer", "Anchors", "Recogniser", "script_of"]


class Recogniser(Protocol):
    """What the anchors need from a glossary: ``tm.terms.Glossary``, or a cache in front of it."""

    def find(self, text: str, lang: str) -> list[TermHit]:
        """Glossary terms in ``text``, sorted by start, non-overlapping."""
        ...


@dataclass(frozen=True, slots=True)
class Anchors:
    """The anchor keys of one text: ``strong`` ones (numbers, names) and ``weak`` ones."""

    strong: frozenset[str]
    weak: frozenset[str]


# --- numbers (read by tm/numbers.py) -----------------------------------------------------------

# Chinese numerals count only where they are plainly numbers: after 第 (ordinals: 第二十六条),
# before a counter of dates and articles (一九四八年, 十二月, 十日), or with a unit (二十六).
_CN_NUMBER = regex.compile(
    rf"(?<=第)[{CN_CHARS}]+|[{CN_CHARS}]+(?=[年月日条款项章节届次号])|[{CN_CHARS}]*[十百千万][{CN_CHARS}]*"
)

_CN_MONTH = regex.compile(rf"(?:\d+|[{CN_CHARS}]+)\s*月")


def _numbers(text: str, lang: str) -> set[str]:
    if lang in ("zh", "ja"):  # 8月 is August (a month key), not the number 8
        text = _CN_MONTH.sub(" ", text)
    keys = {f"n:{number.value}" for number in digit_numbers(text)}
    if lang in ("zh", "ja"):
        for match in _CN_NUMBER.finditer(text):
            value = chinese_number(match.group())
            if value is not None:
                keys.add(f"n:{value}")
    return keys


# --- article references, months, document symbols ----------------------------------------------

_ARTICLE_WORDS = {
    "en": r"articles?|art\.",
    "fr": r"articles?|art\.",
    "es": r"art[íi]culos?|art\.",
    "de": r"artikel|art\.",
    "it": r"articol[oi]|art\.",
    "pt": r"artigos?|art\.",
    "ru": r"стать[яиеюй]|ст\.",
    "ar": r"(?:ال|وال|بال|لل)?مادت?[ةيه]?(?:ان|ين)?",
}
_NUM = r"(\d+)"


@cache
def _article_pattern(lang: str) -> regex.Pattern[str] | None:
    if lang in ("zh", "ja"):
        return regex.compile(rf"第\s*(\d+|[{CN_CHARS}]+)\s*条")
    words = _ARTICLE_WORDS.get(lang)
    if words is None:
        return None
    return regex.compile(rf"(?i)\b(?:{words})\s*{_NUM}")


def _articles(text: str, lang: str) -> set[str]:
    pattern = _article_pattern(lang)
    if pattern is None:
        return set()
    keys = set()
    for match in pattern.finditer(text):
        value = numeral_value(match.group(1))
        if value is not None:
            keys.add(f"a:{value}")
    return keys


# UN document symbols: A/78/367, S/2023/712, A/RES/217 (III), E/CN.4/2023/L.5
_SYMBOL = regex.compile(r"\b[A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+")
# Latin-script tokens that no translation changes: acronyms and codes (COVID-19, UNESCO, ISO).
_CODE = regex.compile(r"\b[A-Z][A-Z0-9\-]*[A-Z0-9]\b")


def _symbols(text: str) -> set[str]:
    keys = {"s:" + m.group().rstrip(".") for m in _SYMBOL.finditer(text)}
    for match in _CODE.finditer(text):
        token = match.group()
        if sum(ch.isupper() for ch in token) >= 2:
            keys.add("t:" + token)
    return keys


def _cldr(lang: str) -> list[Locale]:
    """The Babel locales holding CLDR names for ``lang`` (Arabic adds Levantine month names)."""
    names = {"ar": ["ar", "ar_SY"], "zh": ["zh_Hans"]}.get(lang, [lang])
    locales = []
    for name in names:
        try:
            locales.append(Locale.parse(name))
        except (UnknownLocaleError, ValueError):
            continue
    return locales


_CASELESS = ("zh", "ja", "ko", "ar", "fa", "he", "th")


def _word_start(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalpha()


def _stem(name: str, lang: str) -> str:
    """Drop one final vowel so ``Армения`` also finds ``Армении``, ``Armenia`` ``Armenian``."""
    if lang not in _CASELESS and len(name) >= 6 and name[-1] in "aeiouyаяеиоуыьйё":
        return name[:-1]
    return name


_What = Literal["countries", "months"]


@cache
def _automaton(lang: str, what: _What) -> ahocorasick.Automaton | None:
    """An Aho-Corasick automaton of CLDR names (``what``: countries or months) -> keys."""
    automaton = ahocorasick.Automaton()
    found = False
    for locale in _cldr(lang):
        if what == "countries":
            pairs = [
                (name, f"c:{code}")
                for code, name in locale.territories.items()
                if code.isalpha() and len(name) >= 2
            ]
        else:
            pairs = [
                (name, f"m:{number}")
                for name, number in month_names(locale).items()
                if len(name) >= 3
            ]
        for name, key in pairs:
            folded = _stem(name.casefold(), lang)
            if folded not in automaton:
                automaton.add_word(folded, (len(folded), key))
                found = True
    if not found:
        return None
    automaton.make_automaton()
    return automaton


def _names(text: str, lang: str, what: _What) -> set[str]:
    automaton = _automaton(lang, what)
    if automaton is None:
        return set()
    folded = text.casefold()
    keys = set()
    whole_words = lang not in _CASELESS
    for end, (length, key) in automaton.iter_long(folded):
        start = end - length + 1
        if whole_words and not _word_start(folded, start):
            continue
        if what == "months" and lang == "en" and not text[start].isupper():
            continue  # "may" the verb is not May the month
        keys.add(key)
    if what == "months" and lang in ("zh", "ja"):
        for match in _CN_MONTH.finditer(text):
            value = numeral_value(match.group().rstrip("月 "))
            if value is not None and 1 <= value <= 12:
                keys.add(f"m:{value}")
    return keys


# --- weak keys: punctuation signatures and shared word prefixes --------------------------------

_PUNCT = (
    ("p:(", "(（"),
    ('p:"', '“”«»„"「」『』'),
    ("p::", ":："),
    ("p:?", "?？؟"),
    ("p:!", "!！"),
    ("p:…", ("…", "...", "⋯")),  # ellipses and dashes survive literary translation
    ("p:—", ("—", "--")),
)
_LIST_MARK = regex.compile(r"^\s*(?:[(（]?(?:\p{L}|\d+|[ivxlc]+)[)）.]|[•·\-–—*])\s")
_WORD = regex.compile(r"\p{L}{5,}")


def script_of(text: str) -> str | None:
    """The dominant script of the letters in ``text``: LATIN, CYRILLIC, ARABIC, HAN, ... or None."""
    counts: dict[str, int] = {}
    for ch in text[:3_000]:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ")[0] if name else ""
            if script == "CJK":
                script = "HAN"
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda k: counts[k])


@lru_cache(maxsize=1 << 16)
def _prefix(word: str) -> str:
    """A word's cognate key: its first four letters, case and accents folded (made once per
    word: a document repeats its words)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))[:4]


class Anchorer:
    """Extracts anchor keys from texts in one language.

    Args:
        lang: the language of the texts (a BCP 47 tag).
        cognates: also emit weak keys for the first four letters of long words, which
            catch cognates (``Convention``/``Convención``) between languages of one script.
        glossary: recognise the glossary's terms and emit their concept ids.
    """

    def __init__(
        self, lang: str, *, cognates: bool = False, glossary: Recogniser | None = None
    ) -> None:
        self.lang = base(lang)
        self.cognates = cognates
        self.glossary = glossary

    def anchors(self, text: str) -> Anchors:
        """All anchor keys of ``text``."""
        lang = self.lang
        strong = _numbers(text, lang)
        strong |= _articles(text, lang)
        strong |= _symbols(text)
        strong |= _names(text, lang, "countries")
        strong |= _names(text, lang, "months")
        if self.glossary is not None:
            strong |= {f"g:{hit.concept}" for hit in self.glossary.find(text, lang)}
        weak = {key for key, marks in _PUNCT if any(mark in text for mark in marks)}
        if _LIST_MARK.match(text):
            weak.add("p:list")
        if self.cognates:
            weak |= {"w:" + _prefix(word) for word in _WORD.findall(text)}
        return Anchors(frozenset(strong), frozenset(weak))
