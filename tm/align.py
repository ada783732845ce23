"""Sentence alignment of a document with its translations, without any neural model.

Two levels: paragraphs first (UN versions keep paragraph structure, though counts can differ),
then sentences inside each aligned group of paragraphs (one pass over both: tm/align_levels.py).
Both levels run one dynamic program (tm/bead_search.py) over beads 1-1, 1-0, 0-1, 2-1, 1-2,
2-2, 3-1 and 1-3, whose cost (tm/bead_costs.py) adds:

- a Gale-Church length cost, with the length ratio and its variance estimated from the
  document pair itself (first pass with a default variance, second pass with the variance
  measured on the confident 1-1 beads of the first); Chinese, Japanese and Korean are measured
  in UTF-8 bytes, other languages in characters;
- an anchor cost: anchor keys (tm/anchors.py: numbers, article references, months, document
  symbols, countries, glossary concepts, punctuation signatures) found on one side of a bead
  and not on the other;
- the prior cost of the bead type;
- in a third pass over sentences, two lexical costs from a lexicon learned from the second
  pass's sure beads (and a memory's lexicon: tm/lexicon.py, tm/learned.py): pieces it links
  found on one side of a bead only, less those found on both; and how well the bead's sides
  translate each other under its probabilities, each merged sentence on its own too
  (tm/translation_similarity.py); both weighed by the lexicon's evidence. The lexicon tells
  a sentence left out from half of a merge, so the gaps and merges this pass finds say how
  freely the translation leaves out, adds and merges: where they are more than Gale and
  Church's shares, the pass runs again with the document's own (tm/bead_costs.py:
  bead_shares), and with a lexicon learned again from the lexical pass's beads: the first
  pass knew no lexicon, and on such a translation its sure beads hold wrong pairs (a sentence
  left out, taken for half of a merge), which teach the lexicon wrong translations. Learning
  again, twice at most, raised strict F1 on FLORES/NTREX en-zh and en-ar with merges and
  10% deleted sentences from .955/.961/.917/.910 to .965/.972/.926/.917 (bench/align_bench.py).

Without paragraphs (pre-segmented text, one sentence a line), the program runs over the whole
document inside a band around a line through confident anchors (keys found exactly once on
each side), widened until the best path no longer touches its edge.

Every bead gets a score in [0, 1]; beads below :data:`SUSPECT` are flagged, and the alignment
carries warnings (as data) listing the suspect regions.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import closing
from dataclasses import replace
from functools import partial
from pathlib import Path

from tm.align_levels import DEFAULT_VARIANCE, FLOOR, Plan, estimate, items, path_guide, two_level
from tm.align_warnings import alignment_warnings
from tm.anchors import Anchorer, Recogniser, script_of
from tm.bead_costs import SHARES, Item, KeyMemo, bead_shares, lexical_weight
from tm.bead_search import initial_ratio
from tm.document import decode_text, read_document
from tm.errors import AlignmentError, InputError, LanguageError
from tm.lang import base, from_filename, normalize, script_for
from tm.lexicon import Learned, Learner, Lexicon, learned_keys
from tm.models import Alignment, Bead, Document, MultiBead, Segment
from tm.translation_similarity import lexical_costs
from tm.workers import can_fork, forking, pool, usable_cores

__all__ = [
    "SUSPECT",
    "align",
    "align_documents",
    "align_pairs",
    "align_files",
    "bead_lines",
    "multilingual",
    "presegmented",
    "read_presegmented",
]

#: Beads scoring below this are flagged ``suspect``.
SUSPECT = 0.3
# Where a translation leaves out and adds sentences, the lexicon learns again from a lexical
# pass's beads this many times at most (a third time gained nothing on the bench's corpora)
_RELEARN = 2

# A document's versions are aligned in worker processes (:func:`align_pairs`) when they hold
# this many segments or more: below, forking and copying the results back take longer than
# the worker saves (the letter's five versions hold some 560; aligning one takes 0.2-0.4 s)
_WORKER_SEGMENTS = 200

_Beads = list[tuple[tuple[int, ...], tuple[int, ...], float]]
_Groups = list[tuple[list[int], list[int]]]


def _check_language(segments: Sequence[Segment], lang: str, role: str) -> None:
    if not segments:
        raise AlignmentError(f"the {role} text ({lang}) is empty: there is nothing to align")
    expected = script_for(lang)
    if expected is None:
        return
    found = script_of(" ".join(s.text for s in segments[:400]))
    if found is not None and found != expected:
        raise LanguageError(
            f"the {role} text is labelled {lang!r} but is mostly written in {found.title()} "
            f"script, not {expected.title()}: check the language code or the file"
        )


# --- public API ---------------------------------------------------------------------------------


def align(
    src: Sequence[Segment],
    tgt: Sequence[Segment],
    *,
    src_lang: str,
    tgt_lang: str,
    glossary: Recogniser | None = None,
    anchors: bool = True,
    lexicon: bool = True,
    learner: Learner | None = None,
) -> Alignment:
    """Align the segments of a text (``src``, the pivot) with those of its translation.

    Segments from different paragraphs (``Segment.paragraph``) are aligned in two levels,
    paragraphs first; segments of one paragraph (pre-segmented text) in one pass over the
    whole text. The beads cover every segment of both sides exactly once, in order.

    Args:
        src: the pivot's segments.
        tgt: the other text's segments.
        src_lang: the pivot's language.
        tgt_lang: the other text's language.
        glossary: terms whose concepts serve as anchors (optional).
        anchors: False to align on length alone (Gale-Church), as a baseline.
        lexicon: False not to learn a lexicon (tm/lexicon.py) from the first pass's sure
            beads and re-align with it.
        learner: where subword models and the lexicon known so far come from (a memory's,
            tm/learned.py); by default, trained on the two texts alone.

    Raises:
        AlignmentError: if either side is empty.
        LanguageError: if a text is not written in the script of its language.

    >>> from tm.models import Segment
    >>> en = [Segment(0, 0, "body", "Article 1 applies."), Segment(1, 0, "body", "See 2023.")]
    >>> fr = [Segment(0, 0, "body", "L'article 1 s'applique."), Segment(1, 0, "body", "Voir 2023.")]
    >>> [(b.src, b.tgt) for b in align(en, fr, src_lang="en", tgt_lang="fr").beads]
    [((0,), (0,)), ((1,), (1,))]
    """
    src_lang, tgt_lang = normalize(src_lang), normalize(tgt_lang)
    _check_language(src, src_lang, "pivot")
    _check_language(tgt, tgt_lang, "other")
    s_base, t_base = base(src_lang), base(tgt_lang)
    script = script_for(s_base)
    cognates = script is not None and script == script_for(t_base)  # one script: shared prefixes
    src_anchorer = Anchorer(s_base, cognates=cognates, glossary=glossary) if anchors else None
    tgt_anchorer = Anchorer(t_base, cognates=cognates, glossary=glossary) if anchors else None
    src_items = items([s.text for s in src], s_base, src_anchorer, [s.kind for s in src])
    tgt_items = items([s.text for s in tgt], t_base, tgt_anchorer, [s.kind for s in tgt])
    src_plan, tgt_plan = Plan.of(src), Plan.of(tgt)
    ratio = initial_ratio(src_items, tgt_items)
    variance = DEFAULT_VARIANCE
    lengths = sorted(it.length for it in src_items)
    floor = FLOOR * lengths[len(lengths) // 2]
    memos: dict[tuple[int, int, int, int], KeyMemo] = {}  # the passes share what keys give
    one_pass = partial(
        two_level,
        src_items,
        tgt_items,
        src_plan,
        tgt_plan,
        floor=floor,
        memos=memos,
    )
    raw, para_groups = one_pass(ratio=ratio, variance=variance, scores=False)
    measured = estimate(
        [
            (src_items[s[0]].length, tgt_items[t[0]].length)
            for s, t, _ in raw
            if len(s) == 1 and len(t) == 1
        ],
        ratio,
    )
    if measured is not None:
        ratio, variance = measured
    para_guide = path_guide(
        [(tuple(s), tuple(t), 0.0) for s, t in para_groups], len(src_plan.paragraphs)
    )
    guided = partial(one_pass, ratio=ratio, variance=variance, para_guide=para_guide)
    raw, para_groups = guided(guide=path_guide(raw, len(src_items)))
    if lexicon and anchors:
        relearn = partial(
            learned_keys,
            [s.text for s in src],
            [s.text for s in tgt],
            learner=learner or Learner(),
            src_lang=s_base,
            tgt_lang=t_base,
        )
        lexical_pass = partial(
            _lexical_pass,
            src_items,
            tgt_items,
            src_plan,
            tgt_plan,
            paragraphs=para_groups,
            floor=floor,
            ratio=ratio,
            variance=variance,
        )
        learned = relearn(raw)
        if learned is not None:
            lexical = lexical_pass(learned, raw, memos=memos)
            raw, para_groups = lexical()
            # the lexicon tells a sentence left out from half of a merge: the gaps it finds say
            # how freely this translation leaves out and adds, and the pass runs again with
            # that; and as the pass that taught the lexicon knew none, its sure beads hold
            # wrong pairs on such a translation: the lexicon learns again from the new beads
            for _ in range(_RELEARN):
                shares = bead_shares([(len(s), len(t)) for s, t, _ in raw])
                if shares == SHARES:
                    break
                learned = relearn(raw) or learned
                for memo in memos.values():  # its lexical keys are new, the anchors are not
                    memo.forget_lexical()
                again = lexical_pass(learned, raw, memos=memos, counted=True)
                raw, para_groups = again(shares=shares)
    beads = tuple(Bead(s, t, score, score < SUSPECT) for s, t, score in raw)
    warnings = alignment_warnings(
        beads, para_groups, src_lang, tgt_lang, len(src_plan.paragraphs), len(tgt_plan.paragraphs)
    )
    return Alignment(src_lang, tgt_lang, tuple(src), tuple(tgt), beads, tuple(warnings))


def _lexical_pass(
    src_items: Sequence[Item],
    tgt_items: Sequence[Item],
    src_plan: Plan,
    tgt_plan: Plan,
    learned: Learned,
    raw: _Beads,
    *,
    paragraphs: _Groups,
    memos: dict[tuple[int, int, int, int], KeyMemo],
    floor: float,
    ratio: float,
    variance: float,
    counted: bool = False,
) -> Callable[..., tuple[_Beads, _Groups]]:
    """A pass over sentences with the lexical costs of ``learned``, in a band around the path
    of the beads ``raw``; called with ``shares`` (tm/bead_costs.py: bead_shares; then
    ``counted``: its part costs are trusted less, tm/translation_similarity.py) or without.
    ``memos``: what earlier passes over the same items computed from their keys (without the
    lexical keys of another lexicon: :meth:`KeyMemo.forget_lexical`)."""
    guide = path_guide(raw, len(src_items))
    return partial(
        two_level,
        [replace(it, lexical=k) for it, k in zip(src_items, learned.src_keys, strict=True)],
        [replace(it, lexical=k) for it, k in zip(tgt_items, learned.tgt_keys, strict=True)],
        src_plan,
        tgt_plan,
        floor=floor,
        ratio=ratio,
        variance=variance,
        guide=guide,
        paragraphs=paragraphs,
        reuse={},  # the passes with one lexicon differ in their priors only
        memos=memos,
        lexical=lexical_weight(learned.weight, (*learned.src_keys, *learned.tgt_keys)),
        translation=lexical_costs(
            learned.src_pieces,
            learned.tgt_pieces,
            learned.lexicon,
            guide,
            weight=learned.weight,
            counted=counted,
        ),
    )


def align_documents(
    pivot: Document,
    others: Sequence[Document],
    *,
    srx: str | Path | None = None,
    glossary: Recogniser | None = None,
    learner: Learner | None = None,
) -> list[Alignment]:
    """Segment ``pivot`` and each of ``others`` and align each with the pivot."""
    from tm.segment import segment_document

    src = segment_document(pivot, srx=srx)
    versions = [(segment_document(other, srx=srx), other.lang) for other in others]
    return align_pairs(src, versions, src_lang=pivot.lang, glossary=glossary, learner=learner)


def align_pairs(
    src: Sequence[Segment],
    others: Sequence[tuple[Sequence[Segment], str]],
    *,
    src_lang: str,
    glossary: Recogniser | None = None,
    learner: Learner | None = None,
    done: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[Alignment]:
    """Align the pivot's segments ``src`` with each of ``others`` (segments, language), as
    :func:`align` aligns one pair; ``done(k)`` is called as the pair ``k`` is aligned.

    The pairs are independent: on several cores (``workers``, by default one per core), they
    are aligned side by side in forked worker processes, with the same result. The learner's
    subword models and prior lexicons are fetched here first (a memory's learner trains and
    stores what it lacks, in this process), so that a worker reads and writes no memory. A
    pair a worker fails on is aligned here again, so that its error is raised as :func:`align`
    raises it.

    Raises:
        AlignmentError: if either side of a pair is empty.
        LanguageError: if a text is not written in the script of its language.
    """
    learner = learner or Learner()  # one for all: the pivot's subwords are learned once
    one = partial(align, src, src_lang=src_lang, glossary=glossary, learner=learner)
    count = min(len(others), usable_cores() if workers is None else workers)
    big = sum(len(tgt) for tgt, _ in others) >= _WORKER_SEGMENTS or workers is not None
    results: dict[int, Alignment] = {}
    if count > 1 and big and can_fork():
        _check_language(src, normalize(src_lang), "pivot")  # what align() raises first
        for tgt, lang in others:
            _check_language(tgt, normalize(lang), "other")
        ready = _prepared(learner, src, src_lang, others)
        jobs = [partial(one, tgt, tgt_lang=lang, learner=ready) for tgt, lang in others]
        with closing(_in_workers(jobs, count)) as made:  # closed at once if done() raises
            for k, found in made:
                if found is not None:
                    results[k] = found
                    if done is not None:
                        done(k)
    for k, (tgt, lang) in enumerate(others):  # all of them, or those no worker aligned
        if k not in results:
            results[k] = one(tgt, tgt_lang=lang)
            if done is not None:
                done(k)
    return [results[k] for k in range(len(others))]


def _prepared(
    learner: Learner,
    src: Sequence[Segment],
    src_lang: str,
    others: Sequence[tuple[Sequence[Segment], str]],
) -> Learner:
    """A learner holding what ``learner`` gives each pair of :func:`align_pairs` (the two
    subword models, and what its prior lexicon is made from), asked for in the order the
    pairs would ask, which a forked worker can use without reading ``learner``'s memory;
    what a worker trains it keeps in the worker only."""
    s_base = base(normalize(src_lang))
    ready = _Ready()
    src_texts = [s.text for s in src]
    for tgt, lang in others:
        t_base, tgt_texts = base(normalize(lang)), [s.text for s in tgt]
        wanted = [(s_base, src_texts), (t_base, tgt_texts)]
        for (code, texts), model in zip(wanted, learner.models(wanted), strict=True):
            ready.keep(code, texts, model)
        ready.readers[(s_base, t_base)] = learner.prior_reader(s_base, t_base)
    return ready


class _Ready(Learner):
    """A learner of models and prior lexicons fetched before the workers forked
    (:func:`_prepared`): a prior is decoded in the worker that asks for it, where the
    workers decode theirs side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.readers: dict[tuple[str, str], Callable[[], Lexicon | None]] = {}
        self._priors: dict[tuple[str, str], Lexicon | None] = {}

    def prior(self, src_lang: str, tgt_lang: str) -> Lexicon | None:
        pair = src_lang, tgt_lang
        if pair not in self._priors:  # a pair not prepared fails its worker
            self._priors[pair] = self.readers[pair]()
        return self._priors[pair]


_JOBS: list[Callable[[], Alignment]] = []  # a pool's jobs, set before its workers fork


def _in_workers(
    jobs: Sequence[Callable[[], Alignment]], count: int
) -> Generator[tuple[int, Alignment | None], None, None]:
    """(k, the result of ``jobs[k]``) as ``count`` forked workers make them, None where a
    worker failed (an error, or a worker that died or could not start)."""
    workers = pool(count)
    if workers is None:
        return
    _JOBS[:] = jobs  # the workers inherit them: neither segments nor glossary are pickled
    finished = False
    try:
        with forking():  # the first submit forks the workers
            futures = {workers.submit(_job, k): k for k in range(len(jobs))}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except Exception:  # the worker died: the pair is aligned again in this process
                yield futures[future], None
        finished = True
    finally:
        if not finished:  # interrupted (Ctrl-C, an error here): no pair is waited for
            _kill(workers)
        workers.shutdown(wait=True, cancel_futures=True)
        _JOBS.clear()


def _kill(pool: ProcessPoolExecutor) -> None:
    """End the workers of ``pool`` at once: its shutdown waits for the jobs running, and
    aligning a long pair takes minutes. (The executor has no public way to do this.)"""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def _job(k: int) -> Alignment | None:
    """In a worker: the result of job ``k``, or None if it raised (raised again, the error
    could not always be copied back whole)."""
    try:
        return _JOBS[k]()
    except Exception:
        return None


def presegmented(lines: Iterable[str]) -> list[Segment]:
    """Segments from one-sentence-a-line text: blank lines ignored, all in one paragraph."""
    segments: list[Segment] = []
    for line in lines:
        text = line.strip()
        if text:
            segments.append(Segment(len(segments), 0, "body", text, 0, len(text)))
    return segments


def read_presegmented(path: str | Path) -> list[Segment]:
    """Read a one-sentence-a-line text file (see :func:`presegmented`), decoded as documents
    are (:func:`tm.document.decode_text`: UTF-8, or UTF-16 with a BOM).

    Raises:
        InputError: if the file cannot be read, is not text, or holds no sentence.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read the file ({err.strerror})") from err
    segments = presegmented(decode_text(data, path).splitlines())
    if not segments:
        raise AlignmentError(f"{path}: the file holds no sentence to align")
    return segments


def _lang_of(path: str | Path, given: str | None) -> str:
    if given:
        return normalize(given)
    found = from_filename(path)
    if found is None:
        raise LanguageError(
            f"{path}: cannot tell the language: name the file like 'letter.fr.md' or give the "
            "languages",
            parameter="langs",
        )
    return found


def align_files(
    pivot: str | Path,
    others: Sequence[str | Path],
    *,
    langs: Sequence[str] | None = None,
    presegmented: bool = False,
    srx: str | Path | None = None,
    glossary: Recogniser | None = None,
    learner: Learner | None = None,
) -> list[Alignment]:
    """Read, segment (unless ``presegmented``) and align files: the CLI's one entry point.

    Languages come from ``langs`` (one per file, pivot first) or from each file name;
    ``learner`` is a memory's (tm/learned.py) to start from what it knows.

    Raises:
        LanguageError: if a language is missing, or ``langs`` does not match the files.
        InputError: if a file cannot be read.
    """
    paths = [pivot, *others]
    if not others:
        raise AlignmentError("give the pivot file and at least one other file to align")
    if langs is not None and len(langs) != len(paths):
        raise LanguageError(
            f"{len(langs)} languages given for {len(paths)} files: give one per file",
            parameter="langs",
        )
    codes = [_lang_of(p, langs[k] if langs else None) for k, p in enumerate(paths)]
    for path, code in zip(paths[1:], codes[1:], strict=True):
        if base(code) == base(codes[0]):
            raise LanguageError(
                f"{path} is in the pivot's language ({code}): align versions in other languages"
            )
    if presegmented:
        texts = [read_presegmented(p) for p in paths]
        versions = list(zip(texts[1:], codes[1:], strict=True))
        return align_pairs(
            texts[0], versions, src_lang=codes[0], glossary=glossary, learner=learner
        )
    docs = [read_document(p, lang=code) for p, code in zip(paths, codes, strict=True)]
    return align_documents(docs[0], docs[1:], srx=srx, glossary=glossary, learner=learner)


def multilingual(alignments: Sequence[Alignment]) -> list[MultiBead]:
    """Rows pivoting through the common pivot text: every segment of every text in one row.

    Pivot segments are grouped as finely as all alignments allow (a 2-1 bead in one language
    keeps its two pivot sentences in one row for all). A segment of another text aligned to
    no pivot segment gets a row of its own.

    Raises:
        AlignmentError: if the alignments do not share one pivot text.
    """
    if not alignments:
        return []
    pivot = alignments[0].src
    src_lang = alignments[0].src_lang
    for other in alignments[1:]:
        if other.src != pivot:
            raise AlignmentError("the alignments do not share one pivot text")
    n = len(pivot)
    joined = [False] * max(n - 1, 0)  # joined[i]: pivot i and i+1 must share a row
    for al in alignments:
        for bead in al.beads:
            for a, b in zip(bead.src, bead.src[1:], strict=False):
                for i in range(a, b):
                    joined[i] = True
    group_of = [0] * n
    for i in range(1, n):
        group_of[i] = group_of[i - 1] + (1 if not joined[i - 1] else 0)
    n_groups = group_of[-1] + 1 if n else 0
    langs = [src_lang] + [al.tgt_lang for al in alignments]
    rows: list[dict[str, list[int]]] = [{} for _ in range(n_groups)]
    scores = [1.0] * n_groups
    extra: list[list[tuple[str, list[int], float]]] = [[] for _ in range(n_groups + 1)]
    for i in range(n):
        rows[group_of[i]].setdefault(src_lang, []).append(i)
    for al in alignments:
        last = 0  # row after which a pivot-less bead goes
        for bead in al.beads:
            if bead.src:
                g = group_of[bead.src[0]]
                rows[g].setdefault(al.tgt_lang, []).extend(bead.tgt)
                scores[g] = min(scores[g], bead.score)
                last = g + 1
            else:
                extra[last].append((al.tgt_lang, list(bead.tgt), bead.score))
    out: list[MultiBead] = []
    texts_of = {src_lang: pivot, **{al.tgt_lang: al.tgt for al in alignments}}

    def text(lang: str, positions: Sequence[int]) -> str:
        space = "" if script_for(lang) == "HAN" else " "  # Chinese puts no space after 。
        return space.join(texts_of[lang][p].text for p in positions)

    def emit_extra(slot: int, paragraph: int) -> None:
        for lang, positions, score in extra[slot]:
            texts = dict.fromkeys(langs, "")
            texts[lang] = text(lang, positions)
            out.append(
                MultiBead(texts, {lang: tuple(positions)}, paragraph, score, score < SUSPECT)
            )

    emit_extra(0, pivot[0].paragraph if pivot else 0)
    for g, row in enumerate(rows):
        texts = {lang: text(lang, row.get(lang, [])) for lang in langs}
        segments = {lang: tuple(positions) for lang, positions in row.items()}
        paragraph = pivot[row[src_lang][0]].paragraph
        out.append(MultiBead(texts, segments, paragraph, scores[g], scores[g] < SUSPECT))
        emit_extra(g + 1, paragraph)
    return out


def bead_lines(alignment: Alignment) -> list[str]:
    """The beads as ``[pivot indices]:[other indices]`` lines, 0-based (gold-file format).

    >>> from tm.models import Alignment, Bead
    >>> bead_lines(Alignment("en", "fr", (), (), (Bead((24, 25), (24,), 1.0),)))
    ['[24, 25]:[24]']
    """
    return [
        f"[{', '.join(map(str, b.src))}]:[{', '.join(map(str, b.tgt))}]" for b in alignment.beads
    ]
