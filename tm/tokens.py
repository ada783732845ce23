"""Normalised tokens for fuzzy matching: words, punctuation and placeables.

A CAT tool's match percentage counts words, not characters, so text is cut into word tokens
(case-folded, NFKC-normalised), one token per punctuation mark, and one token per character of
unspaced scripts (Han, kana, Thai, ...): CAT tools count each ideogram as a word, and characters
measure better than the pieces of a sentencepiece model trained on the memory (recall, and
scores that grow with the size of the edit; see bench/zh_tokens_bench.py). Numbers, dates and UN
document symbols are *placeables*: they keep their value but match as a class (``<num>``,
``<date>``, ``<sym>``), so "Article 26" and "Article 3" differ only in a placeable; so does a
paragraph number or sub-paragraph letter that starts a segment (``<label>``, :mod:`tm.labels`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import regex
from babel import Locale, UnknownLocaleError

from tm.labels import label_span
from tm.numbers import month_names

__all__ = ["PLACEABLE_KINDS", "SPACED_WORD", "Token", "masked", "tokenize"]

#: Kinds of token that are placeables (matched by class, substituted by value).
PLACEABLE_KINDS: frozenset[str] = frozenset({"num", "date", "sym", "label"})

# UN document symbols: A/78/367, S/2023/123, E/CN.4/2005/L.10, A/RES/77/1, ST/SGB/2019/8.
_SYMBOL = (
    r"(?:[A-Z]{1,6}(?:\.\d+)?/)+(?:[A-Z0-9][A-Za-z0-9.\-]*/)*[A-Z0-9][A-Za-z0-9.\-]*(?<![.\-])"
)
_NUMERIC_DATE = r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?!\d)"
_NUMBER = r"\d+(?:[.,\u00a0\u202f]\d+)*(?:\.\d+)?"
_UNSPACED_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_UNSPACED = rf"[{_UNSPACED_CLASS}]"
#: A word character of a spaced script: placeables may touch unspaced text (2023年9月13日).
SPACED_WORD = rf"[\w--[{_UNSPACED_CLASS}]]"
_WM = rf"[[\w\p{{M}}]--[{_UNSPACED_CLASS}]]"
_CJK_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its normalised form, its span in the text, and its kind.

    ``kind`` is ``word``, ``punct``, or a placeable kind (``num``, ``date``, ``sym``).
    """

    norm: str
    start: int
    end: int
    kind: str

    @property
    def key(self) -> str:
        """What the token matches as: the class for a placeable, else the normalised form."""
        return f"<{self.kind}>" if self.kind in PLACEABLE_KINDS else self.norm


@cache
def _months(lang: str) -> tuple[str, ...]:
    """Month names (wide and abbreviated, case-folded: the date pattern ignores case) of
    ``lang`` and English, from CLDR via Babel."""
    names: set[str] = set()
    for code in {"en", lang.split("-")[0].lower()}:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        names.update(name.rstrip(".") for name in month_names(locale, abbreviated=True))
    return tuple(sorted((n for n in names if len(n) > 2), key=len, reverse=True))


@cache
def _dates(lang: str) -> regex.Pattern[str]:
    """Dates in ``lang`` (and English): worded, numeric or Chinese-style."""
    month = "|".join(regex.escape(m) for m in _months(lang))
    day, year = r"\d{1,2}(?:er|º|\.)?", r"\d{4}"
    worded = (
        rf"{day}\s+(?:de\s+)?(?i:{month})\.?(?:\s+(?:de\s+)?{year})?"
        rf"|(?i:{month})\.?\s+{day},?\s+{year}"
    )
    return regex.compile(
        rf"(?<!{SPACED_WORD})(?:{worded}|{_NUMERIC_DATE}|{_CJK_DATE})(?!{SPACED_WORD})",
        regex.VERSION1,
    )


_TOKEN = regex.compile(
    rf"(?P<sym>(?<!{SPACED_WORD}){_SYMBOL}(?!{SPACED_WORD}))"
    rf"|(?P<num>(?<!{SPACED_WORD}){_NUMBER}(?!{SPACED_WORD}))"
    rf"|(?P<cjk>{_UNSPACED})"
    rf"|(?P<word>{_WM}+(?:['\u2019\-]{_WM}+)*)"
    r"|(?P<punct>[^\w\s])",
    regex.VERSION1,
)
_DIGIT = regex.compile(r"\d")

# _TOKEN for ASCII text, for the standard library's faster engine: the same tokens (the words'
# characters, digits and whitespace of ``regex``'s classes spelt out; no sym or word touches
# an unspaced script in ASCII). Checked against _TOKEN by tests/test_tokens_ascii.py.
_AW = "[A-Za-z0-9_]"
_ASCII_TOKEN = re.compile(
    rf"(?P<sym>(?<!{_AW})(?:[A-Z]{{1,6}}(?:\.[0-9]+)?/)+(?:[A-Z0-9][A-Za-z0-9.\-]*/)*"
    rf"[A-Z0-9][A-Za-z0-9.\-]*(?<![.\-])(?!{_AW}))"
    rf"|(?P<num>(?<!{_AW})[0-9]+(?:[.,][0-9]+)*(?:\.[0-9]+)?(?!{_AW}))"
    rf"|(?P<word>{_AW}+(?:['\-]{_AW}+)*)"
    r"|(?P<punct>[^A-Za-z0-9_\t\n\v\f\r ])"
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _date_spans(text: str, lang: str, pos: int) -> list[tuple[int, int]]:
    """The spans of the dates in ``text`` from ``pos``, then an empty span at its end: the
    other tokens are read between them."""
    # dates need a digit: most segments skip the date pattern entirely
    found = _DIGIT.search(text, pos)
    spans = [m.span() for m in _dates(lang).finditer(text, pos)] if found else []
    spans.append((len(text), len(text)))
    return spans


def tokenize(text: str, lang: str = "en") -> list[Token]:
    """Cut ``text`` into normalised tokens with their spans.

    >>> [t.key for t in tokenize("See A/78/367, paragraph 12.")]
    ['see', '<sym>', ',', 'paragraph', '<num>', '.']
    """
    return _tokenize(text, lang, _ASCII_TOKEN if text.isascii() else _TOKEN)


def _tokenize(text: str, lang: str, pattern: re.Pattern[str] | regex.Pattern[str]) -> list[Token]:
    """:func:`tokenize` with ``pattern`` for the tokens between dates (for ASCII text, the
    standard library's engine finds the same tokens faster, as in :func:`masked`)."""
    tokens: list[Token] = []
    pos = 0
    label = label_span(text)
    if label is not None:
        tokens.append(Token(" ".join(text[slice(*label)].split()), *label, "label"))
        pos = label[1]
    for start, end in _date_spans(text, lang, pos):
        for m in pattern.finditer(text, pos, start):
            kind = m.lastgroup or "word"
            value = m.group()
            if kind in ("word", "cjk", "punct"):
                norm = value.casefold() if value.isascii() else _fold(value)
                kind = "punct" if kind == "punct" else "word"
            else:
                norm = value
            tokens.append(Token(norm, m.start(), m.end(), kind))
        if end > start:
            tokens.append(Token(" ".join(text[start:end].split()), start, end, "date"))
        pos = end
    return tokens


def masked(text: str, lang: str = "en") -> list[str]:
    """The token keys of ``text`` (what the match score compares), faster than
    :func:`tokenize` since no spans are kept.

    >>> masked("On 12 September 2023, 3 States")
    ['on', '<date>', ',', '<num>', 'states']
    """
    if text.isascii():
        return _masked(text, lang, _ASCII_TOKEN)  # most sources: half the time
    return _masked(text, lang, _TOKEN)


def _masked(text: str, lang: str, pattern: re.Pattern[str] | regex.Pattern[str]) -> list[str]:
    """:func:`masked` with ``pattern`` for the tokens between dates."""
    keys: list[str] = []
    pos = 0
    label = label_span(text)
    if label is not None:
        keys.append("<label>")
        pos = label[1]
    for start, end in _date_spans(text, lang, pos):
        for m in pattern.finditer(text, pos, start):
            kind = m.lastgroup
            if kind == "sym" or kind == "num":
                keys.append(f"<{kind}>")
            else:
                value = m.group()
                keys.append(value.casefold() if value.isascii() else _fold(value))
        if end > start:
            keys.append("<date>")
        pos = end
    return keys
