"""Blocks: runs of lines as a reader found them, before classification, and the noise that
PDF conversion leaves in them (page and job numbers, "Please recycle", bar codes, rules).

Every reader (:mod:`tm.document` for text, :mod:`tm.word`, :mod:`tm.pdf`) gives blocks;
:mod:`tm.document` cleans and classifies them into paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MASTHEAD_LINE", "PAGE_END", "SYMBOL_LINE", "Block", "is_noise"]


@dataclass(slots=True)
class Block:
    """A run of lines between blank lines, before classification."""

    lines: list[str]
    hard: list[bool]  # hard[k]: lines[k] ends with a hard break
    style: str | None = None  # Word style name, if any
    broken: bool = False  # a page break (page number, running header, rule...) came before it
    footnote: bool = False  # footnote text


_SYMBOL = r"(?:[ASE]|CCPR|CERD|CEDAW|CRC|CAT|DP|UNEP|TD|ST|HRC)/[A-Z0-9.]+(?:/[A-Za-z0-9.]+)*"
#: a line that holds nothing but UN document symbols (a running header, the masthead's)
SYMBOL_LINE = re.compile(rf"^\s*{_SYMBOL}(?:\s*[-–—]?\s*{_SYMBOL})*\s*$")
#: a line "United Nations A/78/367" of a masthead
MASTHEAD_LINE = re.compile(rf"^(?:.{{0,40}}\s)?{_SYMBOL}(?<!\.)\s*$")
#: between the pages of a PDF
PAGE_END = "\f"
_NOISE = [
    re.compile(r"^\s*[-–—]?\s*\d{1,4}\s*[-–—]?\s*$"),  # page number
    re.compile(r"^\s*(?:page|página|стр\.?)\s+\d+(?:\s*(?:/|of|de|из)\s*\d+)?\s*$", re.I),
    re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"),  # "3/12"
    re.compile(r"^\s*\*?\d{2}-\d{5}\s*\*?\s*(?:\([A-Z]\))?(?:\s+\d{6}){0,2}\s*\*?\s*$"),
    re.compile(r"^\s*\*\d{7}\*\s*$"),  # bar-code text
    re.compile(
        r"^\s*(?:♲\s*)?(?:please recycle|merci de recycler|sírvase reciclar"
        r"|просьба отправить на вторичную переработку)\s*♲?\s*$",
        re.I,
    ),
    re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$"),  # horizontal rule
]


def is_noise(line: str) -> bool:
    """True for a line that conversion left: a page or job number, a rule, "Please recycle"."""
    return any(p.match(line) for p in _NOISE)
