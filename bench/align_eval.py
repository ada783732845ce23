"""Score a sentence alignment against a gold one: strict and lax precision, recall and F1.

The definitions are those of Vecalign and Bertalign (after Sennrich and Volk 2011): a test bead
is a strict true positive when the gold holds exactly the same bead; it is a lax true positive
when some of its source sentences are aligned in the gold to some of its target sentences.
Recall is precision with gold and test swapped. Beads empty on both sides are ignored.

Files hold one bead a line, ``[source indices]:[target indices]``, 0-based, e.g.
``[24, 25]:[24]`` (the format of ``untm align --format beads``).

Usage::

    .venv/bin/python bench/align_eval.py GOLD TEST [GOLD TEST ...]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Scores", "parse_beads", "read_beads", "score", "score_documents"]

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]
_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and lax precision, recall and F1 over beads."""

    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float

    def line(self) -> str:
        """One human-readable line."""
        return (
            f"strict P {self.strict_precision:.4f} R {self.strict_recall:.4f} "
            f"F1 {self.strict_f1:.4f} | lax P {self.lax_precision:.4f} "
            f"R {self.lax_recall:.4f} F1 {self.lax_f1:.4f}"
        )


def parse_beads(lines: Iterable[str]) -> list[BeadPair]:
    """Beads from ``[a, b]:[c]`` lines (blank lines skipped); a malformed line raises ValueError."""
    beads = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"line {number}: not a bead like '[24, 25]:[24]': {line.strip()!r}")
        src, tgt = (
            tuple(int(x) for x in part.replace(",", " ").split()) for part in match.groups()
        )
        beads.append((src, tgt))
    return beads


def read_beads(path: str | Path) -> list[BeadPair]:
    """Beads from a file (see :func:`parse_beads`)."""
    return parse_beads(Path(path).read_text(encoding="utf-8").splitlines())


def _counts(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> tuple[int, int, int, int]:
    """(strict tp, strict fp, lax tp, lax fp) of ``test`` against ``gold``."""
    gold_set = {(s, t) for s, t in gold if s or t}
    test_set = {(s, t) for s, t in test if s or t}
    linked: dict[int, set[int]] = {}
    for src, tgt in gold_set:
        for s in src:
            linked.setdefault(s, set()).update(tgt)
    tp_strict = fp_strict = tp_lax = fp_lax = 0
    for src, tgt in test_set:
        if (src, tgt) in gold_set:
            tp_strict += 1
            tp_lax += 1
            continue
        fp_strict += 1
        reachable = set().union(*(linked.get(s, set()) for s in src)) if src else set()
        if reachable & set(tgt):
            tp_lax += 1
        else:
            fp_lax += 1
    return tp_strict, fp_strict, tp_lax, fp_lax


def _ratio(a: int, b: int) -> float:
    return a / (a + b) if a + b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Sequence[BeadPair], test: Sequence[BeadPair]) -> Scores:
    """Score the alignment ``test`` of one document against ``gold``.

    >>> gold = [((0,), (0,)), ((1, 2), (1,))]
    >>> score(gold, [((0,), (0,)), ((1,), (1,)), ((2,), ())]).strict_f1
    0.4
    """
    return score_documents([gold], [test])


def score_documents(
    golds: Sequence[Sequence[BeadPair]], tests: Sequence[Sequence[BeadPair]]
) -> Scores:
    """Score the alignments ``tests`` of several documents against ``golds``, micro-averaged."""
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for g, t in zip(golds, tests, strict=True):
        p = [a + b for a, b in zip(p, _counts(g, t), strict=True)]
        r = [a + b for a, b in zip(r, _counts(t, g), strict=True)]
    sp, sr = _ratio(p[0], p[1]), _ratio(r[0], r[1])
    lp, lr = _ratio(p[2], p[3]), _ratio(r[2], r[3])
    return Scores(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr))


def main(argv: Sequence[str] | None = None) -> int:
    """Score pairs of gold and test files; prints one line per pair and a total."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="GOLD TEST [GOLD TEST ...]")
    args = parser.parse_args(argv)
    if len(args.files) % 2:
        parser.error("give files in pairs: GOLD TEST")
    golds = [read_beads(p) for p in args.files[0::2]]
    tests = [read_beads(p) for p in args.files[1::2]]
    for path, g, t in zip(args.files[1::2], golds, tests, strict=True):
        print(f"{path}: {score(g, t).line()}")
    if len(golds) > 1:
        print(f"all: {score_documents(golds, tests).line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
