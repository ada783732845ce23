"""Word files (``.docx``) -> blocks: paragraphs, list numbering written out, footnotes last.

python-docx reads the body; the list numbers Word computes come from :mod:`tm.numbering`, and
the footnotes (which python-docx leaves out) from ``word/footnotes.xml``. A paragraph that is
bold throughout is marked with the style ``Bold`` (a heading in all but name).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tm.blocks import Block
from tm.errors import FormatError
from tm.file_limits import UNPACKING_ERRORS, check_docx, first_line

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

    from tm.numbering import Numbering

__all__ = ["docx_blocks"]


def docx_blocks(path: Path) -> list[Block]:
    """The paragraphs of a Word file as blocks, its footnotes last.

    Raises:
        FormatError: not a readable Word document (or a zip bomb, see :mod:`tm.file_limits`).
    """
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.exceptions import XmlchemyError
    from lxml.etree import XMLSyntaxError

    check_docx(path)
    # a part missing (no <w:body>: AttributeError) or a value python-docx cannot parse
    broken = (PackageNotFoundError, PythonDocxError, XmlchemyError, XMLSyntaxError)
    try:
        return _docx_content(docx.Document(str(path)))
    except UNPACKING_ERRORS + broken + (KeyError, ValueError, AttributeError) as err:
        raise FormatError(f"not a readable Word document ({first_line(err)})", path=path) from err


def _docx_content(document: DocxDocument) -> list[Block]:
    from docx.table import Table

    from tm.numbering import Numbering

    styles = _style_names(document)
    blocks: list[Block] = []
    seen_cells: set[int] = set()
    read = partial(_docx_block, numbering=Numbering(document), styles=styles)
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            # UN Word files often lay the header (symbol, distribution, date) out in a table.
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen_cells:  # a merged cell repeats
                        continue
                    seen_cells.add(id(cell._tc))
                    blocks.extend(filter(None, map(read, cell.paragraphs)))
        elif (block := read(item)) is not None:
            blocks.append(block)
    return blocks + _docx_footnotes(document)


def _docx_footnotes(document: DocxDocument) -> list[Block]:
    """The footnotes of a Word document (``word/footnotes.xml``), numbered 1, 2... in order, as
    footnote blocks after the text (python-docx leaves them out, and the references out of
    the running text)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    from tm._xml import safe_parser

    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    blocks: list[Block] = []
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype != RELATIONSHIP_TYPE.FOOTNOTES:
            continue
        root = etree.fromstring(rel.target_part.blob, safe_parser())
        for note in root.iterchildren(f"{word}footnote"):
            if note.get(f"{word}type") not in (None, "normal"):  # separators
                continue
            paragraphs = (
                "".join(t.text or "" for t in p.iter(f"{word}t")) for p in note.iter(f"{word}p")
            )
            text = " ".join(" ".join(paragraphs).split())
            if text:
                blocks.append(Block([f"{len(blocks) + 1} {text}"], [False], footnote=True))
    return blocks


def _style_names(document: DocxDocument) -> dict[str | None, str | None]:
    """Paragraph style id -> name, read once (``paragraph.style`` searches every style each
    time: 80,000 paragraphs took 100 s); ``None`` and unknown ids mean the default style."""
    from docx.enum.style import WD_STYLE_TYPE

    names: dict[str | None, str | None] = {
        style.style_id: style.name
        for style in document.styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH
    }
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names[None] = default.name if default is not None else None
    return names


def _docx_block(
    para: DocxParagraph, *, numbering: Numbering, styles: dict[str | None, str | None]
) -> Block | None:
    label = numbering.label(para)  # counted even when the paragraph is empty, as Word does
    lines = [line.strip() for line in para.text.split("\n") if line.strip()]
    if not lines:
        return None
    if label is not None:
        lines[0] = f"{label} {lines[0]}"
    style = styles.get(para._p.style, styles[None])
    if not (style or "").lower().startswith(("heading", "title")):
        runs = para.runs  # an XPath search each time it is asked for
        if runs and all(run.bold for run in runs if run.text.strip()):
            style = "Bold"
    return Block(lines, [True] * len(lines), style)
