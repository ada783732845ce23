"""Bulk TMX import on several cores (tmx/bulk.py): whatever the cuts, the same memory, report,
warnings and errors as the streaming reader; files it cannot cut go to the streaming reader."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tm.memory
import tm.unit_writes
from tm.align import align, presegmented
from tm.errors import FormatError, InputError, LanguageError
from tm.memory import ImportReport, Memory
from tmx import bulk
from tmx.interchange import import_files
from tmx.tmx import read_tmx

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" '
    'adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
)
TAIL = "</body>\n</tmx>\n"

#: one unit of each kind the readers tell apart, each on its own lines
UNITS = [
    '<tu tuid="{n}"><tuv xml:lang="en"><seg>Peace {n}</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Paix {n}</seg></tuv></tu>',
    '<tu><tuv xml:lang="EN-us"><seg> War &amp; peace </seg></tuv>'
    '<tuv xml:lang="zh-CN"><seg>&#x6218;&#x4E89; {n}</seg></tuv></tu>',
    '<tu tuid="d{n}" creationdate="20240102T030405Z" creationid="ALICE">'
    '<prop type="x-document">A/79/{n}</prop><note>checked</note>\n'
    '<tuv xml:lang="en"><seg>Court {n}</seg></tuv><tuv xml:lang="ru"><seg>Суд {n}</seg></tuv>'
    "</tu>",
    '<tu tuid="m{n}"><tuv xml:lang="en"><seg>A <ph x="1">&lt;br/&gt;</ph>break {n}</seg></tuv>'
    '<tuv xml:lang="es"><seg>Una <ph x="1">&lt;br/&gt;</ph>pausa {n}</seg></tuv></tu>',
    '<tu usagecount="2"><tuv xml:lang="en"><seg>Law\nof the sea {n}</seg></tuv>'
    '<tuv xml:lang="ar"><seg>قانون البحار {n}</seg></tuv></tu>',
    '<tu tuid="e{n}"><tuv xml:lang="en"><seg>Empty {n}</seg></tuv>'
    '<tuv xml:lang="fr"><seg>  </seg></tuv></tu>',
    '<tu><tuv xml:lang="en"><seg>  </seg></tuv></tu>',
    '<tu><tuv xml:lang="en"><seg>Repeated</seg></tuv><tuv xml:lang="fr"><seg>Répété</seg></tuv>'
    "</tu>",
    '<tu tuid="t{n}" changedate="not a date"><tuv xml:lang="en"><seg>Dated {n}</seg></tuv>\n</tu>',
]


def _write(path: Path, kinds: list[int], *, newline: str = "\n") -> Path:
    body = "\n".join(UNITS[kind].format(n=n) for n, kind in enumerate(kinds))
    text = HEAD + body + "\n" + TAIL
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def _stored(db: Path) -> tuple[list[Any], list[Any], list[Any]]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT * FROM units ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM languages ORDER BY lang").fetchall(),
            conn.execute("SELECT * FROM meta ORDER BY key").fetchall(),
        )
    finally:
        conn.close()


def _streaming(path: Path, db: Path) -> ImportReport:
    reader = read_tmx(path)
    with Memory.open(db) as memory:
        report = memory.add(reader.records(), origin=path.name)
    return replace(
        report, skipped=reader.skipped, warnings=(*reader.all_warnings(), *report.warnings)
    )


def _bulk(path: Path, db: Path, chunk: int = 200) -> ImportReport | None:
    with Memory.open(db) as memory:
        return bulk.import_tmx(memory, path, origin=path.name, min_bytes=0, chunk_bytes=chunk)


def _same_as_streaming(tmp_path: Path, path: Path, chunk: int) -> ImportReport:
    expected = _streaming(path, tmp_path / "streaming.sqlite")
    report = _bulk(path, tmp_path / "bulk.sqlite", chunk)
    assert report == expected
    assert _stored(tmp_path / "bulk.sqlite") == _stored(tmp_path / "streaming.sqlite")
    return report


@pytest.mark.parametrize("chunk", [1, 150, 700, 1 << 20])
def test_bulk_import_stores_what_the_streaming_reader_stores(tmp_path: Path, chunk: int) -> None:
    path = _write(tmp_path / "mixed.tmx", list(range(len(UNITS))) * 6)
    report = _same_as_streaming(tmp_path, path, chunk)
    assert report.merged == 5  # the repeated unit
    assert report.skipped == 6  # the unit with nothing but an empty segment
    assert any("not YYYYMMDDThhmmssZ" in warning for warning in report.warnings)


def test_an_alignment_before_leaves_the_import_in_bulk(tmp_path: Path) -> None:
    """The aligner trains its two subword models in threads (tm/threads.py); kept in a pool,
    they made this process one of several threads, and the import fell back to one core."""
    words = ["council", "report", "session", "agenda", "member", "state", "budget", "office"]
    pairs = [(words[k % 8], words[(k * 3 + 1) % 8]) for k in range(40)]
    en = [f"The {a} and the {b} met on day {k}." for k, (a, b) in enumerate(pairs)]
    fr = [f"Le {a} et le {b} ont siégé le jour {k}." for k, (a, b) in enumerate(pairs)]
    align(presegmented(en), presegmented(fr), src_lang="en", tgt_lang="fr")
    assert threading.active_count() == 1
    path = _write(tmp_path / "mixed.tmx", list(range(len(UNITS))))
    _same_as_streaming(tmp_path, path, 150)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(st.integers(0, len(UNITS) - 1), min_size=1, max_size=40),
    chunk=st.integers(1, 3000),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_mix_and_any_cut_store_what_the_streaming_reader_stores(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[int], chunk: int, newline: str
) -> None:
    tmp_path = tmp_path_factory.mktemp("mix")
    _same_as_streaming(tmp_path, _write(tmp_path / "mix.tmx", kinds, newline=newline), chunk)


def test_warnings_name_the_lines_of_the_whole_file(tmp_path: Path) -> None:
    # 30 empty segments: 20 warnings with their lines, then a count of the others
    path = _write(tmp_path / "empty.tmx", [0] * 50 + [5] * 30)
    report = _same_as_streaming(tmp_path, path, 300)
    assert report.warnings[0].startswith(f"{path}:{5 + 50}: ")
    assert report.warnings[-1] == "... and 10 more warnings"


@pytest.mark.parametrize(
    ("name", "head", "body", "tail"),
    [
        ("comment", HEAD, "<!-- a note </tu> -->", TAIL),
        ("namespace", HEAD.replace("<tmx ", '<tmx xmlns:x="urn:x" '), "", TAIL),
        (
            "dtd-subset",
            HEAD.replace("<tmx ", '<!DOCTYPE tmx [<!ATTLIST tu x CDATA "1">]>\n<tmx '),
            "",
            TAIL,
        ),
        ("latin1", HEAD.replace("UTF-8", "ISO-8859-1"), "", TAIL),
        ("trailing-comment", HEAD, "", "</body>\n</tmx>\n<!-- end -->\n"),
    ],
)
def test_files_that_cannot_be_cut_go_to_the_streaming_reader(
    tmp_path: Path, name: str, head: str, body: str, tail: str
) -> None:
    path = tmp_path / f"{name}.tmx"
    before, after = (
        "\n".join(UNITS[0].format(n=n) for n in span) for span in (range(20), range(20, 40))
    )
    path.write_text(head + before + "\n" + body + "\n" + after + "\n" + tail, encoding="utf-8")
    db = tmp_path / "bulk.sqlite"
    with Memory.open(db) as memory:
        before = memory.revision()
        assert bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=100) is None
        assert (memory.count(), memory.revision()) == (0, before)
    if name == "latin1":
        path.write_bytes(path.read_text().encode("latin-1"))
    expected = _streaming(path, tmp_path / "streaming.sqlite")
    with Memory.open(tmp_path / "files.sqlite") as memory:
        report = import_files(memory, [path])
    assert (report.added, report.warnings) == (expected.added, expected.warnings)


def test_a_cut_inside_cdata_does_not_parse_and_goes_to_the_streaming_reader(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "cdata.tmx", [0] * 20)
    cdata = '<tu><tuv xml:lang="en"><seg><![CDATA[a </tu> b]]></seg></tuv></tu>\n'
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TAIL, cdata + TAIL), encoding="utf-8")
    # one-byte chunks cut after every </tu>, the one in the CDATA section too
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        assert bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=1) is None
    report = _same_as_streaming(tmp_path, path, chunk=1 << 20)
    assert report.added == 21


def test_end_tags_with_spaces_go_to_the_streaming_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no </tu> to cut at before the last unit: the chunk would grow to the whole file
    monkeypatch.setattr(bulk, "MAX_UNIT_BYTES", 1000)
    path = _write(tmp_path / "spaced.tmx", [0] * 40)
    text = path.read_text(encoding="utf-8")
    last = text.rindex("</tu>")
    path.write_text(text[:last].replace("</tu>", "</tu >") + text[last:], encoding="utf-8")
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        assert bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=50) is None
    report = _same_as_streaming(tmp_path, path, chunk=1 << 20)  # one chunk: it can be read
    assert report.added == 40


@pytest.mark.parametrize("name", ["billion_laughs.tmx", "external_entity.tmx"])
def test_files_declaring_entities_are_refused_as_the_streaming_reader_refuses_them(
    tmp_path: Path, name: str
) -> None:
    path = Path(__file__).parent / "fixtures" / "tmx" / name
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        assert bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=50) is None
        with pytest.raises(FormatError, match="declares XML entities"):
            import_files(memory, [path])


def test_a_utf16_file_goes_to_the_streaming_reader(tmp_path: Path) -> None:
    path = tmp_path / "utf16.tmx"
    path.write_bytes(
        (HEAD.replace("UTF-8", "UTF-16") + UNITS[0].format(n=1) + TAIL).encode("utf-16")
    )
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        assert bulk.import_tmx(memory, path, min_bytes=0) is None


@pytest.mark.parametrize(
    ("middle", "error", "needle"),
    [
        ('<tu><tuv xml:lang="en"><seg>Broken</tuv></tu>', FormatError, "not well-formed XML"),
        ('<tu><tuv xml:lang="eng"><seg>Bad</seg></tuv></tu>', LanguageError, "'eng'"),
        ("<tu><tuv><seg>No language</seg></tuv></tu>", FormatError, "has no xml:lang"),
    ],
)
def test_errors_in_a_later_chunk_are_the_streaming_readers_with_their_line(
    tmp_path: Path, middle: str, error: type[Exception], needle: str
) -> None:
    units = [UNITS[0].format(n=n) for n in range(60)]
    units.insert(45, middle)
    path = tmp_path / "bad.tmx"
    path.write_text(HEAD + "\n".join(units) + "\n" + TAIL, encoding="utf-8")
    with pytest.raises(error) as streaming:
        _streaming(path, tmp_path / "streaming.sqlite")
    with Memory.open(tmp_path / "files.sqlite") as memory:
        assert bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=300) is None
        with pytest.raises(error) as info:
            import_files(memory, [path])
        assert memory.count() == 0
    assert str(info.value) == str(streaming.value)
    assert needle in str(info.value)
    assert f"{path}:{5 + 45}" in str(info.value)


def test_a_truncated_file_gets_the_streaming_readers_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "cut.tmx", [0] * 60)
    path.write_bytes(path.read_bytes()[:-40])
    with Memory.open(tmp_path / "files.sqlite") as memory:
        with pytest.raises(FormatError, match="truncated"):
            import_files(memory, [path])
        assert memory.count() == 0


@pytest.mark.parametrize("check", ["sql", "hashes", "too many to hash"])
def test_a_tuid_shared_across_chunks_is_refused_and_nothing_is_stored(
    memory_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: str
) -> None:
    if check != "sql":  # large imports look for equal tuids by their hashes first
        monkeypatch.setattr(tm.unit_writes, "_SORT_TUIDS", 0)
    if check == "too many to hash":  # ... unless there are too many to keep
        monkeypatch.setattr(tm.memory, "MAX_HASHED_TUIDS", 10)
    units = [UNITS[0].format(n=n) for n in range(60)]
    units.append(UNITS[0].format(n=3).replace("Peace", "Other"))
    path = tmp_path / "clash.tmx"
    path.write_text(HEAD + "\n".join(units) + "\n" + TAIL, encoding="utf-8")
    with Memory.open(memory_target) as memory:
        with pytest.raises(InputError, match="tuid '3' is used by two different units"):
            bulk.import_tmx(memory, path, min_bytes=0, chunk_bytes=300)
        assert memory.count() == 0


def test_a_repeated_unit_with_its_tuid_merges_when_tuids_are_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tm.unit_writes, "_SORT_TUIDS", 0)
    path = _write(tmp_path / "twice.tmx", [0] * 30)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TAIL, UNITS[0].format(n=7) + "\n" + TAIL), encoding="utf-8")
    report = _same_as_streaming(tmp_path, path, 300)
    assert (report.added, report.merged) == (30, 1)


def test_no_workers_are_forked_beside_other_threads(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.tmx", [0] * 10)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Memory.open(tmp_path / "bulk.sqlite") as memory:
            assert bulk.import_tmx(memory, path, min_bytes=0) is None
    finally:
        stop.set()
        thread.join()


def test_small_files_and_one_core_use_the_streaming_reader(tmp_path: Path) -> None:
    path = _write(tmp_path / "plain.tmx", [0] * 10)
    with Memory.open(tmp_path / "bulk.sqlite") as memory:
        assert bulk.import_tmx(memory, path) is None  # under MIN_BYTES
        assert bulk.import_tmx(memory, path, min_bytes=0, workers=1) is None


def test_import_files_reads_large_tmx_files_in_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "large.tmx", list(range(len(UNITS))) * 3)
    results: list[ImportReport | None] = []

    def spy(*args: Any, **kwargs: Any) -> ImportReport | None:
        results.append(real(*args, **kwargs))
        return results[-1]

    real = bulk.import_tmx
    monkeypatch.setattr(bulk, "MIN_BYTES", 0)
    monkeypatch.setattr(bulk, "import_tmx", spy)
    with Memory.open(tmp_path / "files.sqlite") as memory:
        report = import_files(memory, [path])
    expected = _streaming(path, tmp_path / "streaming.sqlite")
    assert results
    assert results[0] is not None
    assert (report.added, report.merged, report.skipped, report.warnings) == (
        expected.added,
        expected.merged,
        expected.skipped,
        expected.warnings,
    )
    assert _stored(tmp_path / "files.sqlite") == _stored(tmp_path / "streaming.sqlite")


#: our own units (not official UN text) that the match index treats apart: a source of two
#: sentences (a row per sentence besides the whole), a repeated unit whose second copy brings
#: another document (merged: props joined), a unit without English
INDEXED = [
    '<tu segtype="paragraph"><tuv xml:lang="en"><seg>The Council met on {n} May. It adopted '
    'the agenda.</seg></tuv><tuv xml:lang="fr"><seg>Le Conseil s\'est réuni le {n} mai. Il a '
    "adopté l'ordre du jour.</seg></tuv></tu>",
    '<tu><prop type="x-document">S/{n}</prop><tuv xml:lang="en"><seg>Twice said</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Dit deux fois</seg></tuv></tu>',
    '<tu><tuv xml:lang="fr"><seg>Seulement en français {n}</seg></tuv>'
    '<tuv xml:lang="es"><seg>Solo en francés {n}</seg></tuv></tu>',
]


def _index_arrays(db: Path) -> dict[str, list[Any]]:
    """The match index of a memory's English units, file by file, as plain lists."""
    from tm import live_index

    with Memory.open(db) as memory:
        index = live_index.load(memory, "en")
        assert index is not None
        return {
            name: [getattr(part, name).tolist() for part in index.parts]
            for name in ("ids", "docs", "parts", "lengths", "post_offsets", "post_rows")
        } | {"codes": [[p.row_codes(r) for r in range(len(p))] for p in index.parts]}


@pytest.mark.parametrize("chunk", [1, 700, 1 << 20])
def test_the_index_an_import_tokenised_is_the_one_read_back_from_the_memory(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tm import live_index

    real_rows = live_index.unit_rows
    read_back: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        read_back.append(True)
        return real_rows(*args, **kwargs)

    monkeypatch.setattr(live_index, "unit_rows", spy)
    kinds = list(range(len(UNITS))) * 4
    body = "\n".join(UNITS[kind].format(n=n) for n, kind in enumerate(kinds))
    body += "\n" + "\n".join(INDEXED[n % 3].format(n=n) for n in range(12))
    path = tmp_path / "indexed.tmx"
    path.write_text(HEAD + body + "\n" + TAIL, encoding="utf-8")
    expected_report = _streaming(path, tmp_path / "streaming.sqlite")
    read_back.clear()
    assert _bulk(path, tmp_path / "bulk.sqlite", chunk) == expected_report
    assert not read_back  # the index was made of what the workers tokenised
    expected = _index_arrays(tmp_path / "streaming.sqlite")
    assert len(expected["ids"]) == 1  # one file, nothing pending
    assert any(part > 0 for part in expected["parts"][0])  # sentence rows
    assert _index_arrays(tmp_path / "bulk.sqlite") == expected
    # and into a memory that has an index already: a delta file of the import's units
    again = path.with_name("again.tmx")
    again.write_text(path.read_text(encoding="utf-8").replace("Twice", "Thrice"), encoding="utf-8")
    _streaming(again, tmp_path / "streaming.sqlite")
    read_back.clear()
    _bulk(again, tmp_path / "bulk.sqlite", chunk)
    assert not read_back
    assert _index_arrays(tmp_path / "bulk.sqlite") == _index_arrays(tmp_path / "streaming.sqlite")
