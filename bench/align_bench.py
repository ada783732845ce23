"""Benchmark of tm/align.py: speed and accuracy, with a length-only baseline from the same run.

1. The letter in six languages (../shared/data/letter): raw documents when tm.document and
   tm.segment are present, else the reference segmentation; target under 1 s for all five pairs.
2. A 2,000-sentence document pair (en-fr, pre-segmented, built from FLORES + NTREX lines
   as below); target under 5 s.
3. FLORES-200 devtest and NTREX-128 (../shared/data/corpus), en with each of ar, es, fr, ru,
   zh: strict and lax F1 per pair (target strict F1 >= 0.95), against the same aligner with
   the anchors turned off (Gale-Church length cost only).

How the corpus test sets are made (deterministic): the line-parallel files are cut into
documents of :data:`DOC_LINES` consecutive lines. Inside a document, at every position p with
``p % 10 == 3`` the target lines p and p+1 are joined (a 2-1 bead), and at every p with
``p % 10 == 7`` the English lines p and p+1 are joined (a 1-2 bead); lines are joined with a
space (nothing for Chinese). All other lines are 1-1 beads. Each document is aligned
pre-segmented, one sentence a line, and all documents are scored together (micro-averaged).

Usage: ``.venv/bin/python bench/align_bench.py [--quick]`` (``--quick``: FLORES only, one run).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align_eval import BeadPair, Scores, score_documents  # noqa: E402

from tm.align import align, presegmented  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DOC_LINES = 40
LANGS = ("ar", "es", "fr", "ru", "zh")
CORPORA = ("flores200-devtest-un6", "ntrex128-un6")

__all__ = ["DOC_LINES", "corpus_documents", "corpus_scores", "make_document"]


def make_document(
    src: Sequence[str], tgt: Sequence[str], tgt_lang: str
) -> tuple[list[str], list[str], list[BeadPair]]:
    """Join some adjacent lines of a line-parallel document; returns (src, tgt, gold beads)."""
    glue_t = "" if tgt_lang in ("zh", "ja") else " "
    out_s: list[str] = []
    out_t: list[str] = []
    gold: list[BeadPair] = []
    p = 0
    while p < len(src):
        two = p + 1 < len(src)
        if two and p % 10 == 3:
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


def corpus_documents(
    corpus: str, lang: str, *, limit: int | None = None
) -> list[tuple[list[str], list[str], list[BeadPair]]]:
    """The test documents of one corpus and pair (see the module docstring)."""
    folder = SHARED / "corpus" / corpus
    en = (folder / "en.txt").read_text(encoding="utf-8").splitlines()
    other = (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    if limit is not None:
        en, other = en[:limit], other[:limit]
    return [
        make_document(en[k : k + DOC_LINES], other[k : k + DOC_LINES], lang)
        for k in range(0, len(en), DOC_LINES)
    ]


def corpus_scores(corpus: str, lang: str, *, anchors: bool = True) -> Scores:
    """Strict/lax scores of aligning every document of ``corpus`` for en-``lang``."""
    golds, tests = [], []
    for src, tgt, gold in corpus_documents(corpus, lang):
        result = align(
            presegmented(src), presegmented(tgt), src_lang="en", tgt_lang=lang, anchors=anchors
        )
        golds.append(gold)
        tests.append([(b.src, b.tgt) for b in result.beads])
    return score_documents(golds, tests)


def _letter() -> float:
    """Seconds to align the letter's English with its five versions."""
    letter = SHARED / "letter"
    try:
        from tm.align import align_documents
        from tm.document import read_document

        docs = [read_document(letter / "letter.en.md")]
        docs += [read_document(letter / lang / f"letter.{lang}.md") for lang in LANGS]
        start = time.perf_counter()
        align_documents(docs[0], docs[1:])
        how = "raw documents"
    except ImportError:

        def column(path: Path) -> list[str]:
            return [line.split("\t")[2] for line in path.read_text("utf-8").splitlines()]

        en = presegmented(column(letter / "en.sentences.tsv"))
        others = [presegmented(column(letter / lang / "sentences.tsv")) for lang in LANGS]
        start = time.perf_counter()
        for lang, other in zip(LANGS, others, strict=True):
            align(en, other, src_lang="en", tgt_lang=lang)
        how = "reference segmentation"
    seconds = time.perf_counter() - start
    print(f"letter, 6 languages ({how}): {seconds:.3f} s (target < 1 s)")
    return seconds


def _long_pair() -> float:
    """Seconds to align a 2,000-sentence en-fr pair, pre-segmented."""
    src: list[str] = []
    tgt: list[str] = []
    for corpus in CORPORA:
        for s, t, _ in corpus_documents(corpus, "fr"):
            src += s
            tgt += t
    src, tgt = src[:2000], tgt[: len(tgt) * 2000 // len(src)]
    start = time.perf_counter()
    align(presegmented(src), presegmented(tgt), src_lang="en", tgt_lang="fr")
    seconds = time.perf_counter() - start
    baseline_start = time.perf_counter()
    align(presegmented(src), presegmented(tgt), src_lang="en", tgt_lang="fr", anchors=False)
    baseline = time.perf_counter() - baseline_start
    print(
        f"2,000-sentence pair: {seconds:.2f} s (target < 5 s); length only {baseline:.2f} s "
        f"(x{seconds / baseline:.2f})"
    )
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; prints one line per measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="FLORES only, no speed runs")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"{SHARED} is missing: nothing to measure")
        return 1
    if not args.quick:
        _letter()
        _long_pair()
    corpora = CORPORA[:1] if args.quick else CORPORA
    for corpus in corpora:
        for lang in LANGS:
            full = corpus_scores(corpus, lang)
            base = corpus_scores(corpus, lang, anchors=False)
            print(
                f"{corpus} en-{lang}: strict F1 {full.strict_f1:.4f} lax F1 {full.lax_f1:.4f} "
                f"| length only: strict F1 {base.strict_f1:.4f} "
                f"(x{full.strict_f1 / base.strict_f1 if base.strict_f1 else float('inf'):.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
