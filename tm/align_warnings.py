"""What an alignment tells the translator to check, as sentences (data, never printed here)."""

from __future__ import annotations

from collections.abc import Sequence

from tm.models import Bead

__all__ = ["alignment_warnings"]


def _ranges(positions: Sequence[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``4-6, 10`` (1-based, for people reading warnings)."""
    runs: list[list[int]] = []
    for pos in sorted(positions):
        if runs and pos == runs[-1][1] + 1:
            runs[-1][1] = pos
        else:
            runs.append([pos, pos])
    return ", ".join(f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs)


def alignment_warnings(
    beads: Sequence[Bead],
    para_groups: Sequence[tuple[list[int], list[int]]],
    src_lang: str,
    tgt_lang: str,
    n_src_paras: int,
    n_tgt_paras: int,
) -> list[str]:
    """Warnings a translator should read about an alignment: a version much shorter than the
    other, paragraphs without counterpart, runs of suspect beads (sentences counted from 1),
    and an alignment mostly uncertain (perhaps not translations of one document)."""
    warnings: list[str] = []
    unit, n_src, n_tgt = "paragraphs", n_src_paras, n_tgt_paras
    if n_src_paras == 1 and n_tgt_paras == 1:  # pre-segmented: count sentences instead
        unit = "sentences"
        n_src = sum(len(b.src) for b in beads)
        n_tgt = sum(len(b.tgt) for b in beads)
    few, many = sorted((n_src, n_tgt))
    if many >= 4 and few < 0.6 * many:
        warnings.append(
            f"the {src_lang} text has {n_src} {unit} and the {tgt_lang} text "
            f"{n_tgt}: one version may be incomplete"
        )
    lone_src = [p for s, t in para_groups if not t for p in s]
    lone_tgt = [p for s, t in para_groups if not s for p in t]
    if lone_src:
        warnings.append(
            f"{src_lang} paragraphs {_ranges(lone_src)} have no counterpart in {tgt_lang}"
        )
    if lone_tgt:
        warnings.append(
            f"{tgt_lang} paragraphs {_ranges(lone_tgt)} have no counterpart in {src_lang}"
        )
    # group runs of suspect beads into regions
    region: list[Bead] = []
    regions: list[list[Bead]] = []
    for bead in beads:
        if bead.suspect:
            region.append(bead)
        elif region:
            regions.append(region)
            region = []
    if region:
        regions.append(region)
    for reg in regions:
        s = [i for b in reg for i in b.src]
        t = [j for b in reg for j in b.tgt]
        where = []
        if s:
            where.append(f"{src_lang} sentences {_ranges(s)}")
        if t:
            where.append(f"{tgt_lang} sentences {_ranges(t)}")
        warnings.append("check the alignment of " + " with ".join(where))
    if beads and sum(b.suspect for b in beads) > 0.5 * len(beads):
        warnings.append(
            f"most of the alignment is uncertain: are the {src_lang} and {tgt_lang} texts "
            "translations of the same document?"
        )
    return warnings
