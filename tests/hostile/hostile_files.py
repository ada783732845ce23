"""Hostile and valid sample files of every format untm reads, generated at run time (nothing
big is committed): Word archives, PDF files, SRX rules, glossaries. Our own text, not UN text."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

SRX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<srx xmlns="http://www.lisa.org/srx20" version="2.0">'
    '<header segmentsubflows="yes" cascade="no"/><body><languagerules>'
    '<languagerule languagerulename="x">'
)
SRX_TAIL = (
    '</languagerule></languagerules><maprules><languagemap languagepattern=".*" '
    'languagerulename="x"/></maprules></body></srx>\n'
)


def srx(before: str, after: str) -> str:
    """An SRX file of one breaking rule (patterns as given, XML-escaped by the caller)."""
    rule = (
        f'<rule break="yes"><beforebreak>{before}</beforebreak>'
        f"<afterbreak>{after}</afterbreak></rule>"
    )
    return SRX_HEAD + rule + SRX_TAIL


def docx_bytes(body: str = "", styles: str = "") -> bytes:
    """A Word file made by python-docx with ``body`` (WordprocessingML paragraphs) at the start
    of the document and ``styles`` (``<w:style>`` elements) added to its styles."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                at = text.index("<w:body>") + len("<w:body>")
                data = (text[:at] + body + text[at:]).encode()
            elif item.filename == "word/styles.xml" and styles:
                data = data.decode().replace("</w:styles>", styles + "</w:styles>").encode()
            dst.writestr(item, data)
    return out.getvalue()


def paragraphs(texts: list[str], style: str | None = None) -> str:
    """WordprocessingML paragraphs of ``texts``, each in ``style`` when given."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return "".join(f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>" for text in texts)


def pdf_bytes(content: bytes, *, compress: bool = False) -> bytes:
    """A one-page PDF whose page content stream is ``content`` (``FlateDecode`` when
    ``compress``), with a Helvetica font, a correct cross-reference table and trailer."""
    stream = zlib.compress(content, 9) if compress else content
    flate = b"/Filter /FlateDecode " if compress else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< "
        + flate
        + b"/Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def text_pdf(lines: list[str]) -> bytes:
    """A PDF page showing ``lines`` (ASCII) one under the other."""
    shown = b"".join(b"(" + line.encode() + b") Tj 0 -16 Td " for line in lines)
    return pdf_bytes(b"BT /F1 12 Tf 72 720 Td " + shown + b"ET")


def encrypted_pdf() -> bytes:
    """A PDF that opens only with the password ``secret``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Secret report."]))))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` and return the path."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path
