"""One immutable match index over some units' sources: build, write, map, search.

A :class:`MatchIndex` holds each indexed source as a string of token codes and an inverted
index from token to rows. The memory's index (:mod:`tm.live_index`) is a few of these, a large
one and small deltas, each in a file of its own beside the memory, mapped rather than loaded:
a process opening one reads a header, and pages come in as a search touches them (the OS
shares them between processes). Small indexes (a memory's latest changes, units held in
memory) are built in RAM with the same arrays.

**Layout.** Token ids are ranked by frequency (the commonest token is 0) and a row's codes are
the characters ``chr(id + 1)`` (surrogates skipped), stored UTF-8: most tokens take one or two
bytes. The vocabulary is stored sorted, with each key's id, and looked up by bisection. Posting
lists hold each token's rows in ascending order (int32).

**Retrieval.** A candidate with score >= s must share at least ``s * len(a)`` tokens with the
draft (an edit script keeps at most the shared tokens) and have a length within
``[s * len(a), len(a) / s]``. So with the draft's tokens sorted rarest first, every such
candidate holds one of the first ``len(a) - ceil(s * len(a)) + 1`` of them (prefix filtering).
Rare tokens are read first and their rows scored at once (rapidfuzz, in C), which raises
``s`` to the current k-th best score and shortens the prefix. When the prefix reaches a long
posting list, the rest of it is read at once with numpy, each new row's shared-token count is
looked up in per-token row bitmaps (made on first use for tokens in more than 4096 rows), and
only rows whose count can reach ``s`` are scored, best first. The search is exact for the best
match and for every match within a window (10 points) of it; with ``window=None`` it returns
what scoring every row would return (ties aside). Rows marked dead (units removed since the
index was written) are never returned.
"""

from __future__ import annotations

import heapq
import json
import math
import mmap
import os
import sys
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tm.errors import StoreError
from tm.tokens import masked

__all__ = ["IndexRow", "MatchIndex"]

#: ``(unit id, source text, document number, part)``: one row to index. ``part`` is 0 for a
#: unit's whole source, k for the k-th sentence of a multi-sentence source.
IndexRow = tuple[int, str, int, int]

_MAGIC = b"UNTMIDX1"
_SURROGATES = 0x800  # code points U+D800..U+DFFF are skipped when tokens become characters
_LIMIT = 0x10FFFF - _SURROGATES  # more distinct tokens than this fold together (never seen)
_CHUNK = 20_000  # rows tokenised per task of a parallel build
_BITMAPS = 256  # bitmaps of common tokens kept per index (125 KB each at a million rows)

#: The arrays of an index file, with their dtypes.
_ARRAYS = {
    "vocab": np.uint8,  # the sorted keys, UTF-8, concatenated
    "vocab_offsets": np.int64,
    "vocab_ids": np.int32,  # the token id of each sorted key
    "seq": np.uint8,  # the rows' token codes, UTF-8
    "seq_offsets": np.int64,
    "lengths": np.int32,  # tokens per row
    "ids": np.int64,
    "docs": np.int64,
    "parts": np.int32,
    "post_offsets": np.int64,
    "post_rows": np.int32,
}


def _char(index: int) -> str:
    index %= _LIMIT
    code = index + 1
    return chr(code + _SURROGATES if code >= 0xD800 else code)


def _index_of(char: str) -> int:
    code = ord(char)
    return (code - _SURROGATES if code >= 0xD800 else code) - 1


class MatchIndex:
    """Token-code strings and an inverted index over some units' sources in one language.

    Build with :meth:`build` (in RAM) or :meth:`write` (to a file), open a file with
    :meth:`map`. Rows keep the order given; ``docs`` says which rows are consecutive segments
    of one document (context), ``parts`` which rows hold one sentence of a longer source.
    :meth:`search` returns rows with their exact token similarity.
    """

    #: Tokens in more rows than this are counted with row bitmaps once a search reaches them
    #: (see ``_Search.count_rest``).
    big_posting: int = 4096

    def __init__(self, arrays: dict[str, np.ndarray], *, lang: str) -> None:
        self.lang = lang
        self._vocab_blob = arrays["vocab"]
        self._vocab_offsets = arrays["vocab_offsets"]
        self._vocab_ids = arrays["vocab_ids"]
        self._seq = arrays["seq"]
        self._seq_offsets = arrays["seq_offsets"]
        self.lengths = arrays["lengths"]
        self.ids = arrays["ids"]
        self.docs = arrays["docs"]
        self.parts = arrays["parts"]
        self.post_offsets = arrays["post_offsets"]
        self.post_rows = arrays["post_rows"]
        self.size = len(self.ids)
        self.vocab_size = len(self._vocab_ids)
        #: rows whose unit was removed after the index was written (None: none)
        self.dead: np.ndarray | None = None
        self._keys: dict[str, int] = {}
        self._bits: dict[int, np.ndarray] = {}
        self._sentence_rows: dict[int, list[int]] | None = None

    def __len__(self) -> int:
        return self.size

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
        """Index ``(id, source text)`` pairs in ``lang`` in RAM; ``docs`` gives a document
        number per pair (consecutive rows of one document are context for each other) and
        ``parts`` marks rows that hold only the k-th sentence of their unit's source."""
        doc_list = list(docs) if docs is not None else None
        part_list = list(parts) if parts is not None else None
        rows = (
            (unit_id, text, doc_list[i] if doc_list else 0, part_list[i] if part_list else 0)
            for i, (unit_id, text) in enumerate(pairs)
        )
        return cls(_arrays(rows, lang), lang=lang)

    @classmethod
    def write(
        cls,
        path: Path,
        rows: Iterable[IndexRow],
        *,
        lang: str,
        stamp: dict[str, int],
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Index ``rows`` into the file ``path`` (written whole, then renamed into place)
        with ``stamp`` in its header (what :meth:`map` checks); tokenising runs on
        ``workers`` processes. Returns the file's size in bytes."""
        arrays = _arrays(rows, lang, workers=workers, progress=progress)
        header: dict[str, Any] = {"lang": lang, "stamp": stamp, "arrays": {}}
        offset = 0
        for name, data in arrays.items():
            offset = -(-offset // 64) * 64
            header["arrays"][name] = [offset, len(data)]
            offset += data.nbytes
        head = json.dumps(header).encode("utf-8")
        start = -(-(len(_MAGIC) + 8 + len(head)) // 64) * 64
        temp = path.with_name(path.name + ".tmp")
        with open(temp, "wb") as out:
            out.write(_MAGIC + len(head).to_bytes(8, "little") + head)
            for name, data in arrays.items():
                out.seek(start + header["arrays"][name][0])
                out.write(data.tobytes())
            out.truncate(start + offset)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        return start + offset

    @classmethod
    def map(cls, path: Path, *, stamp: dict[str, int]) -> MatchIndex:
        """Map the index file ``path``; only the header is read now.

        Raises:
            StoreError: if the file is missing, truncated, not an index, or its header does
                not carry ``stamp`` (written for another memory or another state of it).
        """
        try:
            with open(path, "rb") as handle:
                buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as err:
            raise StoreError(f"{path}: cannot read the match index ({err})") from err
        try:
            if buffer[: len(_MAGIC)] != _MAGIC:
                raise ValueError("not an untm index file")
            size = int.from_bytes(buffer[len(_MAGIC) : len(_MAGIC) + 8], "little")
            head = json.loads(bytes(buffer[len(_MAGIC) + 8 : len(_MAGIC) + 8 + size]))
            if head.get("stamp") != stamp:
                raise ValueError("written for another state of the memory")
            start = -(-(len(_MAGIC) + 8 + size) // 64) * 64
            arrays = {}
            for name, dtype in _ARRAYS.items():
                offset, count = head["arrays"][name]
                arrays[name] = np.frombuffer(
                    buffer, dtype=dtype, count=count, offset=start + offset
                )
            index = cls(arrays, lang=str(head["lang"]))
            index._check()
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{path}: the match index is damaged ({err})") from err
        return index

    def _check(self) -> None:
        """Cheap consistency checks of mapped arrays (the lengths that bound every read)."""
        n, v = self.size, self.vocab_size
        if not (
            len(self.lengths) == len(self.docs) == len(self.parts) == n
            and len(self._seq_offsets) == n + 1
            and len(self.post_offsets) == v + 1
            and len(self._vocab_offsets) == v + 1
            and int(self._seq_offsets[-1]) == len(self._seq)
            and int(self.post_offsets[-1]) == len(self.post_rows)
            and int(self._vocab_offsets[-1]) == len(self._vocab_blob)
        ):
            raise ValueError("array lengths disagree")

    # --- reading -------------------------------------------------------------------------

    def token(self, key: str) -> int | None:
        """The id of a token key, or None when no row holds it (bisection, cached)."""
        found = self._keys.get(key, -1)
        if found != -1:
            return found if found >= 0 else None
        blob, offsets = self._vocab_blob, self._vocab_offsets
        lo, hi = 0, self.vocab_size
        while lo < hi:
            mid = (lo + hi) // 2
            probe = blob[offsets[mid] : offsets[mid + 1]].tobytes().decode("utf-8")
            if probe < key:
                lo = mid + 1
            else:
                hi = mid
        result: int | None = None
        if (
            lo < self.vocab_size
            and blob[offsets[lo] : offsets[lo + 1]].tobytes().decode("utf-8") == key
        ):
            result = int(self._vocab_ids[lo])
        if len(self._keys) > 100_000:
            self._keys.clear()
        self._keys[key] = -2 if result is None else result
        return result

    def encode(self, text: str) -> str:
        """The token-code string of ``text``; tokens the index never saw get private codes
        that match nothing."""
        out = []
        unknown = self.vocab_size
        for key in masked(text, self.lang):
            index = self.token(key)
            if index is None:
                index = unknown
                unknown += 1
            out.append(_char(index))
        return "".join(out)

    def row_codes(self, row: int) -> str:
        """The token-code string of one row."""
        offsets = self._seq_offsets
        return self._seq[offsets[row] : offsets[row + 1]].tobytes().decode("utf-8")

    def rows_codes(self, rows: np.ndarray) -> list[str]:
        """The token-code strings of ``rows``."""
        # the rows' bytes gathered at once and decoded as one string, then cut by their
        # lengths (one character per token): a tenth of decoding row by row
        starts = self._seq_offsets[rows]
        sizes = self._seq_offsets[rows + 1] - starts
        before = np.zeros(len(rows), dtype=np.int64)
        np.cumsum(sizes[:-1], out=before[1:])
        where = np.repeat(starts - before, sizes) + np.arange(int(sizes.sum()), dtype=np.int64)
        text = self._seq[where].tobytes().decode("utf-8")
        ends = np.cumsum(self.lengths[rows]).tolist()
        return [text[a:b] for a, b in zip([0, *ends], ends, strict=False)]

    def bits(self, token: int) -> np.ndarray:
        """Which rows hold ``token``, one bit per row (little-endian bytes); made on first
        use, a few hundred kept."""
        found = self._bits.get(token)
        if found is None:
            hit = np.zeros(self.size, dtype=np.bool_)
            hit[self.post_rows[self.post_offsets[token] : self.post_offsets[token + 1]]] = True
            if len(self._bits) >= _BITMAPS:
                self._bits.pop(next(iter(self._bits)))
            found = self._bits[token] = np.packbits(hit, bitorder="little")
        return found

    def sentence_rows(self, unit_id: int) -> list[int]:
        """The rows holding the sentences of a multi-sentence unit, in order (else none)."""
        if self._sentence_rows is None:
            table: dict[int, list[int]] = {}
            for row in np.flatnonzero(self.parts > 0).tolist():
                table.setdefault(int(self.ids[row]), []).append(row)
            self._sentence_rows = table
        return self._sentence_rows.get(unit_id, [])

    def alive(self, row: int) -> bool:
        """Whether ``row``'s unit is still in the memory (as far as this index knows)."""
        return self.dead is None or not bool(self.dead[row])

    def memory_bytes(self) -> int:
        """Roughly how much RAM the index takes when built in RAM (mapped: its file size)."""
        arrays = (
            self._vocab_blob,
            self._vocab_offsets,
            self._vocab_ids,
            self._seq,
            self._seq_offsets,
            self.lengths,
            self.ids,
            self.docs,
            self.parts,
            self.post_offsets,
            self.post_rows,
        )
        total = sum(a.nbytes for a in arrays) + sum(b.nbytes for b in self._bits.values())
        return total + sum(sys.getsizeof(k) + 100 for k in self._keys)

    # --- searching -----------------------------------------------------------------------

    def search(
        self, text: str, *, top: int = 3, min_score: float = 50, window: float | None = 10.0
    ) -> list[tuple[int, float]]:
        """The ``top`` rows most similar to ``text`` with score >= ``min_score``, best first.

        Scores are token similarity in percent (not rounded); rows sharing no token
        (similarity 0) are never returned. The best row is always found, and so is every
        row scoring within ``window`` points of it; rows further below the best may be missed
        (they are only proposed if met on the way). With ``window=None`` the whole result
        equals an exhaustive scan's, except in which of several equal-scoring rows are kept.
        """
        query = self.encode(text)
        if not query or self.size == 0 or top < 1:
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
        # dead rows count as seen: they are never scored
        self.seen = (
            np.zeros(len(index), dtype=np.bool_) if index.dead is None else index.dead.copy()
        )
        known = index.vocab_size
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
        choices = self.index.rows_codes(rows)
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


# --- building the arrays ---------------------------------------------------------------------


def _encode_texts(job: tuple[list[str], str]) -> tuple[list[str], bytes, bytes]:
    """Tokenise ``texts`` with a vocabulary of their own: its keys, each text's token ids
    (int32) and each text's length (int32). Runs in worker processes."""
    texts, lang = job
    vocab: dict[str, int] = {}
    codes = array("i")
    lengths = array("i")
    for text in texts:
        keys = masked(text, lang)
        codes.extend([vocab.setdefault(k, len(vocab)) for k in keys])
        lengths.append(len(keys))
    return list(vocab), codes.tobytes(), lengths.tobytes()


def _chunks(
    rows: Iterable[IndexRow], meta: tuple[array[int], array[int], array[int]], lang: str
) -> Iterator[tuple[list[str], str]]:
    """Tokenising jobs of ``_CHUNK`` texts; the rows' ids, docs and parts go to ``meta``."""
    ids, docs, parts = meta
    rows = iter(rows)
    while True:
        texts = []
        for unit_id, text, doc, part in islice(rows, _CHUNK):
            ids.append(unit_id)
            docs.append(doc)
            parts.append(part)
            texts.append(text)
        if not texts:
            return
        yield texts, lang


def _arrays(
    rows: Iterable[IndexRow],
    lang: str,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of an index over ``rows`` (see :data:`_ARRAYS`)."""
    meta: tuple[array[int], array[int], array[int]] = (array("q"), array("q"), array("i"))
    jobs = _chunks(rows, meta, lang)
    vocab: dict[str, int] = {}
    codes_parts: list[np.ndarray] = []
    length_parts: list[np.ndarray] = []
    pool = None
    if workers > 1 and sys.platform == "linux":
        import multiprocessing

        # fresh interpreters, not forks: a fork copies a process's database connections and
        # the locks its other threads hold (a server's, a progress bar's), and its children
        # then close those connections or wait forever on those locks
        pool = multiprocessing.get_context("spawn").Pool(workers)
        results = _parallel(pool, jobs, 2 * workers)
    else:
        results = map(_encode_texts, jobs)
    try:
        for keys, codes, lengths in results:
            remap = np.fromiter(
                (vocab.setdefault(k, len(vocab)) for k in keys), dtype=np.int32, count=len(keys)
            )
            codes_parts.append(remap[np.frombuffer(codes, dtype=np.int32)])
            length_parts.append(np.frombuffer(lengths, dtype=np.int32))
            if progress is not None:
                progress(len(length_parts[-1]))
    finally:
        if pool is not None:
            pool.terminate()
    codes_arr = np.concatenate(codes_parts) if codes_parts else np.zeros(0, dtype=np.int32)
    lengths_arr = np.concatenate(length_parts) if length_parts else np.zeros(0, dtype=np.int32)
    del codes_parts, length_parts
    # ids by frequency: the commonest tokens get the shortest UTF-8 codes
    freq = np.bincount(codes_arr, minlength=len(vocab))
    order = np.argsort(-freq, kind="stable")
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[order] = np.arange(len(vocab), dtype=np.int32)
    codes_arr = rank[codes_arr]
    del freq
    offsets = np.zeros(len(lengths_arr) + 1, dtype=np.int64)
    np.cumsum(lengths_arr, out=offsets[1:])
    points = codes_arr.astype(np.uint32) + 1
    points[points >= 0xD800] += _SURROGATES
    seq = np.frombuffer(points.tobytes().decode("utf-32-le").encode("utf-8"), dtype=np.uint8).copy()
    widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
    del points
    byte_ends = np.zeros(len(codes_arr) + 1, dtype=np.int64)
    np.cumsum(widths, out=byte_ends[1:])
    seq_offsets = byte_ends[offsets]
    del widths, byte_ends
    post_offsets, post_rows = _postings(codes_arr, offsets, len(vocab))
    del codes_arr
    keys = sorted(vocab, key=vocab.__getitem__)  # by provisional id
    ranked = [keys[i] for i in order.tolist()]  # by final id
    del keys, vocab
    alphabetical = sorted(range(len(ranked)), key=ranked.__getitem__)
    blobs = [ranked[i].encode("utf-8") for i in alphabetical]
    vocab_offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=vocab_offsets[1:])
    ids, docs, parts = meta
    return {
        "vocab": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "vocab_offsets": vocab_offsets,
        "vocab_ids": np.asarray(alphabetical, dtype=np.int32),
        "seq": seq,
        "seq_offsets": seq_offsets,
        "lengths": lengths_arr,
        "ids": np.frombuffer(ids, dtype=np.int64) if ids else np.zeros(0, dtype=np.int64),
        "docs": np.frombuffer(docs, dtype=np.int64) if docs else np.zeros(0, dtype=np.int64),
        "parts": np.frombuffer(parts, dtype=np.int32) if parts else np.zeros(0, dtype=np.int32),
        "post_offsets": post_offsets,
        "post_rows": post_rows,
    }


def _parallel(
    pool: Any, jobs: Iterator[tuple[list[str], str]], ahead: int
) -> Iterator[tuple[list[str], bytes, bytes]]:
    """:func:`_encode_texts` of each job on ``pool``, in order, at most ``ahead`` jobs in
    flight (``Pool.imap`` would read every job first: a whole memory's texts)."""
    pending: deque[Any] = deque()
    for job in jobs:
        pending.append(pool.apply_async(_encode_texts, (job,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _postings(codes: np.ndarray, offsets: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Posting lists: for each token, the rows holding it (ascending, once per row).

    Worked in place on one int64 array of ``token << 32 | row`` keys, to keep the peak
    memory of a million-segment build low.
    """
    keys = codes.astype(np.int64)
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
