"""Placeables and the word diff of a match: which numbers, dates and symbols changed, and
the memory's targets with the draft's values put in.

A draft sentence that differs from a memory source only in placeables (:mod:`tm.tokens`:
numbers, dates, UN document symbols) is a 99% match whose translation is the memory's with
the new values substituted. :func:`placeable_changes` pairs the changed values along the token
edit script; :func:`substitute` finds each old value in a target and puts the new one in.
:func:`word_diff` shows the translator what changed, wdiff style.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex
from rapidfuzz.distance import Levenshtein

from tm.tokens import PLACEABLE_KINDS, Token, tokenize

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
) -> list[tuple[str, str]] | None:
    """Pairs (value in the source, value in the draft) of placeables that changed, aligned by
    the token edit script; None when a placeable was added or removed (nothing to map)."""
    changes: list[tuple[str, str]] = []
    for _tag, a0, a1, b0, b1 in _opcodes(src, dft, by_key=True):
        olds = [t for t in src[a0:a1] if t.kind in PLACEABLE_KINDS]
        news = [t for t in dft[b0:b1] if t.kind in PLACEABLE_KINDS]
        if len(olds) != len(news) or any(o.kind != n.kind for o, n in zip(olds, news, strict=True)):
            return None
        for old, new in zip(olds, news, strict=True):
            a, b = source[old.start : old.end], draft[new.start : new.end]
            if a != b:
                changes.append((a, b))
    return changes


_DIGITS = regex.compile(r"\d+")


def substitute(target: str, changes: Sequence[tuple[str, str]]) -> str | None:
    """``target`` with each changed placeable value replaced, or None when one is not found.

    A value is looked up as written; failing that, a date or symbol is changed number by
    number (``12 September 2023`` -> ``14 September 2023`` also fixes ``14 septembre 2023``).

    >>> substitute("Article 26 du Pacte", [("26", "9")])
    'Article 9 du Pacte'
    """
    mapping: dict[str, str] = {}
    for old, new in changes:
        if regex.search(rf"(?<!\w){regex.escape(old)}(?!\w)", target):
            pairs = [(old, new)]
        else:
            # number by number only when nothing but numbers changed (not "10 August")
            if _DIGITS.sub("0", old) != _DIGITS.sub("0", new):
                return None
            old_n, new_n = _DIGITS.findall(old), _DIGITS.findall(new)
            pairs = [(a, b) for a, b in zip(old_n, new_n, strict=True) if a != b]
            if not pairs:
                return None
        for a, b in pairs:
            if mapping.get(a, b) != b:
                return None  # one old value, two new ones: ambiguous
            mapping[a] = b
    if not mapping:
        return target
    pattern = regex.compile(
        "|".join(rf"(?<!\w){regex.escape(k)}(?!\w)" for k in sorted(mapping, key=len, reverse=True))
    )
    found: set[str] = set()

    def put(m: regex.Match[str]) -> str:
        found.add(m.group())
        return mapping[m.group()]

    result = pattern.sub(put, target)
    return result if found == set(mapping) else None
