"""Segmentation throughput of untm's SRX engine beside pySBD, measured in the same run.

Text: the real sentences of ../shared/data/corpus (FLORES-200 devtest and NTREX-128, one
sentence a line, parallel in the six UN languages). Consecutive lines are joined five at a
time into paragraphs, so both segmenters have boundaries to find; "lines recovered" counts the
original lines each segmenter gives back exactly (a rough accuracy figure beside the speed).

    .venv/bin/python bench/segment_bench.py            # 6 languages, both corpora
    .venv/bin/python bench/segment_bench.py --quick    # en and fr, 300 lines of FLORES
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from tm.segment import Segmenter

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "corpus"
FULL = ("flores200-devtest-un6", "ntrex128-un6")
LANGS = ("en", "fr", "es", "ru", "zh", "ar")
PER_PARAGRAPH = 5


def _paragraphs(lang: str, corpora: tuple[str, ...], limit: int | None) -> list[list[str]]:
    lines: list[str] = []
    for corpus in corpora:
        lines += (CORPUS / corpus / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if line.strip()][:limit]
    return [lines[i : i + PER_PARAGRAPH] for i in range(0, len(lines), PER_PARAGRAPH)]


def _joiner(lang: str) -> str:
    return "" if lang == "zh" else " "


def _run(split: Callable[[str], list[str]], paras: list[list[str]], lang: str) -> tuple[float, int]:
    recovered = 0
    start = time.perf_counter()
    outputs = [split(_joiner(lang).join(p)) for p in paras]
    elapsed = time.perf_counter() - start
    for para, out in zip(paras, outputs, strict=True):
        got = {s.strip() for s in out}
        recovered += sum(line.strip() in got for line in para)
    return elapsed, recovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (en, fr; 300 lines)")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"corpus not found: {CORPUS}")
    import pysbd

    langs = ("en", "fr") if args.quick else LANGS
    corpora = FULL[:1] if args.quick else FULL
    limit = 300 if args.quick else None
    print(
        f"{'lang':<5}{'lines':>7}{'chars':>10}{'untm chars/s':>15}{'pySBD chars/s':>15}"
        f"{'ratio':>8}{'untm lines ok':>15}{'pySBD lines ok':>16}"
    )
    total_ours = total_theirs = 0.0
    for lang in langs:
        paras = _paragraphs(lang, corpora, limit)
        chars = sum(len(_joiner(lang).join(p)) for p in paras)
        lines = sum(len(p) for p in paras)
        ours = Segmenter(lang)
        ours.split("Warm up. The rules compile once.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = pysbd.Segmenter(language=lang, clean=False)
        t_ours, ok_ours = _run(ours.split, paras, lang)
        t_theirs, ok_theirs = _run(theirs.segment, paras, lang)
        total_ours += t_ours
        total_theirs += t_theirs
        print(
            f"{lang:<5}{lines:>7}{chars:>10}{chars / t_ours:>15,.0f}{chars / t_theirs:>15,.0f}"
            f"{t_theirs / t_ours:>7.1f}x{ok_ours / lines:>15.1%}{ok_theirs / lines:>16.1%}"
        )
    print(
        f"overall: untm {total_ours:.2f} s, pySBD {total_theirs:.2f} s, "
        f"untm is {total_theirs / total_ours:.1f}x faster (target >= 5x)"
    )


if __name__ == "__main__":
    main()
