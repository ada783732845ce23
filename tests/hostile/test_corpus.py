"""A generated corpus of hostile inputs for every reader, each run through the installed
``untm`` with a time limit: the documented exit code, one line on stderr and no traceback, and
the memory unchanged when an import is refused.

Each case writes its files into ``tmp_path`` when it runs (nothing big is committed). Before
the fixes, each class failed as its comment says (the campaign of issue 15).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_files import (
    docx_bytes,
    encrypted_pdf,
    paragraphs,
    pdf_bytes,
    srx,
    text_pdf,
    write,
)
from hostile_helpers import HEAD, ROOT, TAIL, one_error, run_untm

from tm.memory import Memory
from tmx.interchange import import_files

DRAFT = ROOT / "examples" / "letter" / "letter.en.md"
ENTITY_DTD = '<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
TBX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
    "<tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>"
    "<text><body>"
)
TBX_TAIL = "</body></text></tbx>\n"


def unit(en: str, fr: str, attributes: str = "") -> str:
    return (
        f'<tu{attributes}><tuv xml:lang="en"><seg>{en}</seg></tuv>'
        f'<tuv xml:lang="fr"><seg>{fr}</seg></tuv></tu>\n'
    )


def tbx_concept(cid: str, en: str, fr: str) -> str:
    return (
        f'<conceptEntry id="{cid}"><langSec xml:lang="en"><termSec><term>{en}</term></termSec>'
        f'</langSec><langSec xml:lang="fr"><termSec><term>{fr}</term></termSec></langSec>'
        "</conceptEntry>"
    )


# --- import: the file is refused, the memory stays as it was ------------------------------------

#: name -> (file name, content); each import must exit 2 with ``needle`` in its one line
REFUSED_IMPORTS: dict[str, tuple[str, str | bytes, str]] = {
    # before: "x.tmx:0: not well-formed XML: no element found"
    "tmx-undefined-entity": (
        "x.tmx",
        HEAD + unit("Hello &undefined;", "Bonjour") + TAIL,
        "x.tmx:5: not well-formed XML: Entity 'undefined' not defined",
    ),
    "tmx-billion-laughs": ("x.tmx", HEAD.replace("<tmx", ENTITY_DTD + "<tmx", 1) + TAIL, "x.tmx"),
    "tmx-external-entity": (
        "x.tmx",
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + HEAD.split("\n", 1)[1]
        + unit("&e;", "x")
        + TAIL,
        "x.tmx",
    ),
    "tmx-truncated": ("x.tmx", (HEAD + unit("Hello", "Bonjour") + TAIL)[:-30], "x.tmx"),
    "tmx-binary": ("x.tmx", bytes(range(256)) * 40, "x.tmx"),
    "tmx-empty": ("x.tmx", b"", "x.tmx"),
    # before: a traceback naming lxml's parser (a multi-line message cut to its first line)
    "tmx-deep-nesting": ("x.tmx", HEAD + "<tu>" + "<x>" * 300_000 + TAIL, "x.tmx"),
    # before: "not a UTF-8 table (field larger than field limit (131072))"
    "csv-oversized-cell": ("x.csv", "en,fr\n" + "a" * 200_000 + ",b\n", "over 131,072 characters"),
    "csv-not-utf8": ("x.csv", "en,fr\nd\xe9j\xe0,vu\n".encode("latin-1"), "UTF-8"),
    "po-binary": ("x.po", b"\x00\x01\x02" * 1000, "x.po"),
    "po-garbage": ("x.po", 'msgid "a\nmsgstr\n"' * 10, "x.po"),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A memory holding one en/fr unit, made once for the module."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "tm.sqlite"
    source = write(folder / "good.csv", "en,fr\nThe report was adopted.,Le rapport a été adopté.\n")
    with Memory.open(path) as store:
        import_files(store, [source])
    return path


@pytest.fixture
def memory(template: Path, tmp_path: Path) -> Path:
    """A copy of the template memory for one test."""
    return Path(shutil.copy(template, tmp_path / "tm.sqlite"))


def content(path: Path) -> list[str]:
    """The memory's rows, as SQL (the same whatever the file's pages and journal)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return list(db.iterdump())


@pytest.mark.parametrize("case", REFUSED_IMPORTS, ids=list(REFUSED_IMPORTS))
def test_a_refused_import_says_why_in_one_line_and_changes_nothing(
    case: str, tmp_path: Path, memory: Path
) -> None:
    name, data, needle = REFUSED_IMPORTS[case]
    before = content(memory)
    result = run_untm("import", write(tmp_path / name, data), "--memory", memory)
    assert needle in one_error(result, 2)
    assert content(memory) == before


# --- import: read, with a one-line warning ------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "needle"),
    [
        # before: OverflowError: Python int too large to convert to SQLite INTEGER
        ("9" * 40, "is not a count; read as 0"),
        ("abc", "'abc' is not a count; read as 0"),
        ("²", "is not a count; read as 0"),
    ],
    ids=["huge", "letters", "superscript-digit"],
)
def test_a_usagecount_that_is_no_count_is_a_warning(
    count: str, needle: str, tmp_path: Path, memory: Path
) -> None:
    source = write(
        tmp_path / "x.tmx", HEAD + unit("Hello", "Bonjour", f' usagecount="{count}"') + TAIL
    )
    result = run_untm("import", source, "--memory", memory)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1, result.stderr
    assert needle in warnings[0]
    assert len(warnings[0]) < 300


def test_a_megabyte_value_is_cut_in_the_warning(tmp_path: Path, memory: Path) -> None:
    source = write(
        tmp_path / "x.tmx", HEAD + unit("Hi", "Salut", f' changedate="{"9" * 1_000_000}"') + TAIL
    )
    result = run_untm("import", source, "--memory", memory)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr) < 1200
    assert "Traceback" not in result.stderr


# --- documents: Word, PDF, text -----------------------------------------------------------------


def _bomb_docx(tmp: Path) -> Path:
    """A Word file whose document unpacks 5 MB of spaces from a few kilobytes."""
    import zipfile

    path = tmp / "bomb.en.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", " " * 5_000_000)
    return path


def _many_members(tmp: Path) -> Path:
    import zipfile

    path = tmp / "many.en.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(5_001):
            archive.writestr(f"word/media/{number}.xml", "")
    return path


#: name -> (make the file, needle of the one error line); ``untm segment FILE`` exits 2
REFUSED_DOCUMENTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    # before: 444 KB peaked at 865 MB
    "docx-zip-bomb": (_bomb_docx, "zip bomb"),
    "docx-many-members": (_many_members, "5,001 files"),
    "docx-not-a-zip": (lambda tmp: write(tmp / "x.en.docx", b"PK\x03\x04 not really"), "x.en.docx"),
    "docx-truncated": (lambda tmp: write(tmp / "x.en.docx", docx_bytes()[:2000]), "x.en.docx"),
    # before: a traceback
    "pdf-encrypted": (lambda tmp: write(tmp / "x.en.pdf", encrypted_pdf()), "encrypted"),
    # before: a traceback (pypdf's LimitReachedError)
    "pdf-compression-bomb": (
        lambda tmp: write(
            tmp / "x.en.pdf", pdf_bytes(b"BT " + b" " * 80_000_000 + b"ET", compress=True)
        ),
        "not a readable PDF",
    ),
    "pdf-garbage": (
        lambda tmp: write(tmp / "x.en.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 50),
        "x.en.pdf",
    ),
    "pdf-truncated": (lambda tmp: write(tmp / "x.en.pdf", text_pdf(["Hello."])[:150]), "x.en.pdf"),
    "pdf-no-text": (lambda tmp: write(tmp / "x.en.pdf", pdf_bytes(b"")), "no text layer"),
    "text-binary": (lambda tmp: write(tmp / "x.en.md", b"\x00\x01" * 100), "binary"),
    "text-latin1": (lambda tmp: write(tmp / "x.en.md", "d\xe9j\xe0 vu".encode("latin-1")), "UTF-8"),
}


@pytest.mark.parametrize("case", REFUSED_DOCUMENTS, ids=list(REFUSED_DOCUMENTS))
def test_a_hostile_document_gives_one_line(case: str, tmp_path: Path) -> None:
    make, needle = REFUSED_DOCUMENTS[case]
    assert needle in one_error(run_untm("segment", make(tmp_path)), 2)


def test_a_document_of_paragraphs_longer_than_sentencepiece_takes_is_built(
    tmp_path: Path,
) -> None:
    """Paragraphs of 5,000 bytes and more with no sentence end (a long list, a table flattened)
    are one segment each. sentencepiece leaves such lines out of training, and with none left
    the subword model failed: a RuntimeError traceback from ``untm build``."""
    words = [f"item{k}" for k in range(400)]
    for lang, case in (("en", str.lower), ("fr", str.upper)):
        text = "\n\n".join(
            " ".join(case(words[(p * 7 + k) % 400]) for k in range(900)) for p in range(12)
        )
        write(tmp_path / f"list.{lang}.md", text + "\n")
    result = run_untm(
        "build", tmp_path / "list.en.md", tmp_path / "list.fr.md", "--memory", tmp_path / "m.sqlite"
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    with Memory.open(tmp_path / "m.sqlite") as memory:
        assert memory.count() == 12


def test_a_damaged_pdf_is_read_without_pypdf_warnings(tmp_path: Path) -> None:
    """Before: pypdf's repair notes ("Ignoring wrong pointing object ...") went to stderr."""
    data = text_pdf(["The Committee adopted the report."])
    broken = data.replace(b"startxref\n", b"startxref\n9").replace(
        b"0000000009 00000 n", b"0000000001 00000 n"
    )
    result = run_untm("segment", write(tmp_path / "x.en.pdf", broken))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "The Committee adopted the report." in result.stdout


def test_word_styles_are_resolved_once(tmp_path: Path) -> None:
    """Before: a 300 KB file with 50,000 styles ran past 300 s."""
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{n}"><w:name w:val="Style {n}"/></w:style>'
        for n in range(50_000)
    )
    body = paragraphs([f"Paragraph {n} of our own report." for n in range(2_000)], "S49999")
    path = write(tmp_path / "styles.en.docx", docx_bytes(body, styles))
    started = time.monotonic()
    result = run_untm("segment", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("of our own report.") == 2_000
    assert time.monotonic() - started < 60


# --- SRX rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "needle"),
    [
        # before: 9.6 GB while compiling
        ("a{1000000000}", "b", "repeats a part more than 10,000 times"),
        ("(?:(?:a{100}){100}){100}", "b", "repeats a part more than 10,000 times"),
        ("a" * 20_000, "b", "20,000 characters"),
        ("(unbalanced", "b", "bad regular expression"),
        # before: an exponential run
        ("a", "(a|a)+$", "a rule backtracks without end"),
    ],
    ids=["huge-repeat", "nested-repeats", "long-pattern", "bad-pattern", "backtracking"],
)
def test_user_srx_rules_run_within_limits(
    before: str, after: str, needle: str, tmp_path: Path
) -> None:
    rules = write(tmp_path / "rules.srx", srx(before, after))
    text = write(tmp_path / "x.en.txt", "a" * 60 + "b cc. Dd.\n")
    started = time.monotonic()
    assert needle in one_error(run_untm("segment", text, "--srx", rules), 2)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize(
    "data",
    [
        srx("&nope;", "b"),
        b"\xff\xfe" + "<srx>".encode("utf-16-le"),
        "<srx",
    ],
    ids=["undefined-entity", "utf16-truncated", "truncated"],
)
def test_a_broken_srx_file_gives_one_line(data: str | bytes, tmp_path: Path) -> None:
    rules = write(tmp_path / "rules.srx", data)
    text = write(tmp_path / "x.en.txt", "One. Two.\n")
    assert "rules.srx" in one_error(run_untm("segment", text, "--srx", rules), 2)


def test_srx_messages_name_the_first_error_and_its_line(tmp_path: Path) -> None:
    rules = write(tmp_path / "rules.srx", srx("&nope;", "b"))
    text = write(tmp_path / "x.en.txt", "One. Two.\n")
    line = one_error(run_untm("segment", text, "--srx", rules), 2)
    assert "Entity 'nope' not defined" in line
    assert line.endswith("(line 2)")


# --- glossaries --------------------------------------------------------------------------------


def test_a_term_with_control_characters_is_cleaned_at_import(tmp_path: Path) -> None:
    """Before: one TBX term with &#13; crashed every later command until the file was deleted."""
    tbx = write(
        tmp_path / "whales.tbx",
        TBX_HEAD + tbx_concept("W-1", "Blue&#13;whale\tfund", "Fonds baleine") + TBX_TAIL,
    )
    result = run_untm("glossary", "import", tbx)
    assert result.returncode == 0, result.stderr
    assert "replaced by spaces: W-1" in result.stderr
    draft = write(tmp_path / "d.en.md", "The Blue whale fund met.\n")
    found = run_untm("terms", draft, "--json")
    assert found.returncode == 0, found.stderr
    assert '"W-1"' in found.stdout
    exported = run_untm("glossary", "export", "--format", "tbx", "-o", tmp_path / "out.tbx")
    assert exported.returncode == 0, exported.stderr


def test_a_control_character_in_a_table_glossary_is_cleaned(tmp_path: Path) -> None:
    """Before: \\x01 in a glossary made ``glossary export --format tbx`` a traceback."""
    table = write(
        tmp_path / "mine.tsv", "id\tlang\tterm\nM-1\ten\tGreen\x01Fund\nM-1\tfr\tFonds vert\n"
    )
    assert run_untm("glossary", "import", table).returncode == 0
    for fmt in ("tbx", "tbx2", "csv"):
        result = run_untm("glossary", "export", "--format", fmt, "-o", tmp_path / f"out.{fmt}")
        assert result.returncode == 0, result.stderr
    assert "Green Fund" in (tmp_path / "out.tbx").read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
@pytest.mark.parametrize("rows_before", [0, 600])
def test_a_nul_in_a_table_glossary_is_never_imported(
    tmp_path: Path, suffix: str, rows_before: int
) -> None:
    """A NUL is a control character like the others: replaced by a space with a warning
    naming the concept; in the first 8 KB it marks the file as binary, refused in one line."""
    sep = "," if suffix == ".csv" else "\t"
    rows = [sep.join(("id", "lang", "term"))]
    rows += [sep.join((f"P-{n}", "en", f"Padding term {n}")) for n in range(rows_before)]
    rows += [sep.join(("N-1", "en", "Green\x00Fund")), sep.join(("N-1", "fr", "Fonds vert"))]
    table = write(tmp_path / f"mine{suffix}", "\n".join(rows) + "\n")
    result = run_untm("glossary", "import", table)
    if rows_before:
        assert result.returncode == 0, result.stderr
        assert "replaced by spaces: N-1" in result.stderr
    else:
        assert "binary" in one_error(result, 2)
    stored = list((tmp_path / "untm-home" / "glossaries").glob("*"))
    assert all(b"\x00" not in path.read_bytes() for path in stored)
    assert bool(stored) == bool(rows_before)


def test_a_stored_glossary_that_cannot_be_read_is_named_and_can_be_removed(
    tmp_path: Path,
) -> None:
    """A glossary stored by an earlier untm with a raw CR in a cell: every command said
    "new-line character seen in unquoted field" in a traceback."""
    assert (
        run_untm(
            "glossary",
            "import",
            write(tmp_path / "mine.tsv", "id\tlang\tterm\nM-1\ten\tGreen Fund\n"),
        ).returncode
        == 0
    )
    stored = next((tmp_path / "untm-home" / "glossaries").glob("mine.tsv"))
    stored.write_bytes(b"id\tlang\tterm\nM-1\ten\tGreen\rFund\n")
    for args in (("terms", DRAFT), ("query", "ICCPR"), ("glossary", "list")):
        line = one_error(run_untm(*args), 2)
        assert "your imported glossary 'mine' cannot be read" in line
        assert "untm glossary remove mine" in line
    removed = run_untm("glossary", "remove", "mine")
    assert removed.returncode == 0, removed.stderr
    assert not stored.exists()
    assert run_untm("terms", DRAFT).returncode == 0
    assert "yours: none" in one_error(run_untm("glossary", "remove", "mine"), 2)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.tbx", TBX_HEAD + tbx_concept("A", "x &undefined; y", "z") + TBX_TAIL),
        ("x.tbx", TBX_HEAD + tbx_concept("A", "x", "y")),
        (
            "x.tbx",
            TBX_HEAD.replace("<tbx", ENTITY_DTD.replace("tmx", "tbx") + "<tbx", 1) + TBX_TAIL,
        ),
        ("x.csv", "id,lang,term\n" + "a" * 200_000 + ",en,x\n"),
        ("x.csv", "id,lang,term\nA,en,x\rfund\n"),
        ("x.tsv", "id\tlang\tterm\nA\t12!\tx\n"),
        ("x.tsv", "id\tlang\tterm\nA\ten\n"),
        ("x.txt", "only a source\n"),
        ("x.tbx", b"\x00" * 100),
    ],
    ids=[
        "tbx-undefined-entity",
        "tbx-truncated",
        "tbx-dtd",
        "csv-oversized",
        "csv-cr",
        "tsv-bad-language",
        "tsv-no-term",
        "omegat-no-languages",
        "tbx-binary",
    ],
)
def test_a_broken_glossary_file_gives_one_line(name: str, data: str, tmp_path: Path) -> None:
    result = run_untm("glossary", "import", write(tmp_path / name, data))
    assert name in one_error(result, 2)
    assert not (tmp_path / "untm-home" / "glossaries").exists() or not list(
        (tmp_path / "untm-home" / "glossaries").iterdir()
    )


# --- options and messages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("query", "ICCPR", "--limit", "9" * 30),
        ("concordance", "report", "--limit", "9" * 30),
        ("concordance", "report", "--limit", "-1"),
    ],
    ids=["query-limit", "concordance-limit", "concordance-negative-limit"],
)
def test_an_option_out_of_range_is_a_usage_error(args: tuple[str, ...], memory: Path) -> None:
    """Before: OverflowError tracebacks."""
    extra = ("--memory", str(memory)) if args[0] == "concordance" else ()
    result = run_untm(*args, *extra)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "OverflowError" not in result.stderr


def test_a_huge_hostile_value_is_cut_and_control_characters_shown(tmp_path: Path) -> None:
    line = one_error(run_untm("segment", DRAFT, "--lang", "\x1b[2J" + "x" * 100_000), 2)
    assert "\x1b" not in line
    assert "\\x1b" in line
    assert len(line) <= 1100


def test_a_file_name_with_an_escape_sequence_is_shown_safely(tmp_path: Path) -> None:
    path = write(tmp_path / "evil\x1b[31m.en.md", b"\x00\x01")
    line = one_error(run_untm("segment", path), 2)
    assert "\x1b" not in line
    assert "\\x1b[31m" in line


# --- exports a spreadsheet opens -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "tsv"])
def test_exported_formulas_are_text_unless_raw(suffix: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.csv",
        'en,fr\n"=HYPERLINK(""http://example.org"")",+33 1 23\n@SUM(A1),- tiret\n',
    )
    memory = tmp_path / "tm.sqlite"
    assert run_untm("import", source, "--memory", memory).returncode == 0
    safe, raw = tmp_path / f"safe.{suffix}", tmp_path / f"raw.{suffix}"
    assert run_untm("export", "-m", memory, "-o", safe, "-f", suffix).returncode == 0
    assert run_untm("export", "-m", memory, "-o", raw, "-f", suffix, "--raw").returncode == 0
    delimiter = "," if suffix == "csv" else "\t"
    with safe.open(encoding="utf-8", newline="") as handle:
        cells = [
            cell
            for row in list(csv.reader(handle, delimiter=delimiter))[1:]
            for cell in row
            if cell
        ]
    assert sorted(cells) == sorted(
        ['\'=HYPERLINK("http://example.org")', "'+33 1 23", "'@SUM(A1)", "'- tiret"]
    )
    with raw.open(encoding="utf-8", newline="") as handle:
        assert '"=HYPERLINK(' in handle.read()
    again, back = tmp_path / "again.sqlite", tmp_path / f"back.{suffix}"
    assert run_untm("import", safe, "--memory", again).returncode == 0
    assert run_untm("export", "-m", again, "-o", back, "-f", suffix, "--raw").returncode == 0
    assert back.read_text(encoding="utf-8") == raw.read_text(encoding="utf-8")
