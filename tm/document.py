"""UN document intake: Markdown-like text, Word and PDF files -> a :class:`Document`.

UN documents reach translators as PDF, Word, or text converted from PDF. This module turns any
of them into paragraphs with a kind (header line, heading, body, list item, signature,
footnote, table) and removes what conversion leaves behind: page numbers, job numbers such as
``23-17645 (E)``, "Please recycle", running headers that repeat the document symbol, rules.

Paragraphs are the source's: in text a blank line ends one, Word gives its own (with list
numbering written out, :mod:`tm.word`), a PDF's come from its layout (:mod:`tm.pdf`); each
reader gives :class:`~tm.blocks.Block` runs of lines, cleaned and classified here. Lines inside a
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
from pathlib import Path

from tm.blocks import MASTHEAD_LINE, SYMBOL_LINE, Block, is_noise
from tm.errors import InputError, LanguageError
from tm.lang import from_filename, normalize
from tm.models import Document, Paragraph, ParagraphKind
from tm.paragraphs import closes, continues, ends_open, item_start, numbered, opens_structure
from tm.pdf import pdf_blocks
from tm.word import docx_blocks

__all__ = ["SUFFIXES", "decode_text", "document_symbol", "parse_text", "read_document"]

#: File types read_document understands.
SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".docx", ".pdf")

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
# Plain-text titles: at most this long, and not opened by a paragraph number.
_TITLE_MAX = 200


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
        blocks = docx_blocks(path)
    elif suffix == ".pdf":
        blocks = pdf_blocks(path)
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
    blocks: list[Block] = []
    current = Block([], [])
    for raw in text.split("\n"):
        if not raw.strip():
            if current.lines:
                blocks.append(current)
                current = Block([], [])
            continue
        hard = raw.endswith("  ") or raw.rstrip().endswith("\\")
        current.lines.append(raw.strip().removesuffix("\\").rstrip() if hard else raw.strip())
        current.hard.append(hard)
    if current.lines:
        blocks.append(current)
    return _assemble(blocks, code, source=source)


# --- text files -------------------------------------------------------------------------------


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


# --- classification and repair ----------------------------------------------------------------


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


def _clean(blocks: list[Block]) -> list[Block]:
    """Drop conversion noise; a block is cut where noise interrupts it, and the block after a
    page break (page or job number, running header, rule, form feed) remembers it.

    Lines after a footnote rule ("______") that open with a footnote number form footnote
    blocks, up to the next page break or the first block that is not a footnote.
    """
    symbols_seen: set[str] = set()
    kept: list[Block] = []
    pending = False  # a page break was seen since the last kept block
    in_notes = False
    for block in blocks:
        current = Block([], [], block.style, block.broken or pending)
        for line, hard in zip(block.lines, block.hard, strict=True):
            noise = is_noise(line)
            if SYMBOL_LINE.match(line):
                key = re.sub(r"\s+", " ", line.strip())
                noise = key in symbols_seen  # running header repeating the symbol
                symbols_seen.add(key)
            if noise or _FOOTNOTE_RULE.match(line):
                if current.lines:
                    kept.append(current)
                in_notes = _FOOTNOTE_RULE.match(line) is not None
                current = Block([], [], block.style, True)
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


def _assemble(blocks: list[Block], lang: str, *, source: str | None) -> Document:
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


def _is_masthead(block: Block) -> bool:
    """True for a block of a UN masthead (a symbol, the organ's name as a level-1 heading, or
    "Distr."): a document that has one among its first blocks opens with header lines that are
    units of their own; a document that opens with its title has none."""
    first = block.lines[0]
    return (
        any(MASTHEAD_LINE.match(line) or SYMBOL_LINE.match(line) for line in block.lines)
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
    block: Block, in_header: bool, lang: str
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
            if SYMBOL_LINE.match(line):
                return re.sub(r"\s*[-–—]\s*", "–", line.strip())
    return None
