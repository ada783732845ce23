"""PDF files -> blocks: the text layer's lines, cut into paragraphs by the page layout.

A line clearly shorter than a full line ends its paragraph; a vertical gap wider than the
page's line spacing, or a first-line indent, starts one (:func:`_pdf_page_text`). A page break
is marked, since a paragraph may continue on the next page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tm.blocks import PAGE_END, SYMBOL_LINE, Block, is_noise
from tm.errors import InputError
from tm.file_limits import pdf_pages
from tm.paragraphs import closes

if TYPE_CHECKING:
    from pypdf import PageObject

__all__ = ["pdf_blocks"]

# PDF layout, in points: lines closer than this share a line; a gap this many times the
# page's usual line spacing, or an indent this deep, starts a paragraph.
_SAME_LINE = 2.0
_GAP = 1.5
_INDENT = 8.0


def pdf_blocks(path: Path) -> list[Block]:
    """The paragraphs of a PDF file as blocks, from its layout; running headers that repeat
    the document symbol on later pages are left out.

    Raises:
        InputError: the PDF has no text layer.
        FormatError: the PDF cannot be read or is too large (see :mod:`tm.file_limits`).
    """
    pages = pdf_pages(path, _pdf_page_text)
    lines: list[str] = []
    for number, page in enumerate(pages):
        page_lines = [line.strip() for line in page.split("\n")]
        if number:  # running headers and footers repeat the symbol on later pages
            edge = {*range(3), *range(len(page_lines) - 3, len(page_lines))}
            page_lines = [
                line
                for i, line in enumerate(page_lines)
                if not (i in edge and SYMBOL_LINE.match(line))
            ]
        lines.extend(page_lines)
        lines.append(PAGE_END)
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    # A PDF line ends its paragraph when it is clearly shorter than a full line.
    lengths = sorted(len(line) for line in lines if line.strip())
    width = lengths[int(0.9 * (len(lengths) - 1))]
    blocks: list[Block] = []
    current = Block([], [])
    for line in lines:
        if line == PAGE_END or not line or is_noise(line):
            if current.lines and not is_noise(line):
                blocks.append(current)
                current = Block([], [])
            # what follows a new page may continue the paragraph the page cut
            current.broken = current.broken or line == PAGE_END
            continue
        current.lines.append(line)
        current.hard.append(False)
        if len(line) < 0.7 * width:
            blocks.append(current)
            current = Block([], [])
    if current.lines:
        blocks.append(current)
    return blocks


def _pdf_page_text(page: PageObject) -> str:
    """A PDF page's text lines, with a blank line where the layout starts a paragraph: a
    vertical gap clearly wider than the page's line spacing, or a first-line indent after a
    line that ends as a paragraph ends. Without positions, the plain text."""
    starts: list[tuple[float, float]] = []  # (x, y) of each line, from the text matrices

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not starts or abs(starts[-1][1] - y) > _SAME_LINE:
                starts.append((x, y))

    lines = [line for line in (page.extract_text(visitor_text=visit) or "").split("\n")]
    lines = [line for line in lines if line.strip()]
    if len(lines) != len(starts) or len(lines) < 3:
        return "\n".join(lines)
    gaps = sorted(a[1] - b[1] for a, b in zip(starts, starts[1:], strict=False) if a[1] > b[1])
    spacing = gaps[len(gaps) // 2] if gaps else 0.0
    margin = min(x for x, _ in starts)
    out = [lines[0]]
    for k in range(1, len(lines)):
        (x0, y0), (x1, y1) = starts[k - 1], starts[k]
        gap = y0 - y1
        indented = x1 > margin + _INDENT and x1 > x0 + _INDENT and closes(lines[k - 1])
        if (spacing and gap > _GAP * spacing) or indented:
            out.append("")
        out.append(lines[k])
    return "\n".join(out)
