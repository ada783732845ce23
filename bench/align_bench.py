"""Benchmark of tm/align.py: speed and accuracy, with baselines from the same run.

1. The letter in six languages (../shared/data/letter), raw documents segmented and aligned;
   target under 1 s for all five pairs once a memory has learned its subword models (the
   letter built into it first). The five pairs are aligned side by side on the machine's
   cores (tm/align.py: align_pairs); the same in one process is printed beside it.
   1b. The same in a service's memory, which holds the lines of both corpora of 3 in six
   languages beside the letter (3,126 units a pair): its lexicons, learned from many more
   pairs, take longer to load and to learn from (no target of its own).
2. A 2,000-sentence document pair (en-fr, pre-segmented, built from FLORES + NTREX lines
   as below), on a cold memory (subword training included); target under 3 s.
3. FLORES-200 devtest and NTREX-128 (../shared/data/corpus), en with each of ar, es, fr, ru,
   zh: strict and lax F1 per pair (target strict F1 >= 0.95), against the same aligner without
   the learned lexicon and with the anchors turned off too (Gale-Church length cost only).
4. The harder setting: merges as in 3 and one sentence in ten deleted from one side or the
   other (target strict F1 >= 0.98 for en-zh and en-ar; es, fr and ru are checked for loss),
   aligned without the lexicon, with a lexicon learned from each document alone, and with a
   memory holding the other corpus (NTREX when aligning FLORES and the other way round: never
   the test lines themselves); beside it, the merges of 3 aligned with that memory too, which
   must lose nothing against the aligner without the lexicon.
5. Restructured: the harder setting with true 3-1 and 2-2 beads beside its merges and
   deletions (en-ar, en-fr, en-zh, with the memory of 4 and without the lexicon): where a
   cost model is tuned to the harder setting, which has no such beads, it loses them here.
6. The same harder setting on one long document: all the lines of a corpus (1,012 or 1,997)
   made into a single document as in 4 (no boundary every 40 lines to hold the path), aligned
   alone (its own lexicon learns from hundreds of pairs) and with that memory; as a real
   report or book is aligned whole.

With ``--checks``, two more measures of the harder setting (en-zh and en-ar), as checks of
what a lexicon that knows the document's words gives, not as targets:

7. the test corpus itself as the memory (its lexicon has seen every test line);
8. a memory of the real en-zh or en-ar pairs of ``opus-testsets-en-pool`` (a pair whose English
   or translation is a line of either test corpus is left out), its lexicon learned as a build
   learns it (from the latest :data:`tm.learned.MAX_UNITS` units) and from all of them.

Times are wall-clock seconds with the CPU seconds beside them (the process's and its
workers'): on a shared machine the wall time includes waiting for a core.

How the corpus test sets are made (deterministic): the line-parallel files are cut into
documents of :data:`DOC_LINES` consecutive lines. Inside a document, at every position p with
``p % 10 == 3`` the target lines p and p+1 are joined (a 2-1 bead), and at every p with
``p % 10 == 7`` the English lines p and p+1 are joined (a 1-2 bead); lines are joined with a
space (nothing for Chinese). In the harder setting the target line at every p with
``p % 20 == 5`` is dropped (a 1-0 bead) and so is the English line at every p with
``p % 20 == 15`` (a 0-1 bead). In the restructured setting, the lines at every p with
``p % 20 == 0`` and p+1 become a 2-2 bead (the target line p+1 cut at the space or comma
nearest its middle, its first half joined to line p) and those at every p with
``p % 20 == 10``, p+1 and p+2 a 3-1 bead. All other lines are 1-1 beads. Each document is aligned
pre-segmented, one sentence a line, and all documents are scored together (micro-averaged).

Usage: ``.venv/bin/python bench/align_bench.py [--quick] [--checks] [--speed N]``
(``--quick``: FLORES only, no speed runs; ``--checks``: 7 and 8 too, about 10 more minutes;
``--speed N``: 1, 1b and 2 only, N times each, and their medians).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align_eval import BeadPair, Scores, score_documents  # noqa: E402

from tm.align import align, align_pairs, presegmented  # noqa: E402
from tm.build import build_memory  # noqa: E402
from tm.document import read_document  # noqa: E402
from tm.learned import MAX_UNITS, MemoryLearner, update  # noqa: E402
from tm.lexicon import Learner  # noqa: E402
from tm.memory import Memory  # noqa: E402
from tm.models import Unit, Variant  # noqa: E402
from tm.segment import segment_document  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DOC_LINES = 40
LANGS = ("ar", "es", "fr", "ru", "zh")
CORPORA = ("flores200-devtest-un6", "ntrex128-un6")
HARD_LANGS = LANGS
RESTRUCTURED_LANGS = ("ar", "fr", "zh")
CHECK_LANGS = ("ar", "zh")
POOL = SHARED / "corpus" / "opus-testsets-en-pool" / "pool.tsv.gz"
POOL_CODES = {"ar": "ara", "zh": "zho"}  # the pool's language codes

__all__ = [
    "DOC_LINES",
    "corpus_documents",
    "corpus_lines",
    "corpus_scores",
    "long_document_scores",
    "make_document",
    "memory_of",
    "pool_memory",
]


def corpus_lines(corpus: str, lang: str) -> list[str]:
    """The lines of one language of a corpus (line-parallel with its other languages)."""
    return (SHARED / "corpus" / corpus / f"{lang}.txt").read_text(encoding="utf-8").splitlines()


def make_document(
    src: Sequence[str],
    tgt: Sequence[str],
    tgt_lang: str,
    *,
    deletions: bool = False,
    restructured: bool = False,
) -> tuple[list[str], list[str], list[BeadPair]]:
    """Join some adjacent lines of a line-parallel document, with ``deletions`` drop one
    line in ten from one side or the other, and with ``restructured`` make some 3-1 and 2-2
    beads too; returns (src, tgt, gold beads)."""
    glue_t = "" if tgt_lang in ("zh", "ja") else " "
    out_s: list[str] = []
    out_t: list[str] = []
    gold: list[BeadPair] = []
    p = 0
    while p < len(src):
        two = p + 1 < len(src)
        if restructured and two and p % 20 == 0:  # the second sentence cut elsewhere
            head, tail = _cut(tgt[p + 1])
            gold.append(((len(out_s), len(out_s) + 1), (len(out_t), len(out_t) + 1)))
            out_s += [src[p], src[p + 1]]
            out_t += [tgt[p] + glue_t + head, tail]
            p += 2
        elif restructured and p + 2 < len(src) and p % 20 == 10:  # three sentences as one
            gold.append(((len(out_s), len(out_s) + 1, len(out_s) + 2), (len(out_t),)))
            out_s += src[p : p + 3]
            out_t.append(glue_t.join(tgt[p : p + 3]))
            p += 3
        elif deletions and p % 20 == 5:  # the translation left a sentence out
            gold.append(((len(out_s),), ()))
            out_s.append(src[p])
            p += 1
        elif deletions and p % 20 == 15:  # the translation added a sentence
            gold.append(((), (len(out_t),)))
            out_t.append(tgt[p])
            p += 1
        elif two and p % 10 == 3:
            gold.append(((len(out_s), len(out_s) + 1), (len(out_t),)))
            out_s += [src[p], src[p + 1]]
            out_t.append(tgt[p] + glue_t + tgt[p + 1])
            p += 2
        elif two and p % 10 == 7:
            gold.append(((len(out_s),), (len(out_t), len(out_t) + 1)))
            out_s.append(src[p] + " " + src[p + 1])
            out_t += [tgt[p], tgt[p + 1]]
            p += 2
        else:
            gold.append(((len(out_s),), (len(out_t),)))
            out_s.append(src[p])
            out_t.append(tgt[p])
            p += 1
    return out_s, out_t, gold


def _cut(sentence: str) -> tuple[str, str]:
    """A sentence cut in two at the space or comma nearest its middle (at its middle if it
    has none)."""
    middle = len(sentence) // 2
    cuts = [k + 1 for k, ch in enumerate(sentence) if ch in " ,，、"]
    at = min(cuts, key=lambda k: abs(k - middle)) if cuts else middle
    return sentence[:at].strip(), sentence[at:].strip()


def corpus_documents(
    corpus: str,
    lang: str,
    *,
    limit: int | None = None,
    deletions: bool = False,
    restructured: bool = False,
    whole: bool = False,
) -> list[tuple[list[str], list[str], list[BeadPair]]]:
    """The test documents of one corpus and pair (see the module docstring); with ``whole``,
    one document of all its lines."""
    en, other = corpus_lines(corpus, "en"), corpus_lines(corpus, lang)
    if limit is not None:
        en, other = en[:limit], other[:limit]
    size = len(en) if whole else DOC_LINES
    return [
        make_document(
            en[k : k + size],
            other[k : k + size],
            lang,
            deletions=deletions,
            restructured=restructured,
        )
        for k in range(0, len(en), size)
    ]


def corpus_scores(
    corpus: str,
    lang: str,
    *,
    anchors: bool = True,
    lexicon: bool = True,
    deletions: bool = False,
    restructured: bool = False,
    learner: Learner | None = None,
) -> Scores:
    """Strict/lax scores of aligning every document of ``corpus`` for en-``lang``."""
    golds, tests = [], []
    documents = corpus_documents(corpus, lang, deletions=deletions, restructured=restructured)
    for src, tgt, gold in documents:
        result = align(
            presegmented(src),
            presegmented(tgt),
            src_lang="en",
            tgt_lang=lang,
            anchors=anchors,
            lexicon=lexicon,
            learner=learner,
        )
        golds.append(gold)
        tests.append([(b.src, b.tgt) for b in result.beads])
    return score_documents(golds, tests)


def long_document_scores(corpus: str, lang: str, learner: Learner | None = None) -> Scores:
    """Strict/lax scores of aligning all the lines of ``corpus`` (en-``lang``) as one
    document, with merges and deletions (with the lexicon of ``learner``, else of the
    document alone)."""
    ((src, tgt, gold),) = corpus_documents(corpus, lang, deletions=True, whole=True)
    result = align(
        presegmented(src), presegmented(tgt), src_lang="en", tgt_lang=lang, learner=learner
    )
    return score_documents([gold], [[(b.src, b.tgt) for b in result.beads]])


def memory_of(corpus: str, lang: str, folder: Path) -> Memory:
    """A memory holding the line pairs of ``corpus`` (en-``lang``), its lexicon learned."""
    en, other = corpus_lines(corpus, "en"), corpus_lines(corpus, lang)
    memory = Memory.open(folder / f"{corpus}-{lang}.sqlite")
    memory.add(
        [Unit((Variant("en", s), Variant(lang, t))) for s, t in zip(en, other, strict=True)],
        origin=corpus,
    )
    update(memory, "en", [lang])
    return memory


def pool_memory(lang: str, folder: Path, *, every: bool = False) -> Memory:
    """A memory of the pool's en-``lang`` pairs but those holding a line of either test
    corpus, its lexicon learned from the latest :data:`tm.learned.MAX_UNITS` of them (as a
    build learns it) or, with ``every``, from all."""
    test_lines = {
        line.strip()
        for corpus in CORPORA
        for name in ("en", lang)
        for line in corpus_lines(corpus, name)
    }
    pairs = []
    with gzip.open(POOL, "rt", encoding="utf-8") as rows:
        for row in rows:
            en, other, code = (row.rstrip("\n").split("\t") + ["", "", ""])[:3]
            en, other = en.strip(), other.strip()
            if code == POOL_CODES[lang] and en and other and not {en, other} & test_lines:
                pairs.append(Unit((Variant("en", en), Variant(lang, other))))
    memory = Memory.open(folder / f"pool-{lang}-{'all' if every else 'latest'}.sqlite")
    memory.add(pairs, origin="opus-testsets-en-pool")
    update(memory, "en", [lang], units=len(pairs) if every else MAX_UNITS)
    return memory


def _checks(folder: Path) -> None:
    """Measures 7 and 8 of the module docstring."""
    itself_folder = folder / "itself"  # beside the memories of the other corpus, same names
    itself_folder.mkdir(exist_ok=True)
    for lang in CHECK_LANGS:
        for corpus in CORPORA:
            with memory_of(corpus, lang, itself_folder) as memory:
                itself = corpus_scores(corpus, lang, deletions=True, learner=MemoryLearner(memory))
            print(
                f"check: {corpus} en-{lang} merges + 10% deleted, the test corpus itself as "
                f"memory: strict F1 {itself.strict_f1:.4f}"
            )
        for every in (False, True):
            with pool_memory(lang, folder, every=every) as memory:
                units = sum(memory.languages().values()) // 2
                found = [
                    corpus_scores(corpus, lang, deletions=True, learner=MemoryLearner(memory))
                    for corpus in CORPORA
                ]
            learnt = "all of them" if every else f"the latest {MAX_UNITS}"
            print(
                f"check: en-{lang} merges + 10% deleted, a memory of {units} pool pairs (lexicon "
                f"from {learnt}): strict F1 FLORES {found[0].strict_f1:.4f} NTREX "
                f"{found[1].strict_f1:.4f}"
            )


def _clock() -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process and of the workers it has waited for."""
    cpu = os.times()
    return time.perf_counter(), cpu.user + cpu.system + cpu.children_user + cpu.children_system


def _since(start: tuple[float, float]) -> tuple[float, str]:
    """Wall seconds since ``start``, and them with the CPU seconds, as text."""
    wall, cpu = _clock()
    return wall - start[0], f"{wall - start[0]:.2f} s (CPU {cpu - start[1]:.2f} s)"


def _letter_paths() -> list[Path]:
    """The letter's English, then its five versions."""
    letter = SHARED / "letter"
    return [letter / "letter.en.md"] + [letter / x / f"letter.{x}.md" for x in LANGS]


def _letter_timed(memory: Memory, workers: int | None) -> tuple[float, str]:
    """Seconds to segment the letter and align its English with its five versions with the
    learner of ``memory`` (tm/align.py: align_pairs, on ``workers``, by default the machine's
    cores), and them as text."""
    docs = [read_document(path) for path in _letter_paths()]
    start = _clock()
    versions = [(segment_document(other), other.lang) for other in docs[1:]]
    src, learner = segment_document(docs[0]), MemoryLearner(memory)
    align_pairs(src, versions, src_lang="en", learner=learner, workers=workers)
    return _since(start)


def _letter(folder: Path) -> tuple[float, float]:
    """Seconds to align the letter's English with its five versions, with a memory that
    learned its models from the letter before (the first training is not timed), and
    without the lexicon; beside them, the first in one process."""
    paths = _letter_paths()
    docs = [read_document(path) for path in paths]
    with Memory.open(folder / "letter.sqlite") as memory:
        build_memory(paths[0], paths[1:], memory)
        seconds, text = _letter_timed(memory, None)
        _, one_text = _letter_timed(memory, 1)
    start = _clock()
    for other in docs[1:]:  # the same documents, without the lexicon
        align(
            segment_document(docs[0]),
            segment_document(other),
            src_lang="en",
            tgt_lang=other.lang,
            lexicon=False,
        )
    plain, plain_text = _since(start)
    print(
        f"letter, 6 languages (raw documents, memory trained): {text} (target < 1 s; in one "
        f"process {one_text}); without the lexicon, in one process {plain_text}"
    )
    return seconds, plain


def _letter_in_a_service_memory(folder: Path) -> float:
    """Seconds to align the letter as :func:`_letter` does, with a memory that also holds
    the lines of both corpora in six languages (3,126 units a pair, as a service's memory
    holds: its lexicons are learned from many more pairs, and load and learn in more time)."""
    paths = _letter_paths()
    with Memory.open(folder / "service.sqlite") as memory:
        for corpus in CORPORA:
            lines = {lang: corpus_lines(corpus, lang) for lang in ("en", *LANGS)}
            units = [
                Unit(tuple(Variant(lang, lines[lang][k]) for lang in lines))
                for k in range(len(lines["en"]))
            ]
            memory.add(units, origin=corpus)
        build_memory(paths[0], paths[1:], memory)
        seconds, text = _letter_timed(memory, None)
        _, one_text = _letter_timed(memory, 1)
    print(f"letter, in a memory of 3,126 units in 6 languages: {text} (in one process {one_text})")
    return seconds


def _long_pair(folder: Path) -> tuple[float, float]:
    """Seconds to align a 2,000-sentence en-fr pair, pre-segmented, on a cold memory and
    without the lexicon."""
    src: list[str] = []
    tgt: list[str] = []
    for corpus in CORPORA:
        for s, t, _ in corpus_documents(corpus, "fr"):
            src += s
            tgt += t
    src, tgt = src[:2000], tgt[: len(tgt) * 2000 // len(src)]
    pair = presegmented(src), presegmented(tgt)
    with Memory.open(folder / "cold.sqlite") as memory:
        start = _clock()
        align(*pair, src_lang="en", tgt_lang="fr", learner=MemoryLearner(memory))
        seconds, text = _since(start)
    start = _clock()
    align(*pair, src_lang="en", tgt_lang="fr", lexicon=False)
    plain, plain_text = _since(start)
    print(
        f"2,000-sentence pair, cold memory: {text} (target < 3 s); without the lexicon {plain_text}"
    )
    return seconds, plain


def _speed(folder: Path, runs: int) -> None:
    """Measures 1, 1b and 2, ``runs`` times each (a fresh memory every time), then the medians:
    a shared machine's speed varies from run to run."""
    times = []
    for run in range(runs):
        here = folder / f"run{run}"
        here.mkdir()
        times.append((*_letter(here), *_long_pair(here), _letter_in_a_service_memory(here)))
    if runs > 1:
        medians = map(statistics.median, zip(*times, strict=True))
        letter, letter_plain, pair, pair_plain, service = medians
        print(
            f"medians of {runs} runs: letter {letter:.2f} s (without the lexicon "
            f"{letter_plain:.2f} s); 2,000-sentence pair {pair:.2f} s ({pair_plain:.2f} s); "
            f"letter in a service's memory {service:.2f} s"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; prints one line per measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="FLORES only, no speed runs")
    parser.add_argument(
        "--checks", action="store_true", help="the test corpus and the pool as memories too"
    )
    parser.add_argument(
        "--speed", type=int, metavar="N", help="the speed measures only, N times, and medians"
    )
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: nothing to measure")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.speed:
            _speed(folder, args.speed)
            return 0
        if not args.quick:
            _speed(folder, 1)
        corpora = CORPORA[:1] if args.quick else CORPORA
        for corpus in corpora:
            for lang in LANGS:
                full = corpus_scores(corpus, lang)
                plain = corpus_scores(corpus, lang, lexicon=False)
                base = corpus_scores(corpus, lang, anchors=False)
                print(
                    f"{corpus} en-{lang}: strict F1 {full.strict_f1:.4f} lax F1 "
                    f"{full.lax_f1:.4f} | without lexicon: strict F1 {plain.strict_f1:.4f} "
                    f"| length only: strict F1 {base.strict_f1:.4f}"
                )
        for corpus in corpora:
            other = CORPORA[1] if corpus == CORPORA[0] else CORPORA[0]
            for lang in HARD_LANGS:
                score = partial(corpus_scores, corpus, lang, deletions=True)
                plain = score(lexicon=False)
                alone = score()
                whole_alone = long_document_scores(corpus, lang)
                with memory_of(other, lang, folder) as memory:
                    known = score(learner=MemoryLearner(memory))
                    merges = corpus_scores(corpus, lang, learner=MemoryLearner(memory))
                    whole = long_document_scores(corpus, lang, MemoryLearner(memory))
                    if lang in RESTRUCTURED_LANGS:
                        moved = score(restructured=True, learner=MemoryLearner(memory))
                        moved_plain = score(restructured=True, lexicon=False)
                        print(
                            f"{corpus} en-{lang} restructured (3-1 and 2-2 beads among the "
                            f"merges and deletions): strict F1 without lexicon "
                            f"{moved_plain.strict_f1:.4f} | memory of {other} {moved.strict_f1:.4f}"
                        )
                print(
                    f"{corpus} en-{lang} merges + 10% deleted: strict F1 without lexicon "
                    f"{plain.strict_f1:.4f} | documents alone {alone.strict_f1:.4f} | memory "
                    f"of {other} {known.strict_f1:.4f} (lax {known.lax_f1:.4f}; target >= .98) "
                    f"| merges only, with that memory {merges.strict_f1:.4f} | all lines as "
                    f"one document: alone {whole_alone.strict_f1:.4f}, with that memory "
                    f"{whole.strict_f1:.4f}"
                )
        if args.checks:
            _checks(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
