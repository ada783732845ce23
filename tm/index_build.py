"""The arrays of a :class:`~tm.index.MatchIndex`, built from rows of source text.

Sources are tokenised (:func:`tm.tokens.masked`) in chunks, on worker processes for a large
build, each chunk with a vocabulary of its own that the parent maps onto the index's. Token
ids are then ranked by frequency (the commonest token is 0), rows become strings of token
codes, and the posting lists are made with two sorts of one int64 key array, worked in place
to keep the peak memory of a million-row build low.

**Posting lists** hold, for each token ``t``, the rows holding it, each with its *rank*
``r``: how many of the row's tokens (occurrences) are at least as common as ``t`` (ids
``<= t``), capped at 255 (read as "255 or more"). A list is sorted by rank, then row. The
search reads the draft's tokens rarest first; a row it meets first at ``t`` shares none of the
rarer tokens, so it shares at most ``r`` tokens with the draft, and the rows of a list that
cannot reach a score are one slice, never read (:mod:`tm.index_search`).

**Common tokens** (the :data:`COMMON` commonest) also get a bitmap over the rows: their posting
lists are the longest and their rows' ranks the least telling, so a search counts them for
every row at once, bit-sliced, instead of reading them (a bitmap is 125 KB a million rows).
The :data:`TWICE` commonest also get a bitmap of the rows holding them twice or more (a draft
with two "the" shares two with those rows, one with the others). Bitmaps of the rows of at most
1, 2, ... :data:`SHORT` tokens keep only the rows of the right length among those counted.
"""

from __future__ import annotations

import sys
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from tm.tokens import masked

__all__ = [
    "ARRAYS",
    "COMMON",
    "Encoded",
    "RANK_CAP",
    "SHORT",
    "TWICE",
    "IndexRow",
    "Vocabulary",
    "build_arrays",
    "char_of",
    "encode_texts",
    "finish_arrays",
    "joined",
    "index_of",
]

#: ``(unit id, source text, document number, part)``: one row to index. ``part`` is 0 for a
#: unit's whole source, k for the k-th sentence of a multi-sentence source.
IndexRow = tuple[int, str, int, int]

#: The arrays of an index, with their dtypes.
ARRAYS = {
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
    "post_ranks": np.uint8,  # per posting: the row's tokens at least as common (capped)
    "common_bits": np.uint64,  # per common token, one bit per row (bit r % 64 of word r // 64)
    "twice_bits": np.uint64,  # per token of the TWICE commonest, the rows holding it twice
    "short_bits": np.uint64,  # per length 1 .. SHORT, the rows of at most that many tokens
}
#: how many of the commonest tokens get a bitmap
COMMON = 128
#: how many of the commonest tokens get a bitmap of the rows holding them twice or more
TWICE = 32
#: the longest length with a bitmap of the rows at most that long
SHORT = 31
#: a rank of this value means "this many or more"
RANK_CAP = 255

_SURROGATES = 0x800  # code points U+D800..U+DFFF are skipped when tokens become characters
_LIMIT = 0x10FFFF - _SURROGATES  # more distinct tokens than this fold together (never seen)
_CHUNK = 20_000  # rows tokenised per task of a parallel build
_SPLIT_SORT = 1 << 20  # keys sorted on two threads past this
_STEP = 1 << 24  # tokens turned into UTF-8 at a time


def char_of(index: int) -> str:
    """The code character of token id ``index`` (``chr(id + 1)``, surrogates skipped)."""
    index %= _LIMIT
    code = index + 1
    return chr(code + _SURROGATES if code >= 0xD800 else code)


def index_of(char: str) -> int:
    """The token id of a code character (the inverse of :func:`char_of`)."""
    code = ord(char)
    return (code - _SURROGATES if code >= 0xD800 else code) - 1


def build_arrays(
    rows: Iterable[IndexRow],
    lang: str,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    common: int = COMMON,
) -> dict[str, np.ndarray]:
    """The arrays of an index over ``rows`` (see :data:`ARRAYS`), with bitmaps of the
    ``common`` commonest tokens; tokenising runs on ``workers`` processes; ``progress(n)``
    after each ``n`` rows."""
    meta: tuple[array[int], array[int], array[int]] = (array("q"), array("q"), array("i"))
    jobs = _chunks(rows, meta, lang)
    vocab = Vocabulary()
    codes: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    pool = None
    if workers > 1 and sys.platform == "linux":
        import multiprocessing

        # fresh interpreters, not forks: a fork copies a process's database connections and
        # the locks its other threads hold (a server's, a progress bar's), and its children
        # then close those connections or wait forever on those locks
        pool = multiprocessing.get_context("spawn").Pool(workers)
        results = _parallel(pool, jobs, 2 * workers)
    else:
        results = map(_encode_job, jobs)
    try:
        for encoded in results:
            codes.append(vocab.remap(encoded))
            lengths.append(np.frombuffer(encoded.lengths, dtype=np.int32))
            if progress is not None:
                progress(len(lengths[-1]))
    finally:
        if pool is not None:
            pool.terminate()
    ids, docs, parts = (np.array(a, dtype=a.typecode) for a in meta)
    return finish_arrays(vocab, codes, lengths, ids=ids, docs=docs, parts=parts, common=common)


@dataclass(frozen=True, slots=True)
class Encoded:
    """Texts tokenised with a vocabulary of their own (:func:`encode_texts`): its keys, in
    the order of their local ids, each text's token ids (int32 bytes) and each text's length
    in tokens (int32 bytes). Plain values: worker processes send them back pickled."""

    keys: list[str]
    codes: bytes
    lengths: bytes


class Vocabulary(dict[str, int]):
    """Token keys numbered in the order first met (a new key gets the next number)."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value

    def remap(self, encoded: Encoded) -> np.ndarray:
        """The token ids of the texts of ``encoded`` (int32, laid end to end) in this
        numbering."""
        get = self.__getitem__
        remap = np.fromiter(map(get, encoded.keys), dtype=np.int32, count=len(encoded.keys))
        return remap[np.frombuffer(encoded.codes, dtype=np.int32)]


def finish_arrays(
    vocab: dict[str, int],
    codes: list[np.ndarray],
    lengths: list[np.ndarray],
    *,
    ids: np.ndarray,
    docs: np.ndarray,
    parts: np.ndarray,
    common: int = COMMON,
) -> dict[str, np.ndarray]:
    """The arrays of an index (see :data:`ARRAYS`) over rows already tokenised: ``codes``
    holds the token ids of the rows (numbered by ``vocab``, int32, laid end to end, in
    pieces), ``lengths`` each row's length (in pieces); ``ids``, ``docs`` and ``parts`` are
    the rows' unit ids, documents and parts. The pieces are released as they are joined."""
    codes_arr = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
    codes.clear()
    lengths_arr = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32)
    lengths.clear()
    # ids by frequency: the commonest tokens get the shortest UTF-8 codes
    freq = np.bincount(codes_arr, minlength=len(vocab))
    order = np.argsort(-freq, kind="stable")
    # keys no row holds (rows of units an import dropped) come last, and are left out
    known = int(np.count_nonzero(freq))
    rank = np.empty(len(vocab), dtype=np.int32)
    rank[order] = np.arange(len(vocab), dtype=np.int32)
    order = order[:known]
    codes_arr = rank[codes_arr]
    del freq
    offsets = np.zeros(len(lengths_arr) + 1, dtype=np.int64)
    np.cumsum(lengths_arr, out=offsets[1:])
    points = codes_arr.astype(np.uint32) + 1
    points[points >= 0xD800] += _SURROGATES
    # UTF-8 by slices: the text of a whole memory's tokens would be several copies of it
    seq = joined(
        [
            np.frombuffer(points[at : at + _STEP].tobytes().decode("utf-32-le").encode(), np.uint8)
            for at in range(0, len(points), _STEP)
        ],
        np.uint8,
    )
    widths = (points >= 0x80).astype(np.uint8)
    widths += points >= 0x800
    widths += points >= 0x10000
    widths += 1
    del points
    byte_ends = np.zeros(len(codes_arr) + 1, dtype=np.int64)
    np.cumsum(widths, dtype=np.int64, out=byte_ends[1:])
    seq_offsets = byte_ends[offsets]
    del widths, byte_ends
    post_offsets, post_rows, post_ranks, twice = _postings(codes_arr, offsets, known)
    size, common = len(lengths_arr), min(common, known)
    common_bits = _bitmaps(post_offsets, post_rows, size, common)
    twice_bits = _bitmaps(*_postings_of(twice, min(common, TWICE)), size, min(common, TWICE))
    del codes_arr
    keys = sorted(vocab, key=vocab.__getitem__)  # by provisional id
    ranked = [keys[i] for i in order.tolist()]  # by final id
    del keys, vocab
    alphabetical = sorted(range(len(ranked)), key=ranked.__getitem__)
    blobs = [ranked[i].encode("utf-8") for i in alphabetical]
    vocab_offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=vocab_offsets[1:])
    return {
        "vocab": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "vocab_offsets": vocab_offsets,
        "vocab_ids": np.asarray(alphabetical, dtype=np.int32),
        "seq": seq,
        "seq_offsets": seq_offsets,
        "lengths": lengths_arr,
        "ids": ids.astype(np.int64, copy=False),
        "docs": docs.astype(np.int64, copy=False),
        "parts": parts.astype(np.int32, copy=False),
        "post_offsets": post_offsets,
        "post_rows": post_rows,
        "post_ranks": post_ranks,
        "common_bits": common_bits,
        "twice_bits": twice_bits,
        "short_bits": _short_bits(lengths_arr),
    }


def encode_texts(texts: Iterable[str], lang: str) -> Encoded:
    """Tokenise ``texts`` in ``lang`` with a vocabulary of their own (in worker processes:
    a parallel build's, a bulk import's)."""
    vocab = Vocabulary()
    code = vocab.__getitem__
    codes = array("i")
    lengths = array("i")
    for text in texts:
        keys = masked(text, lang)
        codes.extend(map(code, keys))
        lengths.append(len(keys))
    return Encoded(list(vocab), codes.tobytes(), lengths.tobytes())


def _encode_job(job: tuple[list[str], str]) -> Encoded:
    return encode_texts(*job)


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


def _parallel(pool: Any, jobs: Iterator[tuple[list[str], str]], ahead: int) -> Iterator[Encoded]:
    """:func:`encode_texts` of each job on ``pool``, in order, at most ``ahead`` jobs in
    flight (``Pool.imap`` would read every job first: a whole memory's texts)."""
    pending: deque[Any] = deque()
    for job in jobs:
        pending.append(pool.apply_async(_encode_job, (job,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _postings(
    codes: np.ndarray, offsets: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Posting lists: for each token, the rows holding it (once per row) with their ranks,
    sorted by rank then row (see the module's docstring); and the ``row << 32 | id`` keys of
    the tokens rows hold twice or more.

    Each row's token ids are sorted first (``row << 32 | id``): the last occurrence of an id
    then sits at its rank (its position in the row, counted from 1). The keys become
    ``id << 40 | rank << 32 | row`` and are sorted again.
    """
    lengths = np.diff(offsets)
    keys = np.repeat(np.arange(len(lengths), dtype=np.int64) << 32, lengths)
    keys |= codes
    _sort(keys)
    last = np.empty(len(keys), dtype=np.bool_)
    np.not_equal(keys[:-1], keys[1:], out=last[:-1])
    last[-1:] = True
    twice = keys[:-1][~last[:-1]]
    ranks = np.arange(1, len(keys) + 1, dtype=np.int64)
    ranks -= np.repeat(offsets[:-1], lengths)
    np.minimum(ranks, RANK_CAP, out=ranks)
    ranks <<= 32
    ranks |= keys >> 32  # the rows
    keys &= 0xFFFFFFFF  # the ids
    keys <<= 40
    keys |= ranks
    del ranks
    keys = keys[last]  # one entry per (token, row): its last occurrence in the row
    del last
    _sort(keys)
    post_rows = (keys & 0xFFFFFFFF).astype(np.int32)
    post_ranks = ((keys >> 32) & 0xFF).astype(np.uint8)
    keys >>= 40
    post_offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=post_offsets[1:])
    return post_offsets, post_rows, post_ranks, twice


def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    """``arrays`` end to end (an empty array of ``dtype`` when there are none)."""
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _sort(keys: np.ndarray) -> None:
    """Sort ``keys`` in place, a large array on two threads (NumPy sorts without the GIL):
    each half, then the two sorted runs merged in one pass (the stable sort's timsort)."""
    if len(keys) < _SPLIT_SORT:
        keys.sort()
        return
    half = len(keys) // 2
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(np.ndarray.sort, (keys[:half], keys[half:])))
    keys.sort(kind="stable")


def _postings_of(keys: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Posting offsets and rows of tokens ``0 .. count - 1`` from ``row << 32 | id`` keys."""
    ids = keys & 0xFFFFFFFF
    keys = keys[ids < count]
    order = np.argsort(keys & 0xFFFFFFFF, kind="stable")
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys & 0xFFFFFFFF, minlength=count), out=offsets[1:])
    return offsets, (keys[order] >> 32).astype(np.int32)


def _bitmaps(post_offsets: np.ndarray, post_rows: np.ndarray, size: int, count: int) -> np.ndarray:
    """The row bitmaps of tokens ``0 .. count - 1``, one after the other, each of
    ``ceil(size / 64)`` little-endian 64-bit words."""
    words = -(-size // 64)
    out = np.zeros(count * words, dtype=np.uint64)
    hit = np.zeros(words * 64, dtype=np.bool_)
    for token in range(count):
        hit[:] = False
        hit[post_rows[post_offsets[token] : post_offsets[token + 1]]] = True
        out[token * words : (token + 1) * words] = np.packbits(hit, bitorder="little").view("<u8")
    return out


def _short_bits(lengths: np.ndarray) -> np.ndarray:
    """The bitmaps of the rows of at most 1, 2, ... :data:`SHORT` tokens, one after the other
    (laid out as :func:`_bitmaps`)."""
    words = -(-len(lengths) // 64)
    out = np.zeros(SHORT * words, dtype=np.uint64)
    hit = np.zeros(words * 64, dtype=np.bool_)
    for length in range(1, SHORT + 1):
        np.less_equal(lengths, length, out=hit[: len(lengths)])
        out[(length - 1) * words : length * words] = np.packbits(hit, bitorder="little").view("<u8")
    return out
