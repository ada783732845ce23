"""Numbers, article references and dates in the six UN languages, reduced to comparable values.

A translation must carry the same numbers as its source, but they are written differently in
each language: "Article 16.3" is "paragraphe 3 de l'article 16", "第十六条第3款", "пункт 3
статьи 16" or "الفقرة 3 من المادة 16"; "12 September 2023" is "2023年9月12日" or "12 أيلول/سبتمبر
2023"; "1987-91" is "de 1987 à 1991". Each text is reduced to the multiset of integer values it
cites (digits of every script, Chinese numerals in article and date positions, month names from
Babel's CLDR data next to a day or a year), so that the order and the wording do not matter and
a changed number does.

This is the one reader of numbers in untm: the aligner's anchors (tm/anchors.py) take their
digits, Chinese numerals and month names from here too.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "CN_CHARS",
    "Number",
    "NumberDiff",
    "ascii_digits",
    "by_value",
    "chinese_number",
    "compare",
    "digit_numbers",
    "extract",
    "month_names",
    "numeral_value",
    "values",
]

# Arabic month names differ by region (سبتمبر in Egypt, أيلول in the Levant and Iraq); UN
# Arabic writes both, "أيلول/سبتمبر", so every regional set is known.
_LOCALES: tuple[str, ...] = ("en", "fr", "es", "ru", "ar", "ar_SY", "ar_IQ", "ar_MA", "ar_TN", "zh")

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
# A numeral of more characters is no number a text cites (an article, a year, an amount),
# and its value could not be printed: Python refuses ints of over 4,300 digits.
_MAX_NUMERAL = 20
#: Every character of a Chinese numeral (digits and units), for character classes.
CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_CN = CN_CHARS.replace("万", "")  # articles, days, months and years are written without 万

# A run of digits with thousands groups (1,000 / 1 000 / 1.000 / 1'000 / ٣٬٥٠٠) is one number;
# digits that do not group by three ("2023 150 people") are separate numbers.
_GROUP_SEP = regex.compile(r"[,.\u00a0\u202f\u2009\u066c '\u2019]")
_NUMBER = regex.compile(rf"(?<!\d)\d{{1,3}}(?:{_GROUP_SEP.pattern}\d{{3}})+(?!\d)|\d+")
_YEAR_RANGE = regex.compile(r"(?<![\d])(\d{4})\s*[-\u2010-\u2015/]\s*(\d{2})(?![\d])")
# Chinese numerals where they cite something: 第十六条, 第三款, 十二日, 九月, 二〇二三年.
# "第一议定书" is Protocol No. 1, but "第一任择议定书" the First Optional Protocol (no number).
_CN_CITED = regex.compile(
    rf"(?:第([{_CN}]+)(?=[条款项段章节]|号|议定书)|([{_CN}]+)(?=[月日])"
    rf"|([〇零一二三四五六七八九]{{4}})(?=年))"
)
# Sub-paragraph numbers: "(i)" and "i)" in Latin and Cyrillic text, ㈠ in Chinese, ’1‘ in
# Arabic (plain digits); the roman and the parenthesised forms are counted as their value.
_ROMAN_ITEM = regex.compile(r"(?:\(|(?<=[\s\u00a0]))([ivx]{1,5})\)")
_PAREN_IDEOGRAPH = regex.compile(r"[\u3220-\u3229]")
_ROMAN = {"i": 1, "v": 5, "x": 10}
_ROMAN_FORMS = {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii"}
_ROMAN_FORMS |= {9: "ix", 10: "x", 11: "xi", 12: "xii", 13: "xiii", 14: "xiv", 15: "xv"}
_FIRST_ARTICLE = regex.compile(r"\b(?:article|artículo)\s+(?:premier|primero)\b", regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Number:
    """One cited number: its value (an integer as text), its span in the text, and what it is."""

    value: str
    start: int
    end: int
    kind: str = "number"


@dataclass(frozen=True, slots=True)
class NumberDiff:
    """Values cited on one side only (each listed as often as it is missing on the other)."""

    missing: tuple[str, ...]
    extra: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra)


_OTHER_DIGIT = regex.compile(r"[\p{Nd}--[0-9]]", regex.VERSION1)


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (Arabic-Indic, full-width, ...) mapped to ASCII, same length.

    >>> ascii_digits("المادة ٢٦")
    'المادة 26'
    """
    if text.isascii():
        return text
    others = set(_OTHER_DIGIT.findall(text))
    if not others:
        return text
    return text.translate({ord(char): str(unicodedata.decimal(char)) for char in others})


def digit_numbers(text: str) -> list[Number]:
    """The numbers written in digits (any script): thousands groups joined, a year range
    completed ("1987-91" is 1987 and 1991, kind ``year``).

    >>> [n.value for n in digit_numbers("3,500 people in 1987-91 (A/78/367)")]
    ['1987', '1991', '3500', '78', '367']
    """
    text = ascii_digits(text)
    found: list[Number] = []
    taken: list[tuple[int, int]] = []
    for match in _YEAR_RANGE.finditer(text):
        first, last = match.group(1), match.group(2)
        if int(last) > int(first[2:]):
            found.append(Number(first, match.start(1), match.end(1), "year"))
            found.append(Number(first[:2] + last, match.start(2), match.end(2), "year"))
            taken.append(match.span())
    for match in _NUMBER.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            value = _GROUP_SEP.sub("", match.group()).lstrip("0") or "0"  # str(int()), any length
            found.append(Number(value, match.start(), match.end()))
    return found


def _roman_value(numeral: str) -> int | None:
    """The value of a small lower-case roman numeral, or None if it is not one (``"iix"``)."""
    total = 0
    for i, char in enumerate(numeral):
        value = _ROMAN[char]
        if i + 1 < len(numeral) and _ROMAN[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if _ROMAN_FORMS.get(total) == numeral else None


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral: ``二十六`` -> 26, ``一九四八`` -> 1948, ``十`` -> 10.

    >>> chinese_number("二十六"), chinese_number("一九四八"), chinese_number("一百零五")
    (26, 1948, 105)
    """
    if not text or len(text) > _MAX_NUMERAL:
        return None
    if any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):  # digit by digit, as in years
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + section + (digit or 0)


def numeral_value(text: str) -> int | None:
    """The value of a numeral in digits of any script or in Chinese characters, else None
    (and for one of more than :data:`_MAX_NUMERAL` characters)."""
    if len(text) > _MAX_NUMERAL:
        return None
    return int(text) if text.isdecimal() else chinese_number(text)


def by_value(value: str) -> tuple[int, str]:
    """Sort key of number values (digits without leading zeros) in numeric order, however
    long (Python refuses to convert strings of over 4,300 digits to int)."""
    return len(value), value


def month_names(locale: Locale, *, abbreviated: bool = False) -> dict[str, int]:
    """The CLDR month names of ``locale`` (format and stand-alone), case-folded -> 1 to 12."""
    widths = ("wide", "abbreviated") if abbreviated else ("wide",)
    return {
        str(name).casefold(): number
        for context in ("format", "stand-alone")
        for width in widths
        for number, name in locale.months[context][width].items()
    }


@cache
def _month_table() -> dict[str, int]:
    """Month names (wide and abbreviated, format and stand-alone) of the six languages,
    case-folded and without a final dot -> 1 to 12."""
    from babel import Locale

    names: dict[str, int] = {}
    for code in _LOCALES:
        for name, number in month_names(Locale.parse(code), abbreviated=True).items():
            name = name.rstrip(".")
            if len(name) >= 3 and not any(ch.isdigit() for ch in name):
                names[name] = number
    return names


@cache
def _month_pattern() -> regex.Pattern[str]:
    """A month name of the six languages standing beside a day or a year."""
    names = _month_table()
    alternatives = "|".join(sorted(map(regex.escape, names), key=len, reverse=True))
    month = rf"(?:{alternatives})\.?(?:\s*/\s*(?:{alternatives})\.?)?"
    # A month name counts only beside a day or a year: "12 September", "septembre 2023",
    # "12 de septiembre de 2023", "12 أيلول/سبتمبر 2023", "September 12, 2023".
    return regex.compile(
        rf"(?:(?<=\d\s{{0,3}}(?:de\s+)?)\b(?P<m>{month})\b|\b(?P<m>{month})(?=\s*(?:de\s+)?\d))",
        regex.IGNORECASE | regex.VERSION1,
    )


def _month_value(name: str) -> int | None:
    first = regex.split(r"\s*/\s*", name.casefold())[0].rstrip(".")
    return _month_table().get(first)


def extract(text: str) -> list[Number]:
    """Every number ``text`` cites, in order of position.

    >>> [n.value for n in extract("Article 16.3 of the Declaration, 12 September 2023")]
    ['16', '3', '12', '9', '2023']
    >>> [n.value for n in extract("第十六条第3款")]
    ['16', '3']
    """
    text = ascii_digits(text)
    found = digit_numbers(text)
    # a month name counts only beside a day or a year, so a text without digits (none found)
    # has none: most texts never pay for building the month pattern
    months = list(_month_pattern().finditer(text)) if found else []
    for match in _CN_CITED.finditer(text):
        numeral = match.group(1) or match.group(2) or match.group(3)
        value = chinese_number(numeral)
        if value is not None:
            found.append(Number(str(value), match.start(), match.end(), "article"))
    for match in _ROMAN_ITEM.finditer(text):
        value = _roman_value(match.group(1))
        if value is not None:
            found.append(Number(str(value), match.start(), match.end(), "item"))
    for match in _PAREN_IDEOGRAPH.finditer(text):
        value = int(unicodedata.numeric(match.group()))
        found.append(Number(str(value), match.start(), match.end(), "item"))
    for match in _FIRST_ARTICLE.finditer(text):
        found.append(Number("1", match.start(), match.end(), "article"))
    for match in months:
        month = _month_value(match.group("m"))
        if month is not None:
            found.append(Number(str(month), match.start(), match.end(), "month"))
    found.sort(key=lambda n: (n.start, n.end))
    return found


def values(text: str) -> Counter[str]:
    """The multiset of values ``text`` cites."""
    return Counter(_values(text))


@lru_cache(maxsize=4096)
def _values(text: str) -> tuple[str, ...]:
    # A check sees each source text once per translation: remember the last few thousand.
    return tuple(number.value for number in extract(text))


def compare(source: str | Iterable[str], target: str | Iterable[str]) -> NumberDiff:
    """Values cited in ``source`` but not ``target`` (missing) and the reverse (extra).

    Either side may be several texts (a bead's segments), counted together.

    >>> bool(compare("Article 16.3", "paragraphe 3 de l'article 16"))
    False
    >>> compare("Article 26", "l'article 27")
    NumberDiff(missing=('26',), extra=('27',))
    """
    src = values(source) if isinstance(source, str) else sum(map(values, source), Counter())
    tgt = values(target) if isinstance(target, str) else sum(map(values, target), Counter())
    missing = tuple(sorted((src - tgt).elements(), key=by_value))
    extra = tuple(sorted((tgt - src).elements(), key=by_value))
    return NumberDiff(missing, extra)
