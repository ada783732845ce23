"""UN document intake: Markdown-like text, Word and PDF files -> a :class:`Document`.

UN documents reach translators as PDF, Word, or text converted from PDF. This module turns any
of them into paragraphs with a kind (header line, heading, body, list item, signature,
footnote, table) and removes what conversion leaves behind: page numbers, job numbers such as
``23-17645 (E)``, "Please recycle", running headers that repeat the document symbol, rules.

Paragraphs are the source's: in text a blank line ends one, Word gives its own (with list
numbering written out, :mod:`tm.numbering`), a PDF's come from its layout. Lines inside a
paragraph are joined; two paragraphs are joined only where a page break cut one in two, as
:func:`tm.paragraphs.continues` decides. Footnotes (Markdown ``[^1]: ...``, or "1 See ..."
lines under a ``______`` rule) become paragraphs of their own, out of the running text; a
Markdown pipe table is one paragraph whose cells are lines. A short paragraph without a final
stop that no repair joined is a title (kind ``heading``).

Layout conventions kept from UN documents: in the header block ("Distr.: General" / date) and
in signature blocks (name / title / function) each line is a unit of its own, so those lines
are joined with ``"\\n"`` (a hard segment break), as are the items of a list and the cells of
a table. Paragraph indices are therefore the same in every language version of a document,
which the aligner relies on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tm.errors import FormatError, InputError, LanguageError
from tm.file_limits import UNPACKING_ERRORS, check_docx, first_line, pdf_pages
from tm.lang import from_filename, normalize
from tm.models import Document, Paragraph, ParagraphKind
from tm.paragraphs import closes, continues, ends_open, item_start, numbered, opens_structure

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph
    from pypdf import PageObject

    from tm.numbering import Numbering

__all__ = ["SUFFIXES", "decode_text", "document_symbol", "parse_text", "read_document"]

#: File types read_document understands.
SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".docx", ".pdf")

# --- noise left by PDF conversion ---------------------------------------------------------------

_SYMBOL = r"(?:[ASE]|CCPR|CERD|CEDAW|CRC|CAT|DP|UNEP|TD|ST|HRC)/[A-Z0-9.]+(?:/[A-Za-z0-9.]+)*"
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
_PAGE_END = "\f"  # between the pages of a PDF
# PDF layout, in points: lines closer than this share a line; a gap this many times the
# page's usual line spacing, or an indent this deep, starts a paragraph.
_SAME_LINE = 2.0
_GAP = 1.5
_INDENT = 8.0
_SYMBOL_LINE = re.compile(rf"^\s*{_SYMBOL}(?:\s*[-–—]?\s*{_SYMBOL})*\s*$")

# --- Markdown -----------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+•]\s+(.*)$")
# Numbered items keep their number: "1." and "(a)" are part of the text translators see.
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}[.)]|\((?:[a-z]{1,2}|[ivxl]{1,5}|\d{1,3})\))\s+\S")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.S)
_ITALIC = re.compile(
    r"(?<!\*)\*(?![\s*])(.+?)(?<![\s*])\*(?!\*)|(?<!\w)_(?![\s_])(.+?)(?<![\s_])_(?!\w)", re.S
)
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_SHELTER = 0xF0000  # escaped marks wait in a private-use plane while emphasis is removed
_SHELTERED = re.compile("[\U000f0000-\U000f007f]")
_SIGNED = re.compile(
    r"[(（]\s*(?:signed|signé|signée|firmado|firmada|подпись|подписано|توقيع|签名|簽名)\s*[)）]",
    re.I,
)
# Footnotes: Markdown's "[^1]" references and "[^1]: text" definitions; in text converted from
# PDF, a rule of underscores at the foot of the page, then "1 See ..." lines.
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]{1,20}\](?!:)")
_MD_FOOTNOTE = re.compile(r"^\s*\[\^([^\]\s]{1,20})\]:\s*(.*)$")
_FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_LINE = re.compile(r"^\s*(?:\d{1,3}|[*†‡]{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s+\S")
_CUT_WORD = re.compile(r"[^\W\d_][-‐]$")  # "co-" at the end of a line
# Markdown pipe tables: each cell is a unit.
_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
# A masthead, if any, shows among a document's first blocks ("United Nations" / "A/78/367").
_MASTHEAD_BLOCKS = 3
_MASTHEAD_LINE = re.compile(rf"^(?:.{{0,40}}\s)?{_SYMBOL}(?<!\.)\s*$")  # "United Nations A/78/367"
# Plain-text titles: at most this long, and not opened by a paragraph number.
_TITLE_MAX = 200


@dataclass(slots=True)
class _Block:
    """A run of lines between blank lines, before classification."""

    lines: list[str]
    hard: list[bool]  # hard[k]: lines[k] ends with a hard break
    style: str | None = None  # Word style name, if any
    broken: bool = False  # a page break (page number, running header, rule...) came before it
    footnote: bool = False  # footnote text


def read_document(path: str | Path, *, lang: str | None = None) -> Document:
    """Read a .md/.txt, .docx or .pdf file into a :class:`Document`.

    The language comes from ``lang`` or from a ``.xx.`` part of the file name.

    Raises:
        LanguageError: neither ``lang`` nor the file name gives a language.
        InputError: the file is empty, binary, or of an unsupported type.
        FormatError: a Word or PDF file cannot be read.
    """
    path = Path(path)
    code = normalize(lang) if lang else from_filename(path)
    if code is None:
        raise LanguageError(
            f"{path}: cannot tell the language; name the file like letter.fr.md", parameter="lang"
        )
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}"
        )
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a document")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if suffix == ".docx":
        blocks = _docx_blocks(path)
    elif suffix == ".pdf":
        blocks = _pdf_blocks(path)
    else:
        return parse_text(decode_text(data, path), code, source=str(path))
    return _assemble(blocks, code, source=str(path))


def parse_text(text: str, lang: str, *, source: str | None = None) -> Document:
    """Parse Markdown-like text (a PDF converted to Markdown, or plain text) into a Document.

    >>> doc = parse_text("Distr.: General  \\n13 September 2023\\n\\nIt is **so**.", "en")
    >>> [(p.kind, p.text) for p in doc.paragraphs]
    [('header', 'Distr.: General\\n13 September 2023'), ('body', 'It is so.')]
    """
    code = normalize(lang)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.replace("\f", "\n\n---\n\n")  # a form feed is a page break, as a rule is
    blocks: list[_Block] = []
    current = _Block([], [])
    for raw in text.split("\n"):
        if not raw.strip():
            if current.lines:
                blocks.append(current)
                current = _Block([], [])
            continue
        hard = raw.endswith("  ") or raw.rstrip().endswith("\\")
        current.lines.append(raw.strip().removesuffix("\\").rstrip() if hard else raw.strip())
        current.hard.append(hard)
    if current.lines:
        blocks.append(current)
    return _assemble(blocks, code, source=source)


# --- readers ----------------------------------------------------------------------------------


def decode_text(data: bytes, path: str | Path) -> str:
    """The text of a text file's bytes: UTF-8 (with or without BOM), or UTF-16 with a BOM.

    Raises:
        InputError: the bytes are binary or not UTF-8 (``path`` names the file in the message).
    """
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text")
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as err:
        encoding = "UTF-16" if utf16 else "UTF-8"
        raise InputError(
            f"{path}: not {encoding} text (byte {err.start}); save it as UTF-8 and try again"
        ) from err


def _docx_blocks(path: Path) -> list[_Block]:
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


def _docx_content(document: DocxDocument) -> list[_Block]:
    from docx.table import Table

    from tm.numbering import Numbering

    styles = _style_names(document)
    blocks: list[_Block] = []
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


def _docx_footnotes(document: DocxDocument) -> list[_Block]:
    """The footnotes of a Word document (``word/footnotes.xml``), numbered 1, 2... in order, as
    footnote blocks after the text (python-docx leaves them out, and the references out of
    the running text)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    from tm._xml import safe_parser

    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    blocks: list[_Block] = []
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
                blocks.append(_Block([f"{len(blocks) + 1} {text}"], [False], footnote=True))
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
) -> _Block | None:
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
    return _Block(lines, [True] * len(lines), style)


def _pdf_blocks(path: Path) -> list[_Block]:
    pages = pdf_pages(path, _pdf_page_text)
    lines: list[str] = []
    for number, page in enumerate(pages):
        page_lines = [line.strip() for line in page.split("\n")]
        if number:  # running headers and footers repeat the symbol on later pages
            edge = {*range(3), *range(len(page_lines) - 3, len(page_lines))}
            page_lines = [
                line
                for i, line in enumerate(page_lines)
                if not (i in edge and _SYMBOL_LINE.match(line))
            ]
        lines.extend(page_lines)
        lines.append(_PAGE_END)
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: the PDF has no text layer (a scan?); run OCR first")
    # A PDF line ends its paragraph when it is clearly shorter than a full line.
    lengths = sorted(len(line) for line in lines if line.strip())
    width = lengths[int(0.9 * (len(lengths) - 1))]
    blocks: list[_Block] = []
    current = _Block([], [])
    for line in lines:
        if line == _PAGE_END or not line or _is_noise(line):
            if current.lines and not _is_noise(line):
                blocks.append(current)
                current = _Block([], [])
            # what follows a new page may continue the paragraph the page cut
            current.broken = current.broken or line == _PAGE_END
            continue
        current.lines.append(line)
        current.hard.append(False)
        if len(line) < 0.7 * width:
            blocks.append(current)
            current = _Block([], [])
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


# --- classification and repair ----------------------------------------------------------------


def _is_noise(line: str) -> bool:
    return any(p.match(line) for p in _NOISE)


def _strip_marks(text: str) -> str:
    """Remove Markdown emphasis and footnote references; escaped marks ("\\*") stay as text."""
    text = _ESCAPED.sub(lambda m: chr(_SHELTER + ord(m.group(1))), text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    return _SHELTERED.sub(lambda m: chr(ord(m.group()) - _SHELTER), text).strip()


def _is_cjk(char: str) -> bool:
    if not char:
        return False
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "IDEOGRAPHIC"))


def _width(line: str) -> int:
    """The width of a line in columns: a Chinese character takes two."""
    return sum(2 if _is_cjk(char) else 1 for char in line)


def _join(lines: Iterable[str]) -> str:
    """Join wrapped lines: a space between words, nothing between Chinese characters, nothing
    after a hyphen that ends a line before a lower-case word ("co-" / "operation")."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        glued = _is_cjk(out.rstrip("*_")[-1:]) and _is_cjk(line.lstrip("*_")[:1])
        if out and not glued and not (_CUT_WORD.search(out) and line[:1].islower()):
            out += " "
        out += line
    return out


def _emphasis(lines: Sequence[str]) -> str | None:
    """``"bold"``/``"italic"`` when the whole block is one emphasised run, else None."""
    text = "\n".join(lines).strip()
    if re.fullmatch(r"(\*\*|__)(?:(?!\1).)+\1", text, re.S):
        return "bold"
    if re.fullmatch(r"([*_])(?:(?!\1).)+\1", text, re.S):
        return "italic"
    return None


def _clean(blocks: list[_Block]) -> list[_Block]:
    """Drop conversion noise; a block is cut where noise interrupts it, and the block after a
    page break (page or job number, running header, rule, form feed) remembers it.

    Lines after a footnote rule ("______") that open with a footnote number form footnote
    blocks, up to the next page break or the first block that is not a footnote.
    """
    symbols_seen: set[str] = set()
    kept: list[_Block] = []
    pending = False  # a page break was seen since the last kept block
    in_notes = False
    for block in blocks:
        current = _Block([], [], block.style, block.broken or pending)
        for line, hard in zip(block.lines, block.hard, strict=True):
            noise = _is_noise(line)
            if _SYMBOL_LINE.match(line):
                key = re.sub(r"\s+", " ", line.strip())
                noise = key in symbols_seen  # running header repeating the symbol
                symbols_seen.add(key)
            if noise or _FOOTNOTE_RULE.match(line):
                if current.lines:
                    kept.append(current)
                in_notes = _FOOTNOTE_RULE.match(line) is not None
                current = _Block([], [], block.style, True)
                continue
            if not current.lines:
                in_notes = in_notes and _FOOTNOTE_LINE.match(line) is not None
                current.footnote = (
                    block.footnote or in_notes or _MD_FOOTNOTE.match(line) is not None
                )
            current.lines.append(line)
            current.hard.append(hard)
        if current.lines:
            kept.append(current)
        pending = not current.lines and current.broken
    return kept


def _assemble(blocks: list[_Block], lang: str, *, source: str | None) -> Document:
    paragraphs: list[tuple[ParagraphKind, str]] = []
    cleaned = _clean(blocks)
    in_header = any(map(_is_masthead, cleaned[:_MASTHEAD_BLOCKS]))
    for block in cleaned:
        parts, ends_header = _classify(block, in_header, lang)
        if ends_header:
            in_header = False
        for n, (kind, text) in enumerate(parts):
            target = _continued(paragraphs, kind, text, lang, block.broken) if n == 0 else None
            if target is None:
                paragraphs.append((kind, text))
            else:
                paragraphs[target] = ("body", _join([paragraphs[target][1], text]))
    if not paragraphs:
        where = f"{source}: " if source else ""
        raise InputError(f"{where}the document contains no text")
    # A body paragraph that page-break repair left alone and that reads as a title is one.
    return Document(
        lang,
        tuple(
            Paragraph(i, "heading" if kind == "body" and _is_title(text, lang) else kind, text)
            for i, (kind, text) in enumerate(paragraphs)
        ),
        source,
    )


def _is_masthead(block: _Block) -> bool:
    """True for a block of a UN masthead (a symbol, the organ's name as a level-1 heading, or
    "Distr."): a document that has one among its first blocks opens with header lines that are
    units of their own; a document that opens with its title has none."""
    first = block.lines[0]
    return (
        any(_MASTHEAD_LINE.match(line) or _SYMBOL_LINE.match(line) for line in block.lines)
        or re.match(r"#\s", first) is not None
        or (block.style or "").lower().startswith("title")
        or "distr" in first.lower()
    )


def _continued(
    paragraphs: Sequence[tuple[ParagraphKind, str]],
    kind: ParagraphKind,
    text: str,
    lang: str,
    page_break: bool,
) -> int | None:
    """The index of the body paragraph that ``text`` continues across a page break, if any.

    Footnotes printed at the foot of the page between the two parts stay out of the joined
    paragraph (they are a sign of the page break themselves).
    """
    if kind != "body":
        return None
    last = len(paragraphs) - 1
    while last >= 0 and paragraphs[last][0] == "footnote":
        last -= 1
    if last < 0 or paragraphs[last][0] != "body":
        return None
    page_break = page_break or last < len(paragraphs) - 1
    return last if continues(paragraphs[last][1], text, lang, page_break=page_break) else None


def _classify(
    block: _Block, in_header: bool, lang: str
) -> tuple[list[tuple[ParagraphKind, str]], bool]:
    """(the block's paragraphs with their kinds, whether this block ends the header zone)."""
    lines = block.lines
    style = (block.style or "").lower()
    first = lines[0]
    if block.footnote:
        return [("footnote", text) for text in _footnotes(lines)], True
    if len(first) <= 120 and _SIGNED.search(first):
        return [("signature", _strip_marks("\n".join(lines)))], True
    heading = _HEADING.match(first)
    if heading or style.startswith(("heading", "title")):
        if heading:
            lines = [heading.group(2), *lines[1:]]
        level = len(heading.group(1)) if heading else 2
        text = _strip_marks(_join(lines))
        if in_header and level == 1:
            return [("header", text)], False
        return [("heading", text)], True
    if all(line.startswith("|") for line in lines):
        return [("table", "\n".join(_cells(lines)))], True
    items = _items(lines, lang)
    if all(_BULLET.match(item[0]) for item in items) or style.startswith("list"):
        texts = [_strip_marks(_join([_BULLET.sub(r"\1", item[0]), *item[1:]])) for item in items]
        return [("list_item", "\n".join(texts))], True
    if len(items) > 1:
        return [("list_item", "\n".join(_strip_marks(_join(item)) for item in items))], True
    emphasis = _emphasis(lines)
    if emphasis is not None or style == "bold":
        return [("heading", _strip_marks(_join(lines)))], False
    if (
        in_header
        and (len(lines) == 1 or all(block.hard[:-1]) or all(_width(line) <= 40 for line in lines))
        and all(_width(line) <= 80 for line in lines)
        and not re.search(r"[.!?。！？]\W*$", lines[-1])
        and not item_start(first)
    ):
        # Header block lines ("Distr.: General" / date / "Original: English") stay units.
        return [("header", _strip_marks("\n".join(lines)))], False
    return [("body", _strip_marks(_join(lines)))], True


def _is_title(text: str, lang: str) -> bool:
    """A title or heading of plain text: short, one line's worth, and not ended as paragraphs
    end (no stop, comma, semicolon or colon), nor opened as a paragraph or list item."""
    return (
        len(text) <= _TITLE_MAX
        and not closes(text)
        and not text[:1].islower()
        and not numbered(text)
        and not ends_open(text, lang)
    )


def _items(lines: Sequence[str], lang: str) -> list[list[str]]:
    """Lines grouped into items: an item starts at a line that opens with a number, letter or
    bullet when the block is a list, or at a line that opens a structure (a number, letter or
    preambular participle) after a line that ended a clause."""
    groups: list[list[str]] = [[lines[0]]]
    listed = item_start(lines[0])
    for line in lines[1:]:
        if (listed and item_start(line)) or (
            closes(groups[-1][-1]) and opens_structure(line, lang)
        ):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _cells(lines: Sequence[str]) -> list[str]:
    """The non-empty cells of a Markdown pipe table, row by row (the rule row left out)."""
    cells: list[str] = []
    for line in lines:
        if _TABLE_RULE.match(line):
            continue
        for cell in _CELL_SPLIT.split(line.strip().strip("|")):
            text = _strip_marks(cell.replace("\\|", "|"))
            if text:
                cells.append(text)
    return cells


def _footnotes(lines: Sequence[str]) -> list[str]:
    """Footnotes of a footnote block, each with its number: "[^2]: Text" -> "2 Text"."""
    notes: list[list[str]] = []
    for line in lines:
        md = _MD_FOOTNOTE.match(line)
        if md is not None:
            notes.append([f"{md.group(1)} {md.group(2)}"])
        elif _FOOTNOTE_LINE.match(line) or not notes:
            notes.append([line])
        else:
            notes[-1].append(line)
    return [_strip_marks(_join(note)) for note in notes]


def document_symbol(doc: Document) -> str | None:
    """The UN symbol on a line of the document's header (``A/78/367–S/2023/681``,
    ``A/RES/70/1``, ``E/CN.6/2024/3``), with spaces around a joining dash removed and the
    dash written as an en dash; None when the header has no symbol line."""
    for paragraph in doc.paragraphs:
        if paragraph.kind not in ("header", "heading"):
            break
        for line in paragraph.text.split("\n"):
            if _SYMBOL_LINE.match(line):
                return re.sub(r"\s*[-–—]\s*", "–", line.strip())
    return None
