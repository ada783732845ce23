"""Sentence segmentation with SRX 2.0 rules, the way CAT tools (OmegaT, Okapi, Trados) do it.

An SRX file holds named rule lists (``<languagerule>``) and a map from language patterns to
those lists (``<maprules>``). At every position of a text, the rules of the language are tried
in order; the first rule whose ``<beforebreak>`` matches the text ending there and whose
``<afterbreak>`` matches the text starting there decides: break (``break="yes"``) or not.
With ``cascade="yes"`` the rule lists of every matching language pattern are tried one after
the other, otherwise only the first matching one.

The rules are read by :mod:`tm.srx`; they are Java regular expressions, which
:mod:`tm.java_regex` rewrites for the ``regex`` module. Speed comes from one combined pattern
per rule list that finds the candidate breaks in a single scan, and from merging neighbouring
rules with the same decision into one alternation.

A ``"\\n"`` in the text always ends a segment: header lines and signature lines of a document
(see :mod:`tm.document`) are units of their own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from tm.errors import LanguageError, RulesError, quoted
from tm.lang import base, normalize
from tm.models import Document, Segment
from tm.srx import SHIPPED_LANGS, Rule, SrxRules, load_srx, shipped_srx

__all__ = ["Segmenter", "segment", "segment_document", "segment_file"]

#: Seconds the rules of a user's SRX file may spend on one paragraph: a rule that backtracks
#: without end (``(a|a)+$``) stops with an error instead of running for hours.
PARAGRAPH_TIMEOUT = 2.0


# --- the engine -------------------------------------------------------------------------------


_SCANS_BACK = regex.compile(r"^\^|(?<!\\)\.[*+]")


def _position_pattern(rule: Rule) -> str:
    # Test the cheaper side first. A look-behind is matched backwards from the position, so
    # it usually fails on the first character ("[.?!]", ":"); but one anchored at the start
    # of the line or holding ".*" may scan far back, so then the look-ahead goes first.
    ahead = f"(?={rule.after})" if rule.after else ""
    behind = f"(?<={rule.before})" if rule.before else ""
    if rule.before and _SCANS_BACK.search(rule.before) is None:
        return behind + ahead
    return ahead + behind


@dataclass(frozen=True, slots=True)
class _Compiled:
    candidates: tuple[regex.Pattern[str], ...]
    groups: tuple[tuple[bool, regex.Pattern[str]], ...]


@lru_cache(maxsize=64)
def _compile(rules: tuple[Rule, ...]) -> _Compiled:
    # One scan per break rule: measured faster than one alternation of all of them, because
    # the regex engine tries every alternative at every position of an alternation.
    breaking = dict.fromkeys(_position_pattern(r) for r in rules if r.brk)
    candidates = tuple(regex.compile(p, regex.V0) for p in breaking)
    groups: list[tuple[bool, list[str]]] = []
    for rule in rules:
        if groups and groups[-1][0] == rule.brk:
            groups[-1][1].append(_position_pattern(rule))
        else:
            groups.append((rule.brk, [_position_pattern(rule)]))
    compiled = tuple(
        (brk, regex.compile("|".join(f"(?:{p})" for p in parts), regex.V0)) for brk, parts in groups
    )
    return _Compiled(candidates, compiled)


class Segmenter:
    """Split text into segments with the SRX rules for one language.

    Args:
        lang: language code (``en``, ``fr-CA``, ``zh-Hans``...).
        srx: an SRX 2.0 file to use instead of the shipped rules.

    Raises:
        LanguageError: the language is not a language code, or no rules exist for it.
        RulesError: the SRX file is unreadable or broken.

    >>> Segmenter("en").split("See A/78/367, para. 5. It was adopted.")
    ['See A/78/367, para. 5.', 'It was adopted.']
    """

    __slots__ = ("_compiled", "_source", "lang")

    def __init__(self, lang: str, *, srx: str | Path | None = None) -> None:
        self.lang = normalize(lang)
        if srx is None:
            rules_file = shipped_srx()
            if base(self.lang) not in SHIPPED_LANGS:
                raise LanguageError(
                    f"no segmentation rules for language {lang!r}: untm ships rules for "
                    f"{', '.join(sorted(SHIPPED_LANGS))}; give your own SRX rules for others",
                    parameter="srx",
                )
        else:
            rules_file = _cached_srx(str(Path(srx).resolve()))
            if not rules_file.matches(self.lang):
                raise LanguageError(f"{srx}: no language pattern matches {lang!r}")
        self._compiled = _compile(rules_file.rules_for(self.lang))
        self._source = None if srx is None else str(srx)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) offsets of each segment, surrounding whitespace excluded.

        Raises:
            RulesError: a user's SRX rules took over :data:`PARAGRAPH_TIMEOUT` seconds.
        """
        out: list[tuple[int, int]] = []
        pos = 0
        deadline = None if self._source is None else time.monotonic() + PARAGRAPH_TIMEOUT
        for line in text.split("\n"):
            try:
                self._line_spans(line, pos, out, deadline)
            except TimeoutError:
                raise RulesError(
                    f"{self._source}: the rules ran over {PARAGRAPH_TIMEOUT:g} s on one "
                    f"paragraph ({quoted(line, 40)}); a rule backtracks without end, "
                    "such as (a|a)+$"
                ) from None
            pos += len(line) + 1
        return out

    def split(self, text: str) -> list[str]:
        """The segments of ``text``, stripped, without empty ones."""
        return [text[start:end] for start, end in self.spans(text)]

    def _line_spans(
        self, line: str, offset: int, out: list[tuple[int, int]], deadline: float | None
    ) -> None:
        def left() -> float | None:
            return None if deadline is None else max(deadline - time.monotonic(), 0.001)

        cuts = [0]
        compiled = self._compiled
        positions = {
            m.start()
            for pattern in compiled.candidates
            for m in pattern.finditer(line, timeout=left())
        }
        positions.discard(0)
        positions.discard(len(line))
        for pos in sorted(positions):
            for brk, pattern in compiled.groups:
                if pattern.match(line, pos, timeout=left()) is not None:
                    if brk:
                        cuts.append(pos)
                    break
        cuts.append(len(line))
        for start, end in zip(cuts, cuts[1:], strict=False):
            while start < end and line[start].isspace():
                start += 1
            while end > start and line[end - 1].isspace():
                end -= 1
            if start < end:
                out.append((offset + start, offset + end))


@lru_cache(maxsize=8)
def _cached_srx(path: str) -> SrxRules:
    return load_srx(path)


@lru_cache(maxsize=32)
def _segmenter(lang: str, srx: str | None) -> Segmenter:
    return Segmenter(lang, srx=srx)


def segment(text: str, lang: str, *, srx: str | Path | None = None) -> list[str]:
    """Split one paragraph (or plain text, one paragraph a line) into segments.

    >>> segment("Mr. Smith arrived. He spoke.", "en")
    ['Mr. Smith arrived.', 'He spoke.']
    """
    return _segmenter(lang, None if srx is None else str(srx)).split(text)


def segment_file(
    path: str | Path, *, lang: str | None = None, srx: str | Path | None = None
) -> list[Segment]:
    """Read a document (see :func:`tm.document.read_document`) and segment it."""
    from tm.document import read_document

    doc = read_document(path, lang=lang)
    return segment_document(doc, srx=srx)


def segment_document(doc: Document, *, srx: str | Path | None = None) -> list[Segment]:
    """Segment every paragraph of ``doc``; indices count over the document from 0."""
    segmenter = _segmenter(doc.lang, None if srx is None else str(srx))
    out: list[Segment] = []
    for paragraph in doc.paragraphs:
        for start, end in segmenter.spans(paragraph.text):
            out.append(
                Segment(
                    len(out), paragraph.index, paragraph.kind, paragraph.text[start:end], start, end
                )
            )
    return out
