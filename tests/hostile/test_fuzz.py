"""Fuzzing every reader: valid sample files, cut, spliced and sprinkled with hostile bytes by
hypothesis, must each be read or refused with an :class:`UntmError` (which the command line
turns into one line and exit 2); any other exception is a crash. A small budget runs in
``make test``, a larger one in ``make test-slow``."""

from __future__ import annotations

import contextlib
import io
import itertools
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_files import docx_bytes, paragraphs, srx, text_pdf
from hostile_helpers import HEAD, TAIL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tm.document import read_document
from tm.errors import UntmError
from tm.segment import Segmenter
from tmx.glossary import load
from tmx.po import read_po
from tmx.tabular import read_table
from tmx.tbx import read_tbx
from tmx.tmx import read_tmx

#: Pieces of hostile input spliced into the samples.
TOKENS = [
    b"\x00",
    b"\r",
    b"\x1b[2J",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"<",
    b">",
    b"&",
    b"&undefined;",
    b"&#0;",
    b"&#13;",
    b"&#x1;",
    b"<![CDATA[",
    b"]]>",
    b'<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    b'<!ENTITY e SYSTEM "file:///etc/passwd">',
    b"<!--",
    b'"',
    b"'",
    b",",
    b"\t",
    b"\n",
    b"=cmd|' /C calc'!A0",
    b"9" * 30,
    b"x" * 70_000,
    b"(a|a)+$",
    b"a{1000000000}",
    b"[",
    b"\\",
    b"%PDF",
    b"stream\n",
    b"endobj",
    b"PK\x03\x04",
    "\u2028\ufffe\U0001f600".encode(),
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` after a few cuts, splices of hostile tokens, and byte flips."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["token", "cut", "flip", "repeat", "bytes"]))
        if action == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 100))] * draw(st.integers(2, 50))
        else:
            data[at:at] = draw(st.binary(max_size=20))
    return bytes(data)


def _tmx() -> bytes:
    unit = (
        '<tu tuid="t1" usagecount="3" changedate="20240101T000000Z">'
        '<prop type="x-doc">A/78/1</prop><tuv xml:lang="en"><seg>The '
        '<bpt i="1">&lt;b&gt;</bpt>report<ept i="1">&lt;/b&gt;</ept> was adopted.</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Le rapport a été adopté.</seg></tuv></tu>\n'
    )
    return (HEAD + unit * 3 + TAIL).encode()


def _tbx() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
        b"<tbxHeader><fileDesc><sourceDesc><p>ours</p></sourceDesc></fileDesc></tbxHeader>"
        b'<text><body><conceptEntry id="C1"><langSec xml:lang="en"><termSec><term>Green Fund'
        b'</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>'
        b'</termSec></langSec><langSec xml:lang="fr"><termSec><term>Fonds vert</term></termSec>'
        b"</langSec></conceptEntry></body></text></tbx>\n"
    )


PO = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n\n'
    '#: report.md:3\nmsgctxt "A/78/1"\nmsgid "The report was adopted."\n'
    'msgstr "Le rapport a été adopté."\n\n'
    'msgid "Two\\nlines"\nmsgstr "Deux\\nlignes"\n'
).encode()
TABLE = "tuid,en,fr,note\nt1,The report was adopted.,Le rapport a été adopté.,ours\n".encode()
GLOSSARY_ROWS = (
    b"id\tcategory\tlang\tterm\tabbreviation\tstatus\nG-1\tbody\ten\tGreen Fund\tGF\tpreferred\n"
    b"G-1\tbody\tfr\tFonds vert\t\tadmitted\n"
)
GLOSSARY_WIDE = b"id,en,fr\nW-1,Blue whale,Baleine bleue\n"
OMEGAT = b"# ours\nGreen Fund\tFonds vert\tnote\n"
SRX = srx("[.?!]", "\\s").encode()
TEXT = "The report was adopted. It was long.\n\nSee A/78/1, para. 4."


def _docx() -> bytes:
    return docx_bytes(paragraphs(["The report was adopted.", "See A/78/1."], "Heading1"))


def _docx_inner(xml: bytes) -> bytes:
    """A Word file whose ``word/document.xml`` is ``xml`` (the rest kept)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = xml if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


def _document_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_docx())) as archive:
        return archive.read("word/document.xml")


_names = itertools.count()


def _reader(suffix: str, read: Callable[[Path], object]) -> Callable[[Path, bytes], object]:
    def run(folder: Path, data: bytes) -> object:
        path = folder / f"f{next(_names)}.en{suffix}"
        path.write_bytes(data)
        return read(path)

    return run


def _segment_with(folder: Path, data: bytes) -> object:
    path = folder / f"rules{next(_names)}.srx"
    path.write_bytes(data)
    return Segmenter("en", srx=path).split(TEXT)


_read_docx = _reader(".docx", read_document)

#: reader -> (seed file, how to read one file: must end or raise an UntmError)
READERS: dict[str, tuple[Callable[[], bytes], Callable[[Path, bytes], object]]] = {
    "tmx": (_tmx, _reader(".tmx", lambda p: list(read_tmx(p)))),
    "tbx": (_tbx, _reader(".tbx", read_tbx)),
    "po": (lambda: PO, _reader(".po", lambda p: list(read_po(p, srclang="en", lang="fr")))),
    "csv": (lambda: TABLE, _reader(".csv", lambda p: list(read_table(p)))),
    "tsv": (lambda: TABLE.replace(b",", b"\t"), _reader(".tsv", lambda p: list(read_table(p)))),
    "glossary-tsv": (lambda: GLOSSARY_ROWS, _reader(".tsv", load)),
    "glossary-csv": (lambda: GLOSSARY_WIDE, _reader(".csv", load)),
    "glossary-omegat": (
        lambda: OMEGAT,
        _reader(".txt", lambda p: load(p, src_lang="en", tgt_lang="fr")),
    ),
    "glossary-tbx": (_tbx, _reader(".tbx", load)),
    "srx": (lambda: SRX, _segment_with),
    "docx": (_docx, _read_docx),
    "docx-xml": (
        _document_xml,
        lambda folder, xml: _reader(".docx", read_document)(folder, _docx_inner(xml)),
    ),
    "pdf": (
        lambda: text_pdf(["The report was adopted.", "See A/78/1."]),
        _reader(".pdf", read_document),
    ),
    "text": (lambda: TEXT.encode(), _reader(".md", read_document)),
}

BUDGETS = [
    pytest.param(15, id="quick"),
    pytest.param(400, id="long", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_reads_or_refuses_any_file(reader: str, budget: int, tmp_path: Path) -> None:
    seed, read = READERS[reader]
    read(tmp_path, seed())  # the seed itself is read

    @settings(
        max_examples=budget,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(seed()))
    def any_file(data: bytes) -> None:
        with contextlib.suppress(UntmError):
            read(tmp_path, data)

    any_file()
