"""Text an import changes is said, never changed silently: characters XML cannot hold are
removed with a warning naming the line (so that one bad cell cannot block the TMX export of a
whole memory), and a PO string without its closing quote, a second ``<seg>`` in a ``<tuv>``, a
``<tu>`` in an XML namespace and a unit merged into a stored one under another tuid are each
a warning. The bulk reader says and stores exactly what the streaming reader does."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import HEAD, TAIL, one_error, run_untm

from tm.memory import ImportReport, Memory
from tmx import bulk
from tmx.interchange import import_files
from tmx.tmx import read_tmx

PO_HEAD = 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _import(memory: Path, *files: Path) -> ImportReport:
    with Memory.open(memory) as store:
        return import_files(store, files)


@pytest.mark.parametrize(
    ("cell", "removed"),
    [
        ("Peace\x00 and security", "U+0000"),
        ("Peace\x01 and\x1f security", "U+0001, U+001F"),
        ("Peace \ufffe and security", "U+FFFE"),
        ("Peace \uffff and\x0b security", "U+000B, U+FFFF"),
    ],
)
def test_csv_cells_xml_cannot_hold_are_cleaned_with_a_warning(
    tmp_path: Path, cell: str, removed: str
) -> None:
    table = tmp_path / "pairs.csv"
    table.write_text(f"en,fr\nWar,Guerre\n{cell},Paix et sécurité\n", encoding="utf-8")
    report = _import(tmp_path / "tm.sqlite", table)
    assert report.added == 2
    assert f"{table}:3: removed {removed} from the en cell" in report.warnings[0]
    out = tmp_path / "out.tmx"
    result = run_untm("export", "-m", tmp_path / "tm.sqlite", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "Peace and security" in out.read_text(encoding="utf-8").replace("  ", " ")


def test_a_lone_surrogate_in_a_tsv_cell_is_cleaned(tmp_path: Path) -> None:
    table = tmp_path / "pairs.tsv"
    table.write_bytes("en\tfr\nPeace \udc80x\tPaix\n".encode("utf-8", "surrogatepass"))
    result = run_untm("import", table, "-m", tmp_path / "tm.sqlite")
    # not UTF-8 at all: refused with its line, or cleaned with a warning; never a traceback
    if result.returncode == 0:
        assert "removed" in result.stderr
    else:
        one_error(result, 2)


def test_po_texts_xml_cannot_hold_are_cleaned_with_a_warning(tmp_path: Path) -> None:
    po = tmp_path / "fr.po"
    po.write_text(
        PO_HEAD + '#. ok\nmsgctxt "t\\x01"\nmsgid "Peace\x01"\nmsgstr "Paix\x00"\n',
        encoding="utf-8",
    )
    result = run_untm("import", po, "-m", tmp_path / "tm.sqlite")
    # a NUL byte in a PO file: polib may refuse the whole file; either way one clear outcome
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        assert "removed U+0001" in result.stderr
        assert (
            run_untm("export", "-m", tmp_path / "tm.sqlite", "-o", tmp_path / "o.tmx").returncode
            == 0
        )
    else:
        one_error(result, 2)


def test_a_po_string_without_its_closing_quote_is_a_warning(tmp_path: Path) -> None:
    po = tmp_path / "fr.po"
    po.write_text(
        PO_HEAD + 'msgid "Peace\nmsgstr "Paix"\n\nmsgid "War"\nmsgstr "Guerre"\n',
        encoding="utf-8",
    )
    report = _import(tmp_path / "tm.sqlite", po)
    assert report.added == 2
    assert any(f"{po}:6: the string has no closing quote" in w for w in report.warnings)
    assert not any(":9:" in w for w in report.warnings)


def test_escaped_quotes_and_continuations_are_not_warned_about(tmp_path: Path) -> None:
    po = tmp_path / "fr.po"
    po.write_text(
        PO_HEAD
        + 'msgid ""\n"The \\"Council\\" "\n"met."\nmsgstr "Le \\"Conseil\\" s\'est réuni."\n',
        encoding="utf-8",
    )
    report = _import(tmp_path / "tm.sqlite", po)
    assert report.added == 1
    assert report.warnings == ()


def _tmx(path: Path, body: str) -> Path:
    path.write_text(HEAD + body + TAIL, encoding="utf-8")
    return path


TWO_SEGS = (
    '<tu tuid="a"><tuv xml:lang="en"><seg>Peace</seg><seg>War</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Paix</seg></tuv></tu>\n'
)
NAMESPACED = (
    '<x:tu xmlns:x="urn:other"><tuv xml:lang="en"><seg>Hidden</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Caché</seg></tuv></x:tu>\n'
)
PLAIN = (
    '<tu tuid="p{n}"><tuv xml:lang="en"><seg>Line {n}</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Ligne {n}</seg></tuv></tu>\n'
)


def test_two_segs_in_one_tuv_keep_the_first_with_a_warning(tmp_path: Path) -> None:
    report = _import(tmp_path / "tm.sqlite", _tmx(tmp_path / "a.tmx", TWO_SEGS))
    assert report.added == 1
    assert "a <tuv> holds a second <seg>; only the first was kept" in report.warnings[0]
    with Memory.open(tmp_path / "tm.sqlite") as store:
        assert [u.text("en") for u in store.units()] == ["Peace"]


def test_a_namespaced_tu_is_skipped_with_a_warning(tmp_path: Path) -> None:
    report = _import(
        tmp_path / "tm.sqlite", _tmx(tmp_path / "a.tmx", NAMESPACED + PLAIN.format(n=1))
    )
    assert (report.added, report.skipped) == (1, 1)
    assert "a <tu> in the namespace urn:other is not a TMX unit; skipped" in report.warnings[0]


def test_a_unit_merged_under_another_tuid_is_a_warning(tmp_path: Path) -> None:
    memory = tmp_path / "tm.sqlite"
    _import(memory, _tmx(tmp_path / "a.tmx", PLAIN.format(n=1)))
    again = _import(memory, _tmx(tmp_path / "b.tmx", PLAIN.format(n=1)))
    assert (again.merged, again.warnings) == (1, ())
    renamed = PLAIN.format(n=1).replace('tuid="p1"', 'tuid="other"')
    report = _import(memory, _tmx(tmp_path / "c.tmx", renamed * 1 + PLAIN.format(n=2)))
    assert (report.added, report.merged) == (1, 1)
    assert report.warnings == (
        "the unit with tuid 'other' has the texts of a stored unit with tuid 'p1'; merged into "
        "it, which keeps its tuid",
    )


def _stored(db: Path) -> list[Any]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM units ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("chunk", [1, 300, 1 << 20])
@pytest.mark.parametrize("namespaced", [False, True])
def test_the_bulk_reader_warns_and_stores_as_the_streaming_reader(
    tmp_path: Path, chunk: int, namespaced: bool
) -> None:
    units = [PLAIN.format(n=n) for n in range(20)]
    units += [TWO_SEGS, PLAIN.format(n=3).replace('"p3"', '"again"')]
    if namespaced:
        units.insert(5, NAMESPACED)
    path = _tmx(tmp_path / "mixed.tmx", "".join(units))
    reader = read_tmx(path)
    with Memory.open(tmp_path / "streaming.sqlite") as memory:
        stored = memory.add(reader.records(), origin=path.name)
    expected = replace(
        stored, skipped=reader.skipped, warnings=(*reader.all_warnings(), *stored.warnings)
    )
    assert len(expected.warnings) == 2 + namespaced
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        report = bulk.import_tmx(memory, path, origin=path.name, min_bytes=0, chunk_bytes=chunk)
    if namespaced:
        # a chunk holding a namespaced <tu> sends the file to the streaming reader
        assert report is None
        return
    assert report == expected
    assert _stored(tmp_path / "bulk.sqlite") == _stored(tmp_path / "streaming.sqlite")
