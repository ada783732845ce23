"""One immutable match index over some units' sources: the arrays, their file, reading.

A :class:`MatchIndex` holds each indexed source as a string of token codes and an inverted
index from token to rows. The memory's index (:mod:`tm.live_index`) is a few of these, a large
one and small deltas, each in a file of its own beside the memory, mapped rather than loaded:
a process opening one reads a header, and pages come in as a search touches them (the OS
shares them between processes, and a process maps each file once). Small indexes (a memory's
latest changes, units held in memory) are built in RAM with the same arrays.

**Layout.** Token ids are ranked by frequency (the commonest token is 0) and a row's codes are
the characters ``chr(id + 1)`` (surrogates skipped), stored UTF-8: most tokens take one or two
bytes. The vocabulary is stored sorted, with each key's id, and looked up by bisection. Posting
lists hold each token's rows with their ranks (:mod:`tm.index_build` builds the arrays);
:mod:`tm.index_search` searches them.
"""

from __future__ import annotations

import json
import mmap
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from tm.errors import StoreError
from tm.index_build import ARRAYS, COMMON, SHORT, IndexRow, build_arrays, char_of
from tm.index_search import Search
from tm.tokens import masked

__all__ = ["IndexRow", "MatchIndex"]

_MAGIC = b"UNTMIDX2"
_MAPPED: dict[str, tuple[tuple[int, int, int, int], mmap.mmap]] = {}
_MAPPED_MAX = 64  # files kept mapped per process (a server opens memories one after another)


class MatchIndex:
    """Token-code strings and an inverted index over some units' sources in one language.

    Build with :meth:`build` (in RAM) or :meth:`write` (to a file), open a file with
    :meth:`map`. Rows keep the order given; ``docs`` says which rows are consecutive segments
    of one document (context), ``parts`` which rows hold one sentence of a longer source.
    :meth:`search` returns rows with their exact token similarity.
    """

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
        self.post_ranks = arrays["post_ranks"]
        self.size = len(self.ids)
        self.vocab_size = len(self._vocab_ids)
        #: words of a row bitmap, and the common tokens (ids below this) that have one
        self.words = -(-self.size // 64)
        self._common_bits = arrays["common_bits"]
        self.common = len(self._common_bits) // self.words if self.words else 0
        self._twice_bits = arrays["twice_bits"]
        #: the common tokens (ids below this) with a bitmap of the rows holding them twice
        self.twice = len(self._twice_bits) // self.words if self.words else 0
        self._short_bits = arrays["short_bits"]
        #: the units removed after the index was written, sorted (None: none); their rows
        #: are dead, left out as a search meets them (marking them would read every row)
        self.dead: np.ndarray | None = None
        self._keys: dict[str, int] = {}
        # the vocabulary as memoryviews: bisection reads Python ints and bytes from them
        self._vocab_view = self._vocab_blob.data
        self._vocab_ends = self._vocab_offsets.data
        self._sentence_rows: dict[int, list[int]] | None = None
        self._spare: list[np.ndarray] = []  # cleared row flag arrays (see lend_seen)

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
        common: int = COMMON,
    ) -> MatchIndex:
        """Index ``(id, source text)`` pairs in ``lang`` in RAM; ``docs`` gives a document
        number per pair (consecutive rows of one document are context for each other) and
        ``parts`` marks rows that hold only the k-th sentence of their unit's source;
        ``common`` tokens get row bitmaps (:mod:`tm.index_build`)."""
        doc_list = list(docs) if docs is not None else None
        part_list = list(parts) if parts is not None else None
        rows = (
            (unit_id, text, doc_list[i] if doc_list else 0, part_list[i] if part_list else 0)
            for i, (unit_id, text) in enumerate(pairs)
        )
        return cls(build_arrays(rows, lang, common=common), lang=lang)

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
        arrays = build_arrays(rows, lang, workers=workers, progress=progress)
        return cls.write_arrays(path, arrays, lang=lang, stamp=stamp)

    @classmethod
    def write_arrays(
        cls, path: Path, arrays: dict[str, np.ndarray], *, lang: str, stamp: dict[str, int]
    ) -> int:
        """Write the index ``arrays`` (:mod:`tm.index_build`) into the file ``path`` as
        :meth:`write` does; returns its size in bytes."""
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
                out.write(np.ascontiguousarray(data).data.cast("B"))
            out.truncate(start + offset)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        return start + offset

    @classmethod
    def map(cls, path: Path, *, stamp: dict[str, int]) -> MatchIndex:
        """Map the index file ``path``; only the header is read now. A process maps a file
        once: mapping it again (a server's next request) reuses the mapping while the file
        is the same (device, inode, size, modification time).

        Raises:
            StoreError: if the file is missing, truncated, not an index, or its header does
                not carry ``stamp`` (written for another memory or another state of it).
        """
        key = str(path)
        try:
            with open(path, "rb") as handle:
                info = os.fstat(handle.fileno())
                identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                cached = _MAPPED.get(key)
                if cached is None or cached[0] != identity:
                    cached = (identity, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError) as err:
            raise StoreError(f"{path}: cannot read the match index ({err})") from err
        buffer = cached[1]
        try:
            if buffer[: len(_MAGIC)] != _MAGIC:
                raise ValueError("not an untm index file")
            size = int.from_bytes(buffer[len(_MAGIC) : len(_MAGIC) + 8], "little")
            head = json.loads(bytes(buffer[len(_MAGIC) + 8 : len(_MAGIC) + 8 + size]))
            if head.get("stamp") != stamp:
                raise ValueError("written for another state of the memory")
            start = -(-(len(_MAGIC) + 8 + size) // 64) * 64
            arrays = {}
            for name, dtype in ARRAYS.items():
                offset, count = head["arrays"][name]
                arrays[name] = np.frombuffer(
                    buffer, dtype=dtype, count=count, offset=start + offset
                )
            index = cls(arrays, lang=str(head["lang"]))
            index._check()
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{path}: the match index is damaged ({err})") from err
        _MAPPED.pop(key, None)
        for gone in [p for p in _MAPPED if not os.path.exists(p)]:
            del _MAPPED[gone]  # a deleted file's space is freed once no index maps it
        if len(_MAPPED) >= _MAPPED_MAX:
            _MAPPED.pop(next(iter(_MAPPED)))  # the least recently mapped
        _MAPPED[key] = cached
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
            and int(self.post_offsets[-1]) == len(self.post_rows) == len(self.post_ranks)
            and int(self._vocab_offsets[-1]) == len(self._vocab_blob)
            and self.common * self.words == len(self._common_bits)
            and self.common <= v
            and len(self._short_bits) == SHORT * self.words
            and self.twice * self.words == len(self._twice_bits)
            and self.twice <= self.common
        ):
            raise ValueError("array lengths disagree")

    # --- reading -------------------------------------------------------------------------

    def token(self, key: str) -> int | None:
        """The id of a token key, or None when no row holds it (bisection, cached)."""
        found = self._keys.get(key, -1)
        if found != -1:
            return found if found >= 0 else None
        # UTF-8 bytes sort as their code points: the keys compare as bytes
        blob, ends, wanted = self._vocab_view, self._vocab_ends, key.encode("utf-8")
        lo, hi = 0, self.vocab_size
        while lo < hi:
            mid = (lo + hi) // 2
            if blob[ends[mid] : ends[mid + 1]].tobytes() < wanted:
                lo = mid + 1
            else:
                hi = mid
        result: int | None = None
        if lo < self.vocab_size and blob[ends[lo] : ends[lo + 1]].tobytes() == wanted:
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
            out.append(char_of(index))
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

    def bitmap(self, token: int) -> np.ndarray:
        """The row bitmap of a common token (``token < self.common``)."""
        return self._common_bits[token * self.words : (token + 1) * self.words]

    def twice_bitmap(self, token: int) -> np.ndarray:
        """The bitmap of the rows holding a common token twice or more (``token <
        self.twice``)."""
        return self._twice_bits[token * self.words : (token + 1) * self.words]

    def short(self, length: int) -> np.ndarray:
        """The bitmap of the rows of at most ``length`` tokens (``1 <= length <= SHORT``)."""
        return self._short_bits[(length - 1) * self.words : length * self.words]

    def lend_seen(self) -> np.ndarray:
        """A cleared row flag array for a search (the index keeps one: clearing what a
        search marked costs less than a new array per search)."""
        try:
            return self._spare.pop()  # atomic: threads searching one index never share one
        except IndexError:
            return np.zeros(self.size, dtype=np.bool_)

    def return_seen(self, seen: np.ndarray) -> None:
        """Take back the array of :meth:`lend_seen`, cleared."""
        if len(self._spare) < 4:
            self._spare.append(seen)

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
        dead = self.dead
        if dead is None:
            return True
        at = int(np.searchsorted(dead, self.ids[row]))
        return at == len(dead) or int(dead[at]) != int(self.ids[row])

    def live_ids(self) -> np.ndarray:
        """The unit ids of the rows that are not dead, row by row."""
        if self.dead is None:
            return self.ids
        return self.ids[~np.isin(self.ids, self.dead)]

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
            self.post_ranks,
            self._common_bits,
            self._twice_bits,
            self._short_bits,
        )
        return sum(a.nbytes for a in arrays) + sum(sys.getsizeof(k) + 100 for k in self._keys)

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
        return Search(
            self,
            query,
            top=top,
            floor=max(min_score, 1e-9) / 100.0,
            window=None if window is None else window / 100.0,
        ).run()
