"""Fuzzy matching of draft segments against a translation memory: retrieve, then score.

**Score.** The match percentage is word-level edit similarity on normalised tokens, as CAT
tools compute it (:mod:`tm.score`); placeables (numbers, dates, document symbols) compare by
class and are substituted in the targets (:mod:`tm.placeables`). Here an exact match whose
previous and next segments are also the draft's scores 101 (``context``), and one sentence of
a multi-sentence unit at most 99 (``partial``).

**Retrieval.** :class:`MatchIndex` keeps each source as a string of token codes and an inverted
index from token to rows. A candidate with score >= s must share at least ``s * len(a)`` tokens
with the draft (an edit script keeps at most the shared tokens) and have a length within
``[s * len(a), len(a) / s]``. So with the draft's tokens sorted rarest first, every such
candidate holds one of the first ``len(a) - ceil(s * len(a)) + 1`` of them (prefix filtering).
Rare tokens are read first and their rows scored at once (rapidfuzz, in C), which raises
``s`` to the current k-th best score and shortens the prefix. When the prefix reaches a long
posting list, the rest of it is read at once with numpy, each new row's shared-token count is
looked up in per-token row bitmaps (kept for tokens in more than 4096 rows), and only rows
whose count can reach ``s`` are scored, best first. The search is exact for the best match and
for every match within a window (10 points) of it; with ``window=None`` it returns what
scoring every row would return (ties aside).

The index lives in the memory's SQLite file (tables ``match_meta`` and ``match_index``, one
index per source language) and is rebuilt when :meth:`tm.memory.Memory.revision` has changed.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tm import lang as _lang
from tm.errors import LanguageError, StoreError
from tm.models import Match, Segment, TermHit, Unit
from tm.placeables import substitute
from tm.score import band, rank, score_match
from tm.split import sentence_target
from tm.tokens import masked

if TYPE_CHECKING:
    from tm.memory import Memory
    from tm.terms import Glossary

__all__ = ["MatchIndex", "Matcher", "SegmentMatches", "match_document"]

_INDEX_VERSION = "3"  # 3: structure labels are placeables
_SURROGATES = 0x800  # code points U+D800..U+DFFF are skipped when tokens become characters
_LIMIT = 0x10FFFF - _SURROGATES  # more distinct tokens than this fold together (never seen)


def _char(index: int) -> str:
    index %= _LIMIT
    code = index + 1
    return chr(code + _SURROGATES if code >= 0xD800 else code)


def _index_of(char: str) -> int:
    code = ord(char)
    return (code - _SURROGATES if code >= 0xD800 else code) - 1


class MatchIndex:
    """Token-code strings and an inverted index over the source texts of a memory.

    Build with :meth:`build` from ``(id, source text)`` pairs; rows keep the order given, and
    ``docs`` (one value per row) says which rows are consecutive segments of one document, for
    in-context matches. :meth:`search` returns rows with their exact token similarity.
    """

    #: Tokens in more rows than this get a row bitmap, and reaching one in a search switches
    #: from scoring posting lists row by row to the bitmap count (see ``_Search.count_rest``).
    big_posting: int = 4096

    def __init__(
        self,
        vocab: dict[str, int],
        strings: list[str],
        offsets: np.ndarray,
        ids: np.ndarray,
        docs: np.ndarray,
        post_offsets: np.ndarray,
        post_rows: np.ndarray,
        *,
        lang: str,
        parts: np.ndarray | None = None,
    ) -> None:
        self.vocab = vocab
        #: the token-code string of each row (rapidfuzz scores these)
        self.strings = strings
        self.offsets = offsets
        self.ids = ids
        self.docs = docs
        #: 0 for a row holding a unit's whole source, k for its k-th sentence (from 1)
        self.parts = np.zeros(len(ids), dtype=np.int32) if parts is None else parts
        self._sentence_rows: dict[int, list[int]] | None = None
        self.lengths = np.diff(offsets).astype(np.int32)
        self.post_offsets = post_offsets
        self.post_rows = post_rows
        self.lang = lang
        self._bits: dict[int, np.ndarray] = {}
        for token in np.flatnonzero(np.diff(post_offsets) > self.big_posting).tolist():
            self.bits(token)

    # --- building ------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        pairs: Iterable[tuple[int, str]],
        *,
        lang: str = "en",
        docs: Iterable[int] | None = None,
        parts: Iterable[int] | None = None,
    ) -> MatchIndex:
        """Index ``(id, source text)`` pairs in ``lang``; ``docs`` gives a document number per
        pair (consecutive rows of one document are context for each other) and ``parts``
        marks rows that hold only the k-th sentence of their unit's source (0: all of it)."""
        vocab: dict[str, int] = {}
        chunks: list[str] = []
        ids: list[int] = []
        lengths: list[int] = []
        for unit_id, text in pairs:
            codes = cls._encode_into(vocab, text, lang)
            chunks.append(codes)
            ids.append(unit_id)
            lengths.append(len(codes))
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(lengths, dtype=np.int64), out=offsets[1:])
        doc_array = (
            np.zeros(len(ids), dtype=np.int64)
            if docs is None
            else np.fromiter(docs, dtype=np.int64, count=len(ids))
        )
        post_offsets, post_rows = cls._postings("".join(chunks), offsets, len(vocab))
        return cls(
            vocab,
            chunks,
            offsets,
            np.asarray(ids, dtype=np.int64),
            doc_array,
            post_offsets,
            post_rows,
            lang=lang,
            parts=None if parts is None else np.fromiter(parts, dtype=np.int32, count=len(ids)),
        )

    @staticmethod
    def _encode_into(vocab: dict[str, int], text: str, lang: str) -> str:
        out = []
        for key in masked(text, lang):
            index = vocab.get(key)
            if index is None:
                index = vocab[key] = len(vocab)
            out.append(_char(index))
        return "".join(out)

    @staticmethod
    def _postings(seq: str, offsets: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Posting lists: for each token, the rows holding it (ascending, once per row).

        Worked in place on one int64 array of ``token << 32 | row`` keys, to keep the peak
        memory of a million-segment build low.
        """
        keys = np.frombuffer(seq.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        np.subtract(keys, _SURROGATES, out=keys, where=keys >= 0xD800)
        keys -= 1
        keys <<= 32
        keys |= np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
        keys.sort()
        first = np.empty(len(keys), dtype=np.bool_)
        first[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        keys = keys[first]  # one entry per (token, row), sorted by token then row
        del first
        post_rows = (keys & 0xFFFFFFFF).astype(np.int32)
        keys >>= 32
        post_offsets = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=size), out=post_offsets[1:])
        return post_offsets, post_rows

    def __len__(self) -> int:
        return len(self.ids)

    def sentence_rows(self, unit_id: int) -> list[int]:
        """The rows holding the sentences of a multi-sentence unit, in order (else none)."""
        if self._sentence_rows is None:
            table: dict[int, list[int]] = {}
            for row in np.flatnonzero(self.parts > 0).tolist():
                table.setdefault(int(self.ids[row]), []).append(row)
            self._sentence_rows = table
        return self._sentence_rows.get(unit_id, [])

    def memory_bytes(self) -> int:
        """Roughly how much RAM the loaded index takes (arrays, row strings, bitmaps)."""
        arrays = (self.offsets, self.ids, self.docs, self.parts, self.lengths)
        total = sum(a.nbytes for a in arrays) + self.post_offsets.nbytes + self.post_rows.nbytes
        total += sum(b.nbytes for b in self._bits.values())
        total += sum(sys.getsizeof(text) for text in self.strings)
        return total + sum(sys.getsizeof(key) + 100 for key in self.vocab)

    # --- encoding queries ----------------------------------------------------------------

    def encode(self, text: str) -> str:
        """The token-code string of ``text``; tokens the memory never saw get private codes
        that match nothing."""
        out = []
        unknown = len(self.vocab)
        for key in masked(text, self.lang):
            index = self.vocab.get(key)
            if index is None:
                index = unknown
                unknown += 1
            out.append(_char(index))
        return "".join(out)

    def bits(self, token: int) -> np.ndarray:
        """Which rows hold ``token``, one bit per row (little-endian bytes); made at load
        time for the tokens with long posting lists."""
        found = self._bits.get(token)
        if found is None:
            hit = np.zeros(len(self), dtype=np.bool_)
            hit[self.post_rows[self.post_offsets[token] : self.post_offsets[token + 1]]] = True
            found = self._bits[token] = np.packbits(hit, bitorder="little")
        return found

    def row_codes(self, row: int) -> str:
        """The token-code string of one row."""
        return self.strings[row]

    # --- searching -----------------------------------------------------------------------

    def search(
        self, text: str, *, top: int = 3, min_score: float = 50, window: float | None = 10.0
    ) -> list[tuple[int, float]]:
        """The ``top`` rows most similar to ``text`` with score >= ``min_score``, best first.

        Scores are :func:`similarity` of the token sequences (not rounded); rows sharing no
        token (similarity 0) are never returned. The best row is always found, and so is every
        row scoring within ``window`` points of it; rows further below the best may be missed
        (they are only proposed if met on the way). With ``window=None`` the whole result
        equals an exhaustive scan's, except in which of several equal-scoring rows are kept.
        """
        query = self.encode(text)
        if not query or len(self) == 0 or top < 1:
            return []
        state = _Search(
            self,
            query,
            top=top,
            floor=max(min_score, 1e-9) / 100.0,
            window=None if window is None else window / 100.0,
        )
        position = 0
        while position < min(state.prefix_length(), len(state.occurrences)):
            token = state.occurrences[position]
            position += 1
            if token in state.examined or state.df[token] == 0:
                continue
            if state.df[token] > self.big_posting:
                state.count_rest()
                break
            rows = state.postings(token)
            rows = rows[~state.seen[rows]]
            state.seen[rows] = True
            state.examined.add(token)
            state.consider(rows)
        return state.result()

    # --- persistence ---------------------------------------------------------------------

    def to_blobs(self) -> dict[str, bytes]:
        """The index as named byte strings (for the memory's ``match_index`` table)."""
        keys = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            "vocab": "\n".join(keys).encode("utf-8"),
            "seq": "".join(self.strings).encode("utf-32-le"),
            "offsets": self.offsets.astype(np.int64).tobytes(),
            "ids": self.ids.astype(np.int64).tobytes(),
            "docs": self.docs.astype(np.int64).tobytes(),
            "post_offsets": self.post_offsets.astype(np.int64).tobytes(),
            "post_rows": self.post_rows.astype(np.int32).tobytes(),
            "lang": self.lang.encode("utf-8"),
            "parts": self.parts.astype(np.int32).tobytes(),
        }

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes]) -> MatchIndex:
        """Rebuild an index saved with :meth:`to_blobs`."""
        text = blobs["vocab"].decode("utf-8")
        keys = text.split("\n") if text else []
        seq = blobs["seq"].decode("utf-32-le", errors="surrogatepass")
        bounds = np.frombuffer(blobs["offsets"], dtype=np.int64)
        edges = bounds.tolist()
        return cls(
            {key: i for i, key in enumerate(keys)},
            [seq[a:b] for a, b in zip(edges, edges[1:], strict=False)],
            bounds,
            np.frombuffer(blobs["ids"], dtype=np.int64),
            np.frombuffer(blobs["docs"], dtype=np.int64),
            np.frombuffer(blobs["post_offsets"], dtype=np.int64),
            np.frombuffer(blobs["post_rows"], dtype=np.int32),
            lang=blobs["lang"].decode("utf-8"),
            parts=np.frombuffer(blobs["parts"], dtype=np.int32),
        )


class _Search:
    """The state of one :meth:`MatchIndex.search`: the k best rows so far and what was read."""

    def __init__(
        self, index: MatchIndex, query: str, *, top: int, floor: float, window: float | None
    ) -> None:
        self.index = index
        self.query = query
        self.top = top
        self.floor = floor
        self.window = window
        self.seen = np.zeros(len(index), dtype=np.bool_)
        known = len(index.vocab)
        offsets = index.post_offsets
        self.mult = Counter(_index_of(c) for c in query)
        self.df = {t: int(offsets[t + 1] - offsets[t]) if t < known else 0 for t in self.mult}
        # the draft's token occurrences, rarest first: the order the prefix filter reads them
        order = sorted(self.mult, key=lambda t: (self.df[t], t))
        self.occurrences = [t for t in order for _ in range(self.mult[t])]
        self.best: list[tuple[float, int]] = []  # min-heap of (similarity, -row)
        self.examined: set[int] = set()  # tokens whose rows were all considered

    def threshold(self) -> float:
        """The similarity (0-1) a row must reach to enter the result."""
        if len(self.best) < self.top:
            return self.floor
        return max(self.floor, self.best[0][0])

    def certified(self) -> float:
        """The similarity above which no row may be missed: the threshold, or with a window
        the best score so far minus the window when that is higher."""
        s = self.threshold()
        if self.window is not None and self.best:
            s = max(s, max(self.best)[0] - self.window)
        return s

    def prefix_length(self) -> int:
        """How many of the rarest occurrences every certified row must share one of."""
        n_q = len(self.query)
        return n_q - math.ceil(self.certified() * n_q - 1e-9) + 1

    def consider(self, rows: np.ndarray) -> None:
        """Score ``rows`` (not considered before) that pass the length filter."""
        n_q = len(self.query)
        s = self.certified()
        lengths = self.index.lengths[rows]
        rows = rows[(lengths >= s * n_q - 1e-9) & (lengths <= n_q / s + 1e-9)]
        if rows.size == 0:
            return
        s = self.threshold()
        strings = self.index.strings
        choices = [strings[r] for r in rows.tolist()]
        # rapidfuzz ranks in C with a slightly loose cutoff; the kept rows are then scored
        # exactly with integer distances, so rows right at the threshold are neither lost
        # nor let in by float rounding
        found = process.extract(
            self.query,
            choices,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=max(s - 1e-5, 1e-7),
            limit=self.top,
        )
        best = self.best
        for _, _, i in found:
            text = choices[i]
            longest = max(n_q, len(text))
            score = 1.0 - Levenshtein.distance(self.query, text) / longest
            if score < self.threshold() - 1e-12 or score <= 0:
                continue
            item = (score, -int(rows[i]))
            if len(best) < self.top:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)

    def postings(self, token: int) -> np.ndarray:
        """The rows holding ``token``."""
        offsets = self.index.post_offsets
        return self.index.post_rows[offsets[token] : offsets[token + 1]]

    def count_rest(self) -> None:
        """Finish a search whose prefix reaches long posting lists.

        The candidates are the rows, not considered yet, holding one of the prefix's tokens
        (read at once with numpy). Each one's bound is the number of the draft's token
        occurrences it holds, looked up in the index's bitmaps of the common tokens (rows
        considered so far hold none of the rarer, already read tokens), so the longest
        lists are never read token by token. Rows whose bound can reach the threshold are
        scored, best bound first, in chunks that raise the threshold as they go.
        """
        index = self.index
        size, n_q = len(index), len(self.query)
        s = self.certified()
        cut = self.prefix_length()
        prefix = [t for t in dict.fromkeys(self.occurrences[:cut]) if self.df[t]]
        parts = [self.postings(t) for t in prefix]
        total = sum(len(p) for p in parts)
        if total * 64 < size:
            candidates = np.sort(np.concatenate(parts))
            candidates = candidates[np.r_[True, candidates[1:] != candidates[:-1]]]
        else:
            hit = np.zeros(size, dtype=np.bool_)
            for p in parts:
                hit[p] = True
            candidates = np.flatnonzero(hit)
        candidates = candidates[~self.seen[candidates]]
        lengths = index.lengths[candidates]
        keep = (lengths >= s * n_q - 1e-9) & (lengths <= n_q / s + 1e-9)
        candidates, lengths = candidates[keep], lengths[keep]
        if candidates.size == 0:
            return
        byte, bit = candidates >> 3, (candidates & 7).astype(np.uint8)
        bound = np.zeros(candidates.size, dtype=np.int32)
        for t, times in self.mult.items():
            if self.df[t] and t not in self.examined:
                bound += ((index.bits(t)[byte] >> bit) & 1) * times
        longest = np.maximum(lengths, n_q)
        keep = bound >= s * longest - 1e-9
        candidates, bound, longest = candidates[keep], bound[keep], longest[keep]
        # most shared tokens first, in chunks: good matches raise the threshold early
        order = np.argsort(-bound, kind="stable")
        candidates, bound, longest = candidates[order], bound[order], longest[order]
        chunk = 256
        while candidates.size:
            self.consider(candidates[:chunk])
            candidates, bound, longest = candidates[chunk:], bound[chunk:], longest[chunk:]
            keep = bound >= self.certified() * longest - 1e-9
            candidates, bound, longest = candidates[keep], bound[keep], longest[keep]
            chunk *= 2

    def result(self) -> list[tuple[int, float]]:
        """The best rows with their similarity in percent, best first (ties: lower row)."""
        return [(-neg, score * 100.0) for score, neg in sorted(self.best, reverse=True)]


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
    """Fuzzy matching against a memory, with the index kept in the memory's SQLite file.

    The index of each source language is stored in the ``match_index`` table and rebuilt
    when :meth:`Memory.revision` has moved on. :meth:`from_units` matches against units held
    in memory (tests, small jobs).
    """

    def __init__(self, memory: Memory | None, *, src_lang: str = "en") -> None:
        """A matcher over ``memory``; None for one over units given by :meth:`from_units`."""
        self._memory = memory
        self._units: dict[int, Unit] = {}
        self._origin: str | None = None
        self._indexes: dict[str, MatchIndex] = {}
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

    def index(self, src_lang: str | None = None) -> MatchIndex:
        """The index of source texts in ``src_lang``, loaded, or built and saved."""
        lang = _lang.base(src_lang or self.src_lang)
        if lang not in self._indexes:
            if self._memory is None:
                self._indexes[lang] = _build(self._units.items(), lang)
            else:
                self._indexes[lang] = _stored_index(self._memory, lang)
        return self._indexes[lang]

    def _fetch(self, ids: Sequence[int]) -> list[tuple[int, Unit, str | None]]:
        if self._memory is None:
            return [(i, self._units[i], self._origin) for i in ids]
        units = self._memory.get(ids)
        if len(units) != len(ids):
            # a unit went away since the index was loaded: pair ids and units one by one
            pairs = [(i, self._memory.get([i])) for i in ids]
            ids, units = [i for i, u in pairs if u], [u[0] for _, u in pairs if u]
        origins = _origins(self._memory, ids)
        return [(i, u, origins.get(i)) for i, u in zip(ids, units, strict=True)]

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
        lang = _lang.base(src_lang or self.src_lang)
        index = self.index(lang)
        # similarity tops out at 100: an in-context match (101) is found as a 100
        hits = index.search(text, top=top + 2, min_score=min(min_score, 100.0))
        if not hits:
            return []
        near = (
            None if previous is None else index.encode(previous),
            None if following is None else index.encode(following),
        )
        if len(hits) == top + 2 and hits[-1][1] >= 100.0 and near != (None, None):
            # more copies of the sentence than were kept: the one in context may be among them
            hits += _more_in_context(index, text, hits, near)
        wanted = None if target_langs is None else {_lang.base(t) for t in target_langs}
        fetched = {i: (u, o) for i, u, o in self._fetch(list({int(index.ids[r]) for r, _ in hits}))}
        best: dict[int, Match] = {}
        for row, similarity_ in hits:
            unit_id = int(index.ids[row])
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
            part = int(index.parts[row])
            if part:
                whole, sentences = source, _sentences(source, lang)
                source = sentences[part - 1]
                m = score_match(
                    text, source, targets, similarity_, lang, unit, origin, unit_id, whole=whole
                )
                # one sentence of a longer unit: its targets translate more than the draft
                m = dataclasses.replace(
                    m,
                    score=min(m.score, 99.0),
                    kind="partial",
                    part=part,
                    sentences=_sentence_targets(m, sentences, part),
                )
            else:
                m = score_match(text, source, targets, similarity_, lang, unit, origin, unit_id)
                if m.kind == "exact" and _in_context(index, row, near):
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
        out = []
        for i, seg in enumerate(segments):
            matches = self.lookup(
                seg.text,
                src_lang=lang,
                target_langs=target_langs,
                top=top,
                min_score=min_score,
                previous=segments[i - 1].text if i > 0 else None,
                following=segments[i + 1].text if i + 1 < len(segments) else None,
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
    """Match a segmented draft against ``memory`` (see :meth:`Matcher.match_segments`).

    Raises:
        LanguageError: a target language the memory holds no text in.
    """
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


def _in_context(index: MatchIndex, row: int, near: tuple[str | None, str | None]) -> bool:
    """True when the memory row's neighbours in its document are the draft's neighbours,
    ``near``: the token codes of the previous and the next draft segment (None: the draft
    starts or ends here; with no neighbour at all there is no context)."""
    if near == (None, None):
        return False
    docs = index.docs
    for step, codes in zip((-1, 1), near, strict=True):
        other = row + step
        has = 0 <= other < len(index) and docs[other] == docs[row]
        if codes is None:
            if has:
                return False
        elif not has or codes not in _edge_codes(index, other, last=step < 0):
            return False
    return True


def _more_in_context(
    index: MatchIndex,
    text: str,
    hits: Sequence[tuple[int, float]],
    near: tuple[str | None, str | None],
) -> list[tuple[int, float]]:
    """The rows scoring 100 that ``hits`` left out and whose neighbours are the draft's: a
    memory may hold a sentence many times, and only one copy in the draft's context."""
    kept = {row for row, _ in hits}
    every = index.search(text, top=len(index), min_score=100.0, window=None)
    return [
        (row, score) for row, score in every if row not in kept and _in_context(index, row, near)
    ]


def _edge_codes(index: MatchIndex, row: int, *, last: bool) -> set[str]:
    """The token codes a draft neighbour may have to match memory row ``row``: its source,
    or for a multi-sentence unit also its last (``last``) or first sentence."""
    found = {index.row_codes(row)}
    sentences = index.sentence_rows(int(index.ids[row]))
    if sentences:
        found.add(index.row_codes(sentences[-1] if last else sentences[0]))
    return found


def _documents(items: Iterable[tuple[int, Unit]]) -> Iterable[tuple[int, Unit, int]]:
    """Number the documents: the ``x-document`` prop, else runs of consecutive ids."""
    names: dict[str, int] = {}
    run, last = -1, None
    for unit_id, unit in items:
        name = dict(unit.props).get("x-document")
        if name is not None:
            doc = names.setdefault(name, len(names))
        else:
            if last is None or unit_id != last + 1:
                run -= 1
            doc = run
        last = unit_id
        yield unit_id, unit, doc


def _build(items: Iterable[tuple[int, Unit]], lang: str) -> MatchIndex:
    """Index the units' sources in ``lang``. A unit holding several sentences (segtype
    ``paragraph``, from a 2-1 alignment) also gets one row per sentence, after all the whole
    rows (so whole rows stay neighbours for context), each in a document of its own."""
    rows: list[tuple[int, str]] = []
    docs: list[int] = []
    extra: list[tuple[int, str, int]] = []
    for unit_id, unit, doc in _documents(items):
        text = unit.text(lang)
        if text is None:
            continue
        rows.append((unit_id, text))
        docs.append(doc)
        if unit.segtype == "paragraph":
            extra.extend(
                (unit_id, sentence, k) for k, sentence in enumerate(_sentences(text, lang), 1)
            )
    parts = [0] * len(rows)
    lone = min(docs, default=0) - 1
    for unit_id, sentence, k in extra:
        rows.append((unit_id, sentence))
        parts.append(k)
        docs.append(lone)
        lone -= 1
    return MatchIndex.build(rows, lang=lang, docs=docs, parts=parts)


def _sentences(text: str, lang: str) -> list[str]:
    """The sentences of a multi-sentence source (none when it is one sentence)."""
    from tm.segment import segment

    found = segment(text, lang)
    return found if len(found) > 1 else []


_TABLES = """
CREATE TABLE IF NOT EXISTS match_meta (
    lang TEXT PRIMARY KEY, revision INTEGER NOT NULL, version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS match_index (
    lang TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (lang, name)
);
"""


def _stored_index(memory: Memory, lang: str) -> MatchIndex:
    """The memory's saved index for ``lang`` when it is current, else a new one (saved)."""
    conn = memory.connection
    revision = memory.revision()
    has_tables = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('match_meta', 'match_index')"
    ).fetchone()[0]
    if has_tables == 2:
        try:
            row = conn.execute(
                "SELECT revision, version FROM match_meta WHERE lang = ?", (lang,)
            ).fetchone()
            if row is not None and row[0] == revision and row[1] == _INDEX_VERSION:
                blobs = dict(
                    conn.execute("SELECT name, data FROM match_index WHERE lang = ?", (lang,))
                )
                return MatchIndex.from_blobs(blobs)
        except (sqlite3.DatabaseError, KeyError, ValueError) as err:
            raise StoreError(
                f"{memory.path}: the match index is damaged ({err}); delete its match_* "
                "tables and it will be rebuilt"
            ) from err
    index = _build(memory.units_with_ids(langs=[lang]), lang)
    try:
        conn.executescript(_TABLES)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM match_index WHERE lang = ?", (lang,))
        conn.executemany(
            "INSERT INTO match_index (lang, name, data) VALUES (?, ?, ?)",
            [(lang, name, data) for name, data in index.to_blobs().items()],
        )
        conn.execute(
            "INSERT INTO match_meta (lang, revision, version) VALUES (?, ?, ?) "
            "ON CONFLICT (lang) DO UPDATE SET revision = excluded.revision, "
            "version = excluded.version",
            (lang, revision, _INDEX_VERSION),
        )
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        # a read-only memory: match with the index in memory, rebuild next time
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    return index


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
