"""A bilingual lexicon learned from the text itself: subword-to-subword translation counts.

Nothing is shipped: the aligner's first pass (length and anchors) yields beads it is sure of,
a memory holds earlier aligned units of the pair, and IBM Model 1 (a few EM iterations, in
numpy, in both directions) turns those sentence pairs into expected counts of one subword
(tm/subwords.py) translating another. Pieces that are each other's best translation both
ways become *links*; a sentence's links are keys the aligner's cost model compares across a
bead like anchors (tm/bead_costs.py), weighed by how much evidence the lexicon rests on, so
that a fresh memory and a short document align as they would without it. Between languages of
two scripts, a word found as it is on both sides (a Latin name in Chinese text) is a link and
its own translation (:func:`kept_words`), and so is a name spelt in Arabic letters
(tm/names.py).

>>> from itertools import combinations
>>> en = "council report session agenda member state budget office".split()
>>> fr = "conseil rapport session ordre membre état budget bureau".split()
>>> pairs = [([en[a], en[b]], [fr[b], fr[a]]) for a, b in combinations(range(8), 2)]
>>> sorted(t for s, t in learn(pairs, src_lang="en", tgt_lang="fr").links() if s == "council")
['conseil']
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import regex

from tm.collector import paused
from tm.lang import base, script_for
from tm.names import name_keys
from tm.sparse_rows import distinct, distinct_inverse
from tm.subwords import Subwords, train
from tm.threads import side_by_side

__all__ = [
    "CONFIDENT",
    "KEPT",
    "MAX_PAIRS",
    "Entry",
    "Learned",
    "Learner",
    "Lexicon",
    "distinct_pieces",
    "learn",
    "learned_keys",
    "piece_ids",
]

#: Beads of the first pass scoring at least this teach the lexicon...
CONFIDENT = 0.4
#: ... up to this many of them (a memory's lexicon, the prior, holds the rest).
MAX_PAIRS = 800

Pieces = Sequence[str]
_Index = dict[str, list[tuple[str, float]]]
_ITERATIONS = 5
_NULL = "\0"  # the empty word of Model 1 (what a piece translates when nothing does)
_MIN_COUNT = 2.0  # a link needs this many expected co-occurrences
_MIN_PROB = 0.2  # ... and this probability in each direction
_COMMON = 0.3  # pieces in more than this share of sentence pairs are not linked
_KEEP = 0.5  # expected counts below this are not stored
_FULL_EVIDENCE = 400  # sentence pairs for the lexical cost's full weight
_MIN_EVIDENCE = 30  # fewer pairs than this: no lexical cost at all
# Model 1 runs both ways side by side (tm/threads.py) over at least this many (source piece,
# target piece) pairs of sentences: below, numpy's arrays are too short to gain
_THREADED_CODES = 300_000
#: Prefix of a *kept word*: a word written in a script foreign to one of the two languages
#: (a Latin name or acronym in Chinese, Arabic or Russian text) found on both sides of the
#: document, which the translation kept as it was. It translates itself, however rare: Model 1
#: cannot learn a word seen once, and names are the words most often seen once.
KEPT = "="
_WORDS = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*[\p{L}\p{M}\p{N}]")


class Entry(NamedTuple):
    """A source piece, a target piece, and the expected counts of one translating the other
    under Model 1 source-to-target (``forward``) and target-to-source (``backward``). (A
    tuple: a memory's lexicon holds tens of thousands, made and read in Python loops.)"""

    src: str
    tgt: str
    forward: float
    backward: float


@dataclass(frozen=True)
class Lexicon:
    """Expected translation counts between the pieces of two languages, learned from
    ``pairs`` sentence pairs."""

    src_lang: str
    tgt_lang: str
    pairs: int
    entries: tuple[Entry, ...] = field(repr=False)

    @cached_property
    @paused()
    def _totals(self) -> tuple[dict[str, float], dict[str, float]]:
        src: dict[str, float] = {}
        tgt: dict[str, float] = {}
        for s, t, forward, backward in self.entries:
            src[s] = src.get(s, 0.0) + forward
            tgt[t] = tgt.get(t, 0.0) + backward
        return src, tgt

    @cached_property
    @paused()
    def _indexes(self) -> tuple[_Index, _Index]:
        forward: _Index = {}
        backward: _Index = {}
        for s, t, to, back in self.entries:
            if to > 0:
                forward.setdefault(s, []).append((t, to))
            if back > 0:
                backward.setdefault(t, []).append((s, back))
        return forward, backward

    def counts(self, *, backward: bool = False) -> _Index:
        """Source piece -> [(target piece, expected count)] (``backward``: the other way)."""
        return self._indexes[1] if backward else self._indexes[0]

    @property
    def weight(self) -> float:
        """How far the lexicon may be trusted, in [0, 1], from the evidence it rests on."""
        if self.pairs < _MIN_EVIDENCE:
            return 0.0
        return min(1.0, self.pairs / _FULL_EVIDENCE)

    def reversed(self) -> Lexicon:
        """The same lexicon seen from the other language."""
        flipped = tuple(Entry(t, s, back, to) for s, t, to, back in self.entries)
        return Lexicon(self.tgt_lang, self.src_lang, self.pairs, flipped)

    def translations(self, piece: str, *, limit: int = 5) -> list[tuple[str, float, float]]:
        """The likeliest target pieces of a source ``piece``: (piece, P(target | source),
        P(source | target)), best first."""
        src_total, tgt_total = self._totals
        found = [
            (e.tgt, e.forward / src_total[e.src], e.backward / max(tgt_total[e.tgt], 1e-9))
            for e in self.entries
            if e.src == piece and src_total[e.src] > 0
        ]
        found.sort(key=lambda row: (-row[1] * max(row[2], 1e-3), row[0]))
        return found[:limit]

    def links(self) -> set[tuple[str, str]]:
        """(source piece, target piece) pairs that translate each other often enough and
        probably enough both ways, among pieces that are not everywhere (function words
        and punctuation say little about which sentence is which)."""
        src_total, tgt_total = self._totals
        common = _COMMON * self.pairs
        found = set()
        for e in self.entries:
            if min(e.forward, e.backward) < _MIN_COUNT:
                continue
            if src_total[e.src] > common or tgt_total[e.tgt] > common:
                continue
            fwd = e.forward / max(src_total[e.src], 1e-9)
            bwd = e.backward / max(tgt_total[e.tgt], 1e-9)
            if min(fwd, bwd) >= _MIN_PROB and _content(e.src) and _content(e.tgt):
                found.add((e.src, e.tgt))
        return found


def _content(piece: str) -> bool:
    """A piece with a letter in it (digits and punctuation are the anchors' business)."""
    return any(unicodedata.category(ch).startswith("L") for ch in piece)


@paused()  # tens of thousands of entries (tm/collector.py)
def learn(
    pairs: Sequence[tuple[Pieces, Pieces]],
    *,
    src_lang: str,
    tgt_lang: str,
    prior: Lexicon | None = None,
    vocabulary: tuple[Collection[str], Collection[str]] | None = None,
    iterations: int = _ITERATIONS,
) -> Lexicon:
    """Learn a lexicon from sentence pairs cut into pieces, with IBM Model 1 both ways.

    A ``prior`` (a lexicon learned before, e.g. from a memory's units) adds its counts to the
    new ones at every iteration, so that a short document learns what its pieces mean from
    what the memory already knows; the result counts the prior's pairs as evidence too, and
    keeps the prior's entries of the source and target pieces in ``vocabulary`` (all of
    them without it).
    """
    pairs = [(s, t) for s, t in pairs if s and t]
    no_prior: _Index = {}
    forward, backward = side_by_side(
        [
            partial(
                _model1, pairs, prior=prior.counts() if prior else no_prior, iterations=iterations
            ),
            partial(
                _model1,
                [(t, s) for s, t in pairs],
                prior=prior.counts(backward=True) if prior else no_prior,
                iterations=iterations,
            ),
        ],
        threads=sum(len(s) * len(t) for s, t in pairs) >= _THREADED_CODES,
    )
    if prior is not None:  # what the prior knows of pieces the pairs do not have
        known = prior.counts(), prior.counts(backward=True)
        vocabs = vocabulary or known
        for learned, vocab, index in zip((forward, backward), vocabs, known, strict=True):
            for piece in vocab:
                for other, count in index.get(piece, ()):
                    learned.setdefault((piece, other), count)
    keys = set(forward) | {(s, t) for t, s in backward}
    entries = tuple(
        Entry(s, t, to, back)
        for s, t in sorted(keys)
        if max(to := forward.get((s, t), 0.0), back := backward.get((t, s), 0.0)) >= _KEEP
    )
    evidence = len(pairs) + (prior.pairs if prior is not None else 0)
    return Lexicon(src_lang, tgt_lang, evidence, entries)


def _model1(
    pairs: Sequence[tuple[Pieces, Pieces]], *, prior: _Index, iterations: int
) -> dict[tuple[str, str], float]:
    """Expected counts of source piece -> target piece under Model 1 (P(target | source)),
    the empty word on the source side, over the distinct pieces of each sentence (a piece
    repeated in a sentence says nothing more about its translation); ``prior`` counts are
    added at each M step."""
    if not pairs:
        return {}
    src_ids = piece_ids(chain((_NULL,), chain.from_iterable(src for src, _ in pairs)))
    tgt_ids = piece_ids(chain.from_iterable(tgt for _, tgt in pairs))
    n_t = max(len(tgt_ids), 1)
    codes, occ, occurrence = _layout(pairs, src_ids, tgt_ids)
    combos, inverse = _distinct(codes, len(src_ids) * n_t)
    del codes  # large: its memory serves the arrays to come
    combo_src = combos // n_t
    src_names = list(src_ids)
    tgt_names = list(tgt_ids)
    # the prior: its counts for the combinations seen here, and its totals per source piece
    prior_counts = np.zeros(len(combos))
    prior_totals = np.zeros(len(src_ids))
    if prior:
        # the prior's entries for the source pieces seen here (the rest would be dropped)
        pieces = [(s, t, c) for s in src_ids for t, c in prior.get(s, ())]
        si = np.array([src_ids.get(s, -1) for s, _, _ in pieces], np.int64)
        ti = np.array([tgt_ids.get(t, -1) for _, t, _ in pieces], np.int64)
        known = np.array([c for _, _, c in pieces])
        mine = si >= 0
        prior_totals += np.bincount(si[mine], weights=known[mine], minlength=len(src_ids))
        both = mine & (ti >= 0)
        wanted = si[both] * n_t + ti[both]
        at = np.minimum(np.searchsorted(combos, wanted), len(combos) - 1)
        hit = combos[at] == wanted
        prior_counts[at[hit]] = known[both][hit]
    prob = np.ones(len(combos))
    counts = prior_counts
    for _ in range(iterations):
        p = prob[inverse]
        norm = np.bincount(occ, weights=p, minlength=occurrence)
        counts = np.bincount(inverse, weights=p / norm[occ], minlength=len(combos)) + prior_counts
        # every count of the source piece, the prior's for pieces not seen here included
        seen = np.bincount(combo_src, weights=counts - prior_counts, minlength=len(src_ids))
        totals = seen + prior_totals
        prob = counts / np.maximum(totals[combo_src], 1e-12)
    kept = (counts >= _KEEP) & (combo_src != 0)  # the empty word's counts are not kept
    return {
        (src_names[c // n_t], tgt_names[c % n_t]): k
        for c, k in zip(combos[kept].tolist(), counts[kept].tolist(), strict=True)
    }


def _layout(
    pairs: Sequence[tuple[Pieces, Pieces]], src_ids: dict[str, int], tgt_ids: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Every (source piece, target piece) of each pair, over each side's distinct pieces
    sorted by id, source-major: its code (source id * target ids + target id), its target
    piece's occurrence (the position of the piece among all pairs' target pieces), and how
    many occurrences there are. The source side has the empty word."""
    s_ids, s_len = _pair_ids([(_NULL, *src) for src, _ in pairs], src_ids)
    t_ids, t_len = _pair_ids([tgt for _, tgt in pairs], tgt_ids)
    sizes = s_len * t_len
    pair = np.repeat(np.arange(len(pairs)), sizes)
    local = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = t_len[pair]
    occ = (np.cumsum(t_len) - t_len)[pair] + local % width
    source = s_ids[(np.cumsum(s_len) - s_len)[pair] + local // width]
    return source * max(len(tgt_ids), 1) + t_ids[occ], occ, len(t_ids)


def piece_ids(pieces: Iterable[str]) -> dict[str, int]:
    """Each distinct piece's number, in order of first occurrence."""
    return {piece: k for k, piece in enumerate(dict.fromkeys(pieces))}


def distinct_pieces(
    sentences: Sequence[Pieces], ids: dict[str, int], *, once: bool = False
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(sentence, piece id) of the distinct pieces of each sentence (numbered by ``ids``;
    with ``once``, of those it holds once only), sorted by sentence, then id."""
    lengths = np.fromiter(map(len, sentences), np.int64, len(sentences))
    flat = np.fromiter(map(ids.__getitem__, chain.from_iterable(sentences)), np.int64)
    size = max(len(ids), 1)
    codes = np.repeat(np.arange(len(sentences)), lengths) * size + flat
    if once:
        keys, inverse = distinct_inverse(codes)
        keys = keys[np.bincount(inverse, minlength=len(keys)) == 1]
    else:
        keys = distinct(codes)
    return keys // size, keys % size


def _pair_ids(
    pieces: Sequence[Pieces], ids: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct ids of each sentence's pieces, sorted, one sentence after the other, and
    how many each sentence has."""
    rows, cols = distinct_pieces(pieces, ids)
    return cols, np.bincount(rows, minlength=len(pieces))


#: :func:`_distinct` marks codes in a table of this many cells at most (else it sorts them).
_DENSE = 1 << 24


def _distinct(
    codes: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``np.unique(codes, return_inverse=True)`` for codes below ``size``: by marking them in
    a table when it is small enough, else by a stable sort (fast on sorted runs)."""
    if size <= _DENSE:
        seen = np.zeros(size, bool)
        seen[codes] = True
        found = np.flatnonzero(seen)
        rank = np.empty(size, np.int64)
        rank[found] = np.arange(len(found))
        return found, rank[codes]
    return distinct_inverse(codes)


class Learner:
    """Where the aligner gets subword models and what it knows already: here, models trained
    on the documents being aligned (kept per text, so a pivot aligned with five versions is
    trained on once) and no prior lexicon. A memory's learner (tm/learned.py) caches both.

    A subclass says which models it has (:meth:`known`) and keeps those trained for it
    (:meth:`keep`); :meth:`models` trains the others, side by side, in between."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], Subwords] = {}

    def models(self, wanted: Sequence[tuple[str, Sequence[str]]]) -> list[Subwords]:
        """A subword model for each (language, texts) that knows the texts, those to train
        trained side by side (tm/threads.py: a document pair's two models in the time of one)."""
        found = [self.known(lang, texts) for lang, texts in wanted]
        todo = {k: texts for k, texts in enumerate(found) if not isinstance(texts, Subwords)}
        models = side_by_side(
            [partial(train, texts, lang=base(wanted[k][0])) for k, texts in todo.items()]
        )
        trained = dict(zip(todo, models, strict=True))
        for k, model in trained.items():
            self.keep(*wanted[k], model)
        return [
            model if isinstance(model, Subwords) else trained[k] for k, model in enumerate(found)
        ]

    def known(self, lang: str, texts: Sequence[str]) -> Subwords | Sequence[str]:
        """The model known for ``lang`` and ``texts``, or else the sentences to train one on
        (what a subclass overrides, with :meth:`keep`)."""
        return self._models.get((lang, hash(tuple(texts))), texts)

    def keep(self, lang: str, texts: Sequence[str], model: Subwords) -> None:
        """Remember ``model``, trained for ``lang`` and ``texts`` (:meth:`known`)."""
        self._models[(lang, hash(tuple(texts)))] = model

    def prior(self, src_lang: str, tgt_lang: str) -> Lexicon | None:
        """What is known of the pair before this document (nothing, here)."""
        return None

    def prior_reader(self, src_lang: str, tgt_lang: str) -> Callable[[], Lexicon | None]:
        """:meth:`prior` in two steps: what needs the learner's store is read now, and the
        call returned makes the lexicon without it (in a forked worker, tm/align.py:
        align_pairs; decoding a memory's lexicon takes most of the time)."""
        found = self.prior(src_lang, tgt_lang)
        return lambda: found


Keys = dict[str, int]
Bead = tuple[tuple[int, ...], tuple[int, ...], float]


@dataclass(frozen=True)
class Learned:
    """What the aligner learned of a document pair: the lexicon, each sentence's pieces, and
    the lexical keys of each sentence (pieces linked across the languages, see
    :func:`learned_keys`)."""

    lexicon: Lexicon
    src_pieces: list[list[str]] = field(repr=False)
    tgt_pieces: list[list[str]] = field(repr=False)
    src_keys: list[Keys] = field(repr=False)
    tgt_keys: list[Keys] = field(repr=False)

    @property
    def weight(self) -> float:
        """How far the lexicon may be trusted (:attr:`Lexicon.weight`)."""
        return self.lexicon.weight


@paused()  # each sentence's pieces and keys, and the lexicon (tm/collector.py)
def learned_keys(
    src: Sequence[str],
    tgt: Sequence[str],
    beads: Sequence[Bead],
    *,
    learner: Learner,
    src_lang: str,
    tgt_lang: str,
) -> Learned | None:
    """A lexicon learned on the confident ``beads`` of a first pass (and the learner's prior),
    with the lexical keys of each source and target sentence; None when the evidence is too
    thin to say anything.

    A source piece linked to a target piece (:meth:`Lexicon.links`) gives both sentences
    the same key, ``l:<source piece>``.
    """
    src_model, tgt_model = learner.models([(src_lang, src), (tgt_lang, tgt)])
    src_kept, tgt_kept = kept_words(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang)
    src_pieces = [p + k for p, k in zip(src_model.batch(src), src_kept, strict=True)]
    tgt_pieces = [p + k for p, k in zip(tgt_model.batch(tgt), tgt_kept, strict=True)]
    pairs = [
        (
            [p for i in s for p in src_pieces[i]],
            [p for j in t for p in tgt_pieces[j]],
        )
        for s, t, score in beads
        if s and t and score >= CONFIDENT
    ]
    if len(pairs) > MAX_PAIRS:  # an even sample: EM time grows with the pairs
        pairs = [pairs[k * len(pairs) // MAX_PAIRS] for k in range(MAX_PAIRS)]
    prior = learner.prior(src_lang, tgt_lang)
    vocabulary = (
        {p for pieces in src_pieces for p in pieces},
        {p for pieces in tgt_pieces for p in pieces},
    )
    lexicon = learn(pairs, src_lang=src_lang, tgt_lang=tgt_lang, prior=prior, vocabulary=vocabulary)
    if not lexicon.weight:
        return None
    kept = {p for pieces in src_kept for p in pieces}
    linked: set[str] = set(kept)
    back: dict[str, list[str]] = {p: ["l:" + p] for p in kept}
    for s_piece, t_piece in lexicon.links():
        linked.add(s_piece)
        back.setdefault(t_piece, []).append("l:" + s_piece)
    src_keys = [_count("l:" + p for p in pieces if p in linked) for pieces in src_pieces]
    tgt_keys = [_count(k for p in pieces for k in back.get(p, ())) for pieces in tgt_pieces]
    return Learned(lexicon, src_pieces, tgt_pieces, src_keys, tgt_keys)


def kept_words(
    src: Sequence[str], tgt: Sequence[str], *, src_lang: str, tgt_lang: str
) -> tuple[list[list[str]], list[list[str]]]:
    """The kept words (:data:`KEPT`) of each source and each target sentence, in order: words
    found as they are on both sides, and names spelt in Arabic letters whose skeleton is
    found on the other side (tm/names.py).

    >>> kept_words(["Twp and Pwp rhyme."], ["它与 Twp 押韵。"], src_lang="en", tgt_lang="zh")
    ([['=twp']], [['=twp']])
    >>> kept_words(["Mr Jones left."], ["غادر السيد جونز."], src_lang="en", tgt_lang="ar")
    ([['=~GNS']], [['=~GNS']])
    """
    scripts = {script_for(src_lang), script_for(tgt_lang)}
    if None in scripts or len(scripts) == 1:  # one script: the anchors' cognates see them
        return [[] for _ in src], [[] for _ in tgt]
    # two scripts: a word found as it is on both sides is foreign to one of the languages

    def words(texts: Sequence[str]) -> list[list[str]]:
        out = []
        for text in texts:
            out.append(list(dict.fromkeys(KEPT + w.casefold() for w in _WORDS.findall(text))))
        return out

    src_words, tgt_words = words(src), words(tgt)
    both = {w for ws in src_words for w in ws} & {w for ws in tgt_words for w in ws}
    src_names, tgt_names = name_keys(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang)

    def kept(words: list[list[str]], names: list[list[str]]) -> list[list[str]]:
        return [
            [w for w in ws if w in both] + [KEPT + n for n in ns]
            for ws, ns in zip(words, names, strict=True)
        ]

    return kept(src_words, src_names), kept(tgt_words, tgt_names)


def _count(keys: Iterable[str]) -> Keys:
    out: Keys = {}
    for key in keys:
        out[key] = out.get(key, 0) + 1
    return out
