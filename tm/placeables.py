"""Placeables and the word diff of a match: which numbers, dates and symbols changed, and
the memory's targets with the draft's values put in.

A draft sentence that differs from a memory source only in placeables (:mod:`tm.tokens`:
numbers, dates, UN document symbols) is a 99% match whose translation is the memory's with
the new values substituted. :func:`placeable_changes` pairs the changed values along the token
edit script; :func:`substitute` finds each old value in a target and puts the new one in.
:func:`word_diff` shows the translator what changed, wdiff style.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

import regex
from rapidfuzz.distance import Levenshtein

from tm.labels import relabel
from tm.models import Change
from tm.numbers import ascii_digits, extract, values
from tm.tokens import PLACEABLE_KINDS, SPACED_WORD, Token, tokenize

__all__ = ["placeable_changes", "substitute", "token_diff", "word_diff"]


def _opcodes(
    a: list[Token], b: list[Token], *, by_key: bool
) -> list[tuple[str, int, int, int, int]]:
    keys_a = [t.key if by_key else t.norm for t in a]
    keys_b = [t.key if by_key else t.norm for t in b]
    return [tuple(op) for op in Levenshtein.opcodes(keys_a, keys_b)]  # type: ignore[misc]


def word_diff(source: str, draft: str, lang: str = "en") -> str:
    """The memory ``source`` with the words the ``draft`` lacks as ``[-...-]`` and the words
    the draft adds as ``{+...+}`` (wdiff style; case and placeable values count).

    >>> word_diff("The rule of law at the national level.", "The rule of law at national level.")
    'The rule of law at [-the-] national level.'
    """
    return token_diff(source, tokenize(source, lang), draft, tokenize(draft, lang))


def token_diff(source: str, src: list[Token], draft: str, dft: list[Token]) -> str:
    """:func:`word_diff` of two texts already cut into their tokens."""
    out: list[str] = []

    def gap(text: str, tokens: list[Token], i: int) -> str:
        # the spacing before token i as the text has it
        start = tokens[i - 1].end if i > 0 else 0
        return text[start : tokens[i].start] if i < len(tokens) else ""

    for tag, a0, a1, b0, b1 in _opcodes(src, dft, by_key=False):
        old = "".join(
            gap(source, src, i) + source[src[i].start : src[i].end] for i in range(a0, a1)
        )
        new = "".join(gap(draft, dft, j) + draft[dft[j].start : dft[j].end] for j in range(b0, b1))
        if tag == "equal":
            out.append(old)
            continue
        lead = old[: len(old) - len(old.lstrip())] or new[: len(new) - len(new.lstrip())]
        mark = ""
        if a1 > a0:
            mark += f"[-{old.strip()}-]"
        if b1 > b0:
            mark += f"{{+{new.strip()}+}}"
        out.append(lead + mark)
    return "".join(out).strip()


def placeable_changes(
    source: str, src: list[Token], draft: str, dft: list[Token]
) -> list[Change] | None:
    """The placeables whose value changed from ``source`` to ``draft``, aligned by the token
    edit script; None when a placeable was added or removed (nothing to map)."""
    changes: list[Change] = []
    for _tag, a0, a1, b0, b1 in _opcodes(src, dft, by_key=True):
        olds = [t for t in src[a0:a1] if t.kind in PLACEABLE_KINDS]
        news = [t for t in dft[b0:b1] if t.kind in PLACEABLE_KINDS]
        if len(olds) != len(news) or any(o.kind != n.kind for o, n in zip(olds, news, strict=True)):
            return None
        for old, new in zip(olds, news, strict=True):
            a, b = source[old.start : old.end], draft[new.start : new.end]
            if a != b:
                moved = old.kind == "date" and _month(a) != _month(b)
                changes.append(Change(a, b, old.kind, month_changed=moved))
    return changes


_CJK_MONTH = regex.compile(r"(\d{1,2})\s*月")


def _month(date: str) -> str | None:
    """The month of a date written with a month name or in Chinese (numeric dates: None)."""
    for number in extract(date):
        if number.kind == "month":
            return number.value
    m = _CJK_MONTH.search(ascii_digits(date))
    return str(int(m.group(1))) if m else None


_DIGITS = regex.compile(r"\d+")
# A value stands alone: no letter or digit of a spaced script touches it, nor a decimal part
# (Chinese and Japanese write numbers against ideographs: 第27条, 2023年9月12日).
_BEFORE = rf"(?<!{SPACED_WORD})(?<!\d[.,])"
_AFTER = rf"(?!{SPACED_WORD})(?![.,]\d)"


def substitute(target: str, changes: Sequence[Change], *, source: str | None = None) -> str | None:
    """``target`` with each changed placeable value replaced, or None when one is not found.

    A value is looked up as written (digits of any script: the new value is written in the
    digits the target uses); failing that, a date or symbol is changed number by number
    (``12 September 2023`` -> ``14 September 2023`` also fixes ``14 septembre 2023`` and
    ``2023年9月14日``); a changed month is never guessed. A label (``(a)``, ``12.``) is changed
    in the target's own style (:func:`tm.labels.relabel`). With ``source``, a value that the
    source also cites unchanged elsewhere (or as another part of a date) gives None: which of
    the target's copies to change cannot be known.

    >>> substitute("第27条和第31、61、69条", [Change("27", "28", "num"), Change("31", "32", "num")])
    '第28条和第32、61、69条'
    >>> substitute("المادة ٢٦ من العهد", [Change("26", "9", "num")])
    'المادة ٩ من العهد'
    """
    flat = ascii_digits(target)
    mapping: dict[str, str] = {}
    changed: Counter[str] = Counter()
    for change in changes:
        if change.kind == "label":
            relabelled = relabel(target, change.old, change.new)
            if relabelled is None:
                return None
            target, flat = relabelled, ascii_digits(relabelled)
            continue
        old, new = ascii_digits(change.old), ascii_digits(change.new)
        if regex.search(_BEFORE + regex.escape(old) + _AFTER, flat, regex.VERSION1):
            pairs = [(old, new)]
        else:
            # number by number only when nothing but numbers changed (not "10 August")
            if change.month_changed or _DIGITS.sub("0", old) != _DIGITS.sub("0", new):
                return None
            old_n, new_n = _DIGITS.findall(old), _DIGITS.findall(new)
            pairs = [(a, b) for a, b in zip(old_n, new_n, strict=True) if a != b]
            if not pairs:
                return None
        for a, b in pairs:
            if mapping.get(a, b) != b:
                return None  # one old value, two new ones: ambiguous
            mapping[a] = b
            changed[a] += 1
    if not mapping:
        return target
    if source is not None:
        cited = values(source)
        if any(a.isdecimal() and cited[str(int(a))] > changed[a] for a in mapping):
            return None
    pattern = regex.compile(
        "|".join(
            _BEFORE + regex.escape(k) + _AFTER for k in sorted(mapping, key=len, reverse=True)
        ),
        regex.VERSION1,
    )
    out, pos, found = [], 0, set()
    for m in pattern.finditer(flat):
        found.add(m.group())
        out += [
            target[pos : m.start()],
            _in_digits(mapping[m.group()], target[m.start() : m.end()]),
        ]
        pos = m.end()
    out.append(target[pos:])
    return "".join(out) if found == set(mapping) else None


def _in_digits(value: str, written: str) -> str:
    """``value`` (ASCII digits) in the digits ``written`` uses (Arabic-Indic, Persian, ...)."""
    sample = next((c for c in written if c.isdecimal()), "0")
    zero = ord(sample) - int(unicodedata.decimal(sample))
    return (
        value
        if zero == ord("0")
        else "".join(chr(zero + int(c)) if c.isdecimal() else c for c in value)
    )
