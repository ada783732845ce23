"""Fuzzy matching of draft segments against a translation memory: retrieve, then score.

**Score.** The match percentage is word-level edit similarity on normalised tokens, as CAT
tools compute it (:mod:`tm.score`); placeables (numbers, dates, document symbols) compare by
class and are substituted in the targets (:mod:`tm.placeables`). Here an exact match whose
previous and next segments are also the draft's scores 101 (``context``), and one sentence of
a multi-sentence unit at most 99 (``partial``).

**Retrieval.** The memory's match index (:mod:`tm.live_index`: immutable index files mapped
from disk, tombstones and the latest units, kept in step with the units) finds the rows most
similar to a draft segment by exact prefix filtering (:mod:`tm.index`); the matcher then
fetches their units and scores them as a CAT tool does.
"""

from __future__ import annotations

import dataclasses
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tm import lang as _lang
from tm import live_index
from tm.errors import LanguageError
from tm.index import MatchIndex
from tm.live_index import LiveIndex
from tm.models import Match, Segment, TermHit, Unit
from tm.placeables import substitute
from tm.score import band, rank, score_match
from tm.split import sentence_target
from tm.tokens import tokenize

if TYPE_CHECKING:
    from tm.memory import Memory
    from tm.terms import Glossary

__all__ = ["MatchIndex", "Matcher", "SegmentMatches", "match_document"]

# --- matching against a memory -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentMatches:
    """The matches and glossary hits of one draft segment."""

    index: int
    paragraph: int
    text: str
    matches: tuple[Match, ...]
    terms: tuple[TermHit, ...] = ()


class Matcher:
    """Fuzzy matching against a memory, with the memory's match index (:mod:`tm.live_index`).

    The index of a source language is read once per matcher, as the memory's snapshot at
    that moment holds it (match inside a read transaction, as :func:`match_document` does, to
    fetch units from the same snapshot). :meth:`from_units` matches against units held in
    memory (tests, small jobs).
    """

    def __init__(self, memory: Memory | None, *, src_lang: str = "en") -> None:
        """A matcher over ``memory``; None for one over units given by :meth:`from_units`."""
        self._memory = memory
        self._units: dict[int, Unit] = {}
        self._origin: str | None = None
        self._indexes: dict[str, LiveIndex] = {}
        self.src_lang = _lang.base(src_lang)

    @classmethod
    def from_units(
        cls, units: Iterable[Unit], *, src_lang: str = "en", origin: str | None = None
    ) -> Matcher:
        """A matcher over ``units`` (ids are their positions), without a memory file."""
        matcher = cls(None, src_lang=src_lang)
        matcher._units = dict(enumerate(units))
        matcher._origin = origin
        return matcher

    # --- the index -----------------------------------------------------------------------

    def index(self, src_lang: str | None = None) -> LiveIndex:
        """The index of source texts in ``src_lang``: the memory's (written first when it is
        missing or damaged and the memory can be written), else built in RAM."""
        lang = _lang.base(src_lang or self.src_lang)
        if lang not in self._indexes:
            if self._memory is None:
                self._indexes[lang] = live_index.in_ram(self._units.items(), lang)
            else:
                self._indexes[lang] = self._memory.backend.match_index(self._memory, lang)
        return self._indexes[lang]

    def _fetch(self, ids: Sequence[int]) -> dict[int, tuple[Unit, str | None]]:
        """The units ``ids`` name, with their origins (a unit gone since the index was read
        is left out): two queries, however many ids."""
        if self._memory is None:
            return {i: (self._units[i], self._origin) for i in ids}
        units = self._memory.get(ids)
        if len(units) != len(ids):
            # a unit went away since the index was loaded: pair ids and units one by one
            pairs = [(i, self._memory.get([i])) for i in ids]
            ids, units = [i for i, u in pairs if u], [u[0] for _, u in pairs if u]
        origins = _origins(self._memory, ids)
        return {i: (u, origins.get(i)) for i, u in zip(ids, units, strict=True)}

    # --- lookups -------------------------------------------------------------------------

    def lookup(
        self,
        text: str,
        *,
        src_lang: str | None = None,
        target_langs: Sequence[str] | None = None,
        top: int = 3,
        min_score: float = 50,
        previous: str | None = None,
        following: str | None = None,
    ) -> list[Match]:
        """The ``top`` best matches of ``text`` scoring at least ``min_score``, best first.

        ``target_langs`` keeps those languages' targets (None: every language but the
        source) and drops units that have none of them. ``previous`` and ``following`` are the
        draft's neighbouring segments (None at the start or end of the draft): an exact match
        whose memory neighbours are the same is an in-context match (101). Without either
        neighbour, no match is in context.
        """
        found = self._search(
            text, src_lang or self.src_lang, top, min_score, _Context(previous, following)
        )
        fetched = self._fetch(found.unit_ids())
        return self._score(found, fetched, target_langs=target_langs, top=top, min_score=min_score)

    def _search(
        self, text: str, src_lang: str, top: int, min_score: float, context: _Context
    ) -> _Found:
        """The index rows most like ``text`` (a few more than ``top``, and the copies of an
        exact match that may be in context)."""
        lang = _lang.base(src_lang)
        index = self.index(lang)
        # similarity tops out at 100: an in-context match (101) is found as a 100
        hits = index.search(text, top=top + 2, min_score=min(min_score, 100.0))
        if len(hits) == top + 2 and hits[-1][2] >= 100.0 and context.given:
            # more copies of the sentence than were kept: the one in context may be among them
            hits += _more_in_context(index, text, hits, context)
        return _Found(text, lang, index, hits, context)

    def _score(
        self,
        found: _Found,
        fetched: dict[int, tuple[Unit, str | None]],
        *,
        target_langs: Sequence[str] | None,
        top: int,
        min_score: float,
    ) -> list[Match]:
        """``found``'s rows scored as a CAT tool does, with their units (``fetched``)."""
        if not found.hits:
            return []
        text, lang, context = found.text, found.lang, found.context
        wanted = None if target_langs is None else {_lang.base(t) for t in target_langs}
        parts = found.index.parts
        best: dict[int, Match] = {}
        draft = tokenize(text, lang)
        for p, row, similarity_ in found.hits:
            if _settled(best, top, min_score, similarity_):
                break  # the hits left, no more similar, cannot change the result
            part_index = parts[p]
            unit_id = int(part_index.ids[row])
            if unit_id not in fetched:
                continue
            unit, origin = fetched[unit_id]
            targets = {
                v.lang: v.text
                for v in unit.variants
                if _lang.base(v.lang) != lang and (wanted is None or _lang.base(v.lang) in wanted)
            }
            source = unit.text(lang)
            if source is None or (wanted is not None and not targets):
                continue
            part = int(part_index.parts[row])
            whole = None
            if part:
                whole, sentences = source, live_index.sentences(source, lang)
                source = sentences[part - 1]
            m = score_match(
                text,
                source,
                targets,
                similarity_,
                lang,
                unit,
                origin,
                unit_id,
                whole=whole,
                draft_tokens=draft,
            )
            if part:
                # one sentence of a longer unit: its targets translate more than the draft
                m = dataclasses.replace(
                    m,
                    score=min(m.score, 99.0),
                    kind="partial",
                    part=part,
                    sentences=_sentence_targets(m, sentences, part),
                )
            elif m.kind == "exact" and context.holds(part_index, row):
                m = dataclasses.replace(m, score=101.0, kind="context")
            m = dataclasses.replace(m, band=band(m.score))
            if unit_id not in best or rank(m) < rank(best[unit_id]):
                best[unit_id] = m
        matches = sorted(best.values(), key=rank)
        return [m for m in matches if m.score >= min_score][:top]

    def match_segments(
        self,
        segments: Sequence[Segment],
        *,
        src_lang: str | None = None,
        target_langs: Sequence[str] | None = None,
        top: int = 3,
        min_score: float = 50,
        glossary: Glossary | None = None,
    ) -> list[SegmentMatches]:
        """Match every segment of a draft, with its neighbours as context, and find the
        glossary terms each contains (equivalents kept for ``target_langs``)."""
        lang = _lang.base(src_lang or self.src_lang)
        wanted = None if target_langs is None else {_lang.base(t) for t in target_langs}
        found = [
            self._search(
                seg.text,
                lang,
                top,
                min_score,
                _Context(
                    segments[i - 1].text if i > 0 else None,
                    segments[i + 1].text if i + 1 < len(segments) else None,
                ),
            )
            for i, seg in enumerate(segments)
        ]
        # the units of every segment's candidates in one read, not a round trip per segment
        fetched = self._fetch(list(dict.fromkeys(i for f in found for i in f.unit_ids())))
        out = []
        for seg, candidates in zip(segments, found, strict=True):
            matches = self._score(
                candidates, fetched, target_langs=target_langs, top=top, min_score=min_score
            )
            terms: list[TermHit] = []
            if glossary is not None:
                for hit in glossary.find(seg.text, lang):
                    if wanted is not None:
                        equivalents = {
                            k: v for k, v in hit.equivalents.items() if _lang.base(k) in wanted
                        }
                        hit = dataclasses.replace(hit, equivalents=equivalents)
                    terms.append(hit)
            out.append(
                SegmentMatches(seg.index, seg.paragraph, seg.text, tuple(matches), tuple(terms))
            )
        return out


def match_document(
    segments: Sequence[Segment],
    memory: Memory,
    *,
    src_lang: str = "en",
    target_langs: Sequence[str] | None = None,
    top: int = 3,
    min_score: float = 50,
    glossary: Glossary | None = None,
) -> list[SegmentMatches]:
    """Match a segmented draft against ``memory`` (see :meth:`Matcher.match_segments`), in
    one read transaction: an import committing meanwhile is seen whole or not at all.

    Raises:
        LanguageError: a target language the memory holds no text in.
    """
    memory.backend.prepare_index(memory, _lang.base(src_lang))
    conn = memory.connection
    snapshot = not conn.in_transaction
    if snapshot:
        memory.backend.begin_read()
    try:
        if target_langs is not None:
            held = {_lang.base(tag) for tag in memory.languages()}
            for tag in target_langs:
                if _lang.base(tag) not in held:
                    raise LanguageError(
                        f"the memory holds no text in {tag!r}; it has {', '.join(sorted(held))}"
                    )
        matcher = Matcher(memory, src_lang=src_lang)
        return matcher.match_segments(
            segments, target_langs=target_langs, top=top, min_score=min_score, glossary=glossary
        )
    finally:
        if snapshot:
            conn.execute("COMMIT")


def _settled(best: dict[int, Match], top: int, min_score: float, similarity: float) -> bool:
    """Whether ``top`` matches of ``best`` already score more than a hit of ``similarity``
    can (101 in context, else its similarity rounded down): scoring such hits is wasted."""
    ceiling = 101.0 if similarity >= 100.0 - 1e-9 else math.floor(similarity + 1e-9)
    return sum(1 for m in best.values() if m.score >= min_score and m.score > ceiling) >= top


@dataclass(frozen=True, slots=True)
class _Found:
    """The index rows found for one draft segment, before their units are read."""

    text: str
    lang: str
    index: LiveIndex
    hits: list[tuple[int, int, float]]
    context: _Context

    def unit_ids(self) -> list[int]:
        """The ids of the units of the rows found (each once)."""
        parts = self.index.parts
        return list(dict.fromkeys(int(parts[p].ids[r]) for p, r, _ in self.hits))


def _sentence_targets(m: Match, sentences: Sequence[str], part: int) -> dict[str, str]:
    """Per target language, the sentence translating ``sentences[part - 1]`` (placeables
    substituted), where the target cuts into corresponding sentences."""
    found = {}
    for tag, target in m.targets.items():
        sentence = sentence_target(sentences, target, _lang.base(tag), part)
        if sentence is not None and m.changes:
            sentence = substitute(sentence, m.changes, source=sentences[part - 1])
        if sentence is not None:
            found[tag] = sentence
    return found


class _Context:
    """The draft's neighbours of one segment (None: the draft starts or ends there), with
    their token codes in each index part, to tell in-context exact matches."""

    def __init__(self, previous: str | None, following: str | None) -> None:
        self.near = (previous, following)
        self.given = self.near != (None, None)
        self._codes: dict[int, tuple[str | None, str | None]] = {}

    def codes(self, part: MatchIndex) -> tuple[str | None, str | None]:
        found = self._codes.get(id(part))
        if found is None:
            found = self._codes[id(part)] = (
                None if self.near[0] is None else part.encode(self.near[0]),
                None if self.near[1] is None else part.encode(self.near[1]),
            )
        return found

    def holds(self, part: MatchIndex, row: int) -> bool:
        """True when the memory row's neighbours in its document are the draft's (a removed
        unit is no neighbour); with no draft neighbour at all there is no context."""
        if not self.given:
            return False
        docs = part.docs
        for step, codes in zip((-1, 1), self.codes(part), strict=True):
            other = row + step
            has = 0 <= other < len(part) and docs[other] == docs[row] and part.alive(other)
            if codes is None:
                if has:
                    return False
            elif not has or codes not in _edge_codes(part, other, last=step < 0):
                return False
        return True


def _more_in_context(
    index: LiveIndex,
    text: str,
    hits: Sequence[tuple[int, int, float]],
    context: _Context,
) -> list[tuple[int, int, float]]:
    """The rows scoring 100 that ``hits`` left out and whose neighbours are the draft's: a
    memory may hold a sentence many times, and only one copy in the draft's context."""
    kept = {(p, row) for p, row, _ in hits}
    out = []
    for p, part in enumerate(index.parts):
        for row, score in part.search(text, top=len(part), min_score=100.0, window=None):
            if (p, row) not in kept and context.holds(part, row):
                out.append((p, row, score))
    return out


def _edge_codes(index: MatchIndex, row: int, *, last: bool) -> set[str]:
    """The token codes a draft neighbour may have to match memory row ``row``: its source,
    or for a multi-sentence unit also its last (``last``) or first sentence."""
    found = {index.row_codes(row)}
    sentences = index.sentence_rows(int(index.ids[row]))
    if sentences:
        found.add(index.row_codes(sentences[-1] if last else sentences[0]))
    return found


def _origins(memory: Memory, ids: Sequence[int]) -> dict[int, str | None]:
    """The origin (file or document imported from) of each unit."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    try:
        rows = memory.connection.execute(
            f"SELECT id, origin FROM units WHERE id IN ({marks})", list(ids)
        )
        return {int(i): o for i, o in rows}
    except sqlite3.DatabaseError:
        return {}
