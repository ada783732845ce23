"""Benchmark of tm/check/: speed on the letter, findings on clean text, recall on planted errors.

1. Speed: the English letter (../shared/data/letter) checked as a draft, and each of its five
   working translations checked against it (segmenting, aligning and checking), with the
   shipped glossary. Target: under 2 s in all. The baseline in the same run is the part of
   that work the check cannot avoid: reading, segmenting and aligning the five pairs.
2. Clean text: the number of findings on each en/xx pair, per 50 target segments (the
   working translations are clean, so every finding is a false one or a glossary/translation
   disagreement worth reading); target at most one error per 50 segments.
3. Planted errors: tests/fixtures/check (two sets of paragraphs of the working translations,
   ``planted`` and ``planted2``, with the errors listed in manifest.tsv): how many are found.

Usage: ``.venv/bin/python bench/check_bench.py [--quick]`` (``--quick``: one timing run).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glossaries import load_shipped  # noqa: E402
from tm.align import align  # noqa: E402
from tm.check import check_draft, check_translation  # noqa: E402
from tm.document import read_document  # noqa: E402
from tm.segment import segment_document  # noqa: E402

LETTER = ROOT.parent / "shared" / "data" / "letter"
PLANTED = ROOT / "tests" / "fixtures" / "check"
LANGS = ("ar", "es", "fr", "ru", "zh")


def _best(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def speed(runs: int) -> None:
    glossary = load_shipped()
    paths = {lang: LETTER / lang / f"letter.{lang}.md" for lang in LANGS}

    def baseline() -> None:
        en = segment_document(read_document(LETTER / "letter.en.md"))
        for lang, path in paths.items():
            other = segment_document(read_document(path))
            align(en, other, src_lang="en", tgt_lang=lang, glossary=glossary)

    def checked() -> None:
        en = read_document(LETTER / "letter.en.md")
        check_draft(en, glossary=glossary)
        for path in paths.values():
            check_translation(en, read_document(path), glossary=glossary)

    checked()  # warm the caches (glossary automaton, SRX rules, CLDR data)
    base = _best(runs, baseline)
    total = _best(runs, checked)
    verdict = "ok" if total < 2.0 else "TOO SLOW"
    print(f"speed: letter + 5 translations checked in {total:.2f} s (target < 2 s: {verdict})")
    print(f"       read+segment+align only: {base:.2f} s; check/baseline = {total / base:.2f}x")


def clean() -> None:
    glossary = load_shipped()
    en = read_document(LETTER / "letter.en.md")
    draft = check_draft(en, glossary=glossary)
    print(f"\nletter.en.md as a draft: {len(draft)} findings")
    for finding in draft:
        print(f"  {finding.segment:>4} {finding.severity:<7} {finding.rule:<28} {finding.found}")
    print("\nclean pairs (working translations):")
    for lang in LANGS:
        target = read_document(LETTER / lang / f"letter.{lang}.md")
        segments = len(segment_document(target))
        findings = check_translation(en, target, glossary=glossary)
        errors = sum(1 for f in findings if f.severity == "error")
        per50 = 50 * errors / segments
        print(
            f"  en-{lang}: {len(findings):>2} findings ({errors} errors, "
            f"{len(findings) - errors} warnings) in {segments} segments = {per50:.2f} errors/50"
        )
        for finding in findings:
            print(
                f"      {finding.segment:>4} {finding.severity:<7} {finding.rule:<24} "
                f"{finding.found[:50]!r} -> {finding.expected[:50]!r}"
            )


def planted() -> None:
    glossary = load_shipped()
    lines = (PLANTED / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    manifest = list(csv.DictReader(lines, delimiter="\t"))
    found_all = 0
    print("\nplanted errors:")
    for name, lang in sorted({(row["file"], row["lang"]) for row in manifest}):
        findings = check_translation(
            read_document(PLANTED / f"{name}.en.md"),
            read_document(PLANTED / f"{name}.{lang}.md"),
            glossary=glossary,
        )
        rows = [row for row in manifest if row["file"] == name and row["lang"] == lang]
        hits = [row for row in rows if any(_matches(row, f) for f in findings)]
        found_all += len(hits)
        extra = [f for f in findings if not any(_matches(row, f) for row in rows)]
        print(f"  {name}.{lang}: {len(hits)}/{len(rows)} found, {len(extra)} other findings")
        for row in rows:
            if row not in hits:
                print(f"      MISSED {row['rule']}: {row['planted'][:70]}")
        for finding in extra:
            print(f"      other: {finding.rule} {finding.found[:60]!r}")
    print(f"  all: {found_all}/{len(manifest)}")


def _matches(row: dict[str, str], finding) -> bool:
    return (
        finding.rule == row["rule"]
        and row["found"] in finding.found
        and row["expected"] in finding.expected
        and row["planted"] in (finding.target or "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timing run")
    args = parser.parse_args()
    speed(1 if args.quick else 5)
    clean()
    planted()


if __name__ == "__main__":
    main()
