"""Corrupt, tampered, foreign, missing, read-only and full memories, and processes sharing one:
every command says what is wrong in one line with the documented exit code, and no memory
(ours or another application's) is changed or lost."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile_helpers import (
    ROOT,
    TIME_LIMIT,
    digest,
    one_error,
    remount,
    run_untm,
    start_untm,
    write_tmx,
)

from tm.errors import InputError, StoreError
from tm.memory import Memory
from tm.schema import APPLICATION_ID

DRAFT = ROOT / "examples" / "letter" / "letter.en.md"
PAGE = 16384
#: a unit the readers refuse (a variant without a language): the import fails at its end
NO_LANGUAGE = "<tu><tuv><seg>x</seg></tuv></tu>"


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    """A closed memory of 600 en/fr units, with dates and props on some (several pages)."""
    path = tmp_path / "tm.sqlite"
    source = write_tmx(tmp_path / "in.tmx", 600)
    assert run_untm("import", source, "-m", path).returncode == 0
    with Memory.open(path) as store:
        store.connection.execute(
            'UPDATE units SET props = \'[["x-document", "A/79/1"]]\', '
            "change_date = '2024-01-02T03:04:05Z' WHERE id % 7 = 0"
        )
    return path


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a tmpfs of the given size (``"2m"``) under ``tmp_path``; skips when mounting is
    not allowed (not root, or a container without the capability). Unmounted afterwards."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root")
        point = tmp_path / f"fs-{uuid.uuid4().hex[:8]}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def _tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


# --- a memory damaged inside: exit 4, one line, for every command that reads it ---------------

_READERS: list[tuple[str, ...]] = [
    ("stats", "-m", "{m}"),
    ("export", "-m", "{m}", "-o", "{tmp}/out.tmx"),
    ("export", "-m", "{m}", "-o", "{tmp}/out.csv", "--format", "csv"),
    ("concordance", "paragraph", "-m", "{m}"),
    ("match", str(DRAFT), "-m", "{m}", "-t", "fr"),
]

_DAMAGE: dict[str, tuple[str, ...]] = {
    "variants not JSON": ("UPDATE units SET variants = '[not json' WHERE id = 5",),
    "variants of a wrong shape": ("UPDATE units SET variants = '[1, 2]' WHERE id = 5",),
    "variants empty": ("UPDATE units SET variants = '' WHERE id = 5",),
    "props not JSON": ("UPDATE units SET props = '{{' WHERE id = 7",),
    "props of a wrong shape": ("UPDATE units SET props = '[[1, 2, 3]]' WHERE id = 7",),
    "date not a date": ("UPDATE units SET change_date = 'yesterday' WHERE id = 7",),
    "notes not JSON": ("UPDATE units SET notes = 'x' WHERE id = 7",),
    "revision missing": ("DELETE FROM meta WHERE key = 'revision'",),
    "revision not a number": ("UPDATE meta SET value = 'many' WHERE key = 'revision'",),
    "signature missing": ("DELETE FROM meta WHERE key = 'signature'",),
    "table dropped": ("DROP TABLE languages",),
    "column missing": ("ALTER TABLE units DROP COLUMN notes",),
}


def _reading_commands(which: list[tuple[str, ...]], memory: Path, tmp: Path) -> list[list[str]]:
    return [[a.format(m=memory, tmp=tmp) for a in args] for args in which]


def _damaged_memory_exits_4(
    memory: Path, tmp_path: Path, damage: str, readers: list[tuple[str, ...]]
) -> None:
    _tamper(memory, *_DAMAGE[damage])
    before = digest(memory)
    for args in _reading_commands(readers, memory, tmp_path):
        line = one_error(run_untm(*args), 4)
        assert "tm.sqlite" in line
        assert not (tmp_path / "out.tmx").exists()
    assert digest(memory) == before


def _readers_of(damage: str) -> list[tuple[str, ...]]:
    """The commands that see ``damage``: every command sees a damaged table or meta row when
    it opens the memory; a damaged unit shows in the commands that read every unit (stats
    reads none, match only those it finds)."""
    if "revision" in damage or "signature" in damage or "table" in damage or "column" in damage:
        return _READERS
    return [args for args in _READERS if args[0] in ("export", "concordance")]


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
def test_a_damaged_memory_exits_4_in_one_line(memory: Path, tmp_path: Path, damage: str) -> None:
    """Each damage through one of the commands that read it (all of them: the slow test)."""
    readers = _readers_of(damage)
    pick = sorted(_DAMAGE).index(damage) % len(readers)
    _damaged_memory_exits_4(memory, tmp_path, damage, readers[pick : pick + 1])


@pytest.mark.slow
@pytest.mark.parametrize("damage", sorted(_DAMAGE))
def test_a_damaged_memory_exits_4_in_one_line_for_every_reader(
    memory: Path, tmp_path: Path, damage: str
) -> None:
    _damaged_memory_exits_4(memory, tmp_path, damage, _readers_of(damage))


def _flip_pages(memory: Path, tmp_path: Path, seed: int) -> None:
    """Random bytes over two pages past the first: whatever a command can still read it
    reads; otherwise one line and exit 4 — never a traceback, never a hang. Only ``match``
    may write (it stores its index), so it runs last."""
    data = bytearray(memory.read_bytes())
    rng = random.Random(seed)
    pages = len(data) // PAGE
    assert pages > 2
    for page in rng.sample(range(1, pages), k=2):
        at = page * PAGE + rng.randrange(PAGE - 64)
        data[at : at + 64] = rng.randbytes(64)
    memory.write_bytes(bytes(data))
    before = digest(memory)
    for args in _reading_commands(_READERS, memory, tmp_path):
        if args[0] == "match":
            assert digest(memory) == before
        result = run_untm(*args)
        if result.returncode != 0:
            one_error(result, 4)
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("seed", range(2))
def test_flipped_pages_exit_4_or_read_what_is_intact(
    memory: Path, tmp_path: Path, seed: int
) -> None:
    _flip_pages(memory, tmp_path, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 30))
def test_flipped_pages_exit_4_or_read_what_is_intact_many(
    memory: Path, tmp_path: Path, seed: int
) -> None:
    _flip_pages(memory, tmp_path, seed)


def test_a_file_that_is_no_database_exits_4(tmp_path: Path) -> None:
    for name, content in [("text.sqlite", b"not sqlite " * 400), ("zeros.sqlite", bytes(9000))]:
        path = tmp_path / name
        path.write_bytes(content)
        for args in (
            ("stats", "-m", path),
            ("import", write_tmx(tmp_path / "a.tmx", 3), "-m", path),
        ):
            assert "not a translation memory" in one_error(run_untm(*args), 4)
        assert path.read_bytes() == content


# --- another application's database: refused, and left exactly as it was --------------------


@pytest.mark.parametrize(
    "setup",
    [
        "PRAGMA user_version = 2",  # the schema version of untm memories
        "PRAGMA application_id = 1234",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); PRAGMA user_version = 2",
    ],
)
def test_another_applications_database_is_refused_unchanged(tmp_path: Path, setup: str) -> None:
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.executescript(f"CREATE TABLE notes (x); INSERT INTO notes VALUES ('mine'); {setup}")
    conn.close()
    before = digest(other)
    for args in (
        ("stats", "-m", other),
        ("import", write_tmx(tmp_path / "a.tmx", 3), "-m", other),
        ("build", DRAFT, ROOT / "examples" / "letter" / "letter.fr.md", "-m", other),
    ):
        assert "not an untm memory" in one_error(run_untm(*args), 4)
    assert digest(other) == before
    assert not Path(f"{other}-wal").exists()
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_memories_carry_untm_application_id_and_older_ones_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    Memory.open(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.execute("PRAGMA application_id = 0")  # as the first schema-2 memories were made
    conn.commit()
    conn.close()
    with Memory.open(path) as store:
        store.add([("t", (("en", "Peace", None), ("fr", "Paix", None)))])
        assert store.count() == 1


# --- a path that is no memory: bad input, exit 2 ---------------------------------------------


def test_a_missing_memory_is_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    for args in (
        ("stats", "-m", missing),
        ("export", "-m", missing, "-o", tmp_path / "o.tmx"),
        ("concordance", "x", "-m", missing),
        ("match", DRAFT, "-m", missing),
    ):
        line = one_error(run_untm(*args), 2)
        assert line.endswith(f"no memory at {missing}; build or import first")
    assert not missing.exists()


def test_a_memory_in_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "nodir" / "tm.sqlite"
    line = one_error(run_untm("import", write_tmx(tmp_path / "a.tmx", 3), "-m", path), 2)
    assert line.endswith(f"the folder {path.parent} does not exist; create it first")


def test_a_folder_or_fifo_as_memory_is_bad_input_and_nothing_hangs(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    source = write_tmx(tmp_path / "a.tmx", 3)
    for path in (tmp_path, fifo):
        one_error(run_untm("stats", "-m", path), 2)
        one_error(run_untm("import", source, "-m", path), 2)


# --- processes sharing one memory ------------------------------------------------------------


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=TIME_LIMIT)
    return process.returncode, err


def _units(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM units").fetchone()[0])
    finally:
        conn.close()


def _two_creators(tmp_path: Path, run: int) -> None:
    first = write_tmx(tmp_path / "a.tmx", 2000)
    second = write_tmx(tmp_path / "b.tmx", 2000, start=2000)
    path = tmp_path / f"new-{run}.sqlite"
    processes = [start_untm("import", first, "-m", path), start_untm("import", second, "-m", path)]
    results = [_finish(p) for p in processes]
    assert [code for code, _ in results] == [0, 0], results
    assert _units(path) == 4000


def test_two_processes_creating_one_memory_both_succeed(tmp_path: Path) -> None:
    _two_creators(tmp_path, 0)


@pytest.mark.slow
def test_two_processes_creating_one_memory_both_succeed_every_time(tmp_path: Path) -> None:
    for run in range(10):
        _two_creators(tmp_path, run)


def _failed_first_import_beside_another(tmp_path: Path, run: int) -> None:
    """Process A's first import fails at its end (a unit without a language); B imports 3,000
    units into the same new memory meanwhile: B's units stay."""
    bad = write_tmx(
        tmp_path / "bad.tmx", 4000, start=10_000, tail="<tu><tuv><seg>x</seg></tuv></tu>"
    )
    good = write_tmx(tmp_path / "good.tmx", 3000)
    path = tmp_path / f"shared-{run}.sqlite"
    failing = start_untm("import", bad, "-m", path)
    succeeding = start_untm("import", good, "-m", path)
    code_a, err_a = _finish(failing)
    code_b, err_b = _finish(succeeding)
    assert code_a == 2, err_a
    assert code_b == 0, err_b
    assert _units(path) == 3000


def test_a_failed_first_import_never_deletes_another_process_s_units(tmp_path: Path) -> None:
    _failed_first_import_beside_another(tmp_path, 0)


@pytest.mark.slow
def test_a_failed_first_import_never_deletes_another_process_s_units_every_time(
    tmp_path: Path,
) -> None:
    for run in range(10):
        _failed_first_import_beside_another(tmp_path, run)


def test_a_failed_first_import_leaves_no_memory_when_alone(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    bad = write_tmx(tmp_path / "bad.tmx", 10, tail=NO_LANGUAGE)
    one_error(run_untm("import", bad, "-m", path), 2)
    assert not path.exists()
    assert not Path(f"{path}-wal").exists()


def _fail_while(path: Path, action: Callable[[], object]) -> None:
    """Open the memory at ``path`` (creating it), do ``action``, then fail."""
    with Memory.open(path) as creator:
        assert creator.count() == 0
        action()
        raise InputError("the creator's import failed")


def test_a_creator_that_fails_keeps_a_memory_another_holds_open(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    held: list[Memory] = []
    with pytest.raises(InputError):
        _fail_while(path, lambda: held.append(Memory.open(path)))
    assert path.exists()
    with held[0] as other:
        other.add([("t", (("en", "Peace", None), ("fr", "Paix", None)))])
    with Memory.open(path, create=False) as store:
        assert store.count() == 1


# --- read-only and full disks ----------------------------------------------------------------


def test_a_read_only_memory_can_be_read_and_says_so_when_written(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("8m")
    path = disk / "tm.sqlite"
    assert run_untm("import", write_tmx(tmp_path / "a.tmx", 50), "-m", path).returncode == 0
    remount(disk, "ro")
    try:
        assert run_untm("stats", "-m", path).returncode == 0
        found = run_untm("concordance", "Paragraph 7 ", "-m", path, "--json")
        assert found.returncode == 0
        assert "Paragraphe 7 " in found.stdout
        out = tmp_path / "out.tmx"
        assert run_untm("export", "-m", path, "-o", out).returncode == 0
        assert out.read_text(encoding="utf-8").count("<tu ") == 50
        assert run_untm("match", DRAFT, "-m", path, "-t", "fr").returncode == 0
        line = one_error(
            run_untm("import", write_tmx(tmp_path / "b.tmx", 5, start=99), "-m", path), 4
        )
        assert "read-only" in line
    finally:
        remount(disk, "rw")
    assert _units(path) == 50


def test_a_full_disk_during_import_leaves_the_memory_as_it_was(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("3m")
    path = disk / "tm.sqlite"
    assert run_untm("import", write_tmx(tmp_path / "a.tmx", 100), "-m", path).returncode == 0
    rows = _rows(path)
    big = write_tmx(tmp_path / "big.tmx", 40_000, start=1000)
    line = one_error(run_untm("import", big, "-m", path), 4)
    assert "disk is full" in line
    assert _rows(path) == rows
    assert _units(path) == 100


def test_a_full_disk_during_export_leaves_no_part_file(
    tmp_path: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("1m")
    path = tmp_path / "tm.sqlite"
    assert run_untm("import", write_tmx(tmp_path / "a.tmx", 20_000), "-m", path).returncode == 0
    out = disk / "out.tmx"
    out.write_text("the old export\n", encoding="utf-8")
    line = one_error(run_untm("export", "-m", path, "-o", out), 2)
    assert f"{out}: the disk is full" in line
    assert sorted(p.name for p in disk.iterdir()) == ["out.tmx"]
    assert out.read_text(encoding="utf-8") == "the old export\n"


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM units ORDER BY id").fetchall()
            + conn.execute("SELECT * FROM meta ORDER BY key").fetchall()
        )
    finally:
        conn.close()


def test_store_errors_name_the_memory(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    Memory.open(path).close()
    _tamper(path, "UPDATE meta SET value = 'x' WHERE key = 'revision'")
    with pytest.raises(StoreError, match=r"tm\.sqlite: the memory is damaged"):
        Memory.open(path)
