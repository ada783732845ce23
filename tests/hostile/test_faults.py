"""Processes stopped at random points: ``kill -9``, SIGTERM and SIGHUP during an import read by
worker processes, a build and an export. Afterwards no worker is left, the memory passes
SQLite's integrity check and holds either what it held before or the whole import; an export
target holds its old or its whole new content, and a stopped export leaves no ``.part``."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from hostile_helpers import ROOT, TIME_LIMIT, run_untm, start_untm, write_tmx

from tmx import bulk

LETTER = ROOT / "examples" / "letter"
#: units of the large import: over bulk.MIN_BYTES, so that workers read it
BIG = 45_000


def _stop(process: subprocess.Popen[str], signum: int, after: float) -> tuple[int, str]:
    """Send ``signum`` ``after`` seconds (unless the command ended); return its exit code
    and stderr."""
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        process.send_signal(signum)
    _, err = process.communicate(timeout=TIME_LIMIT)
    return process.returncode, err


def _left(marker: str) -> list[int]:
    """Processes (workers) whose command line names ``marker``, waiting up to 5 s for them
    to end."""
    deadline = time.monotonic() + 5
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _state(path: Path) -> frozenset[tuple[int, str]]:
    """The memory's units (key and texts), after SQLite's integrity check."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return frozenset(conn.execute("SELECT key, variants FROM units"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def big_tmx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_tmx(tmp_path_factory.mktemp("big") / "big.tmx", BIG, start=1000)
    assert path.stat().st_size > bulk.MIN_BYTES
    return path


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory, big_tmx: Path) -> dict[str, object]:
    """A memory of 200 units (the old state) and the state after importing ``big_tmx``."""
    folder = tmp_path_factory.mktemp("states")
    old = folder / "old.sqlite"
    assert run_untm("import", write_tmx(folder / "small.tmx", 200), "-m", old).returncode == 0
    new = folder / "new.sqlite"
    new.write_bytes(old.read_bytes())
    assert run_untm("import", big_tmx, "-m", new).returncode == 0
    return {"path": old, "old": _state(old), "new": _state(new)}


def _stopped_import(
    tmp_path: Path, big_tmx: Path, states: dict[str, object], signum: int, after: float
) -> None:
    path = tmp_path / f"tm-{signum}-{after:.2f}.sqlite"
    source = states["path"]
    assert isinstance(source, Path)
    path.write_bytes(source.read_bytes())
    code, err = _stop(start_untm("import", big_tmx, "-m", path), signum, after)
    assert not _left(str(path)), "a worker outlived the importing process"
    assert _state(path) in (states["old"], states["new"]), (code, err)
    assert "Traceback" not in err
    # -signum: the signal came while Python was still importing, before untm had set its
    # handlers (nothing was begun), or as the process ended after the import (committed):
    # old or new, as checked above
    if signum != signal.SIGKILL and code not in (0, -signum):
        assert code == 128 + signum, err
        assert err.strip().splitlines() == [
            f"untm: error: stopped by {signal.Signals(signum).name}; nothing was left half-written"
        ]


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_an_import_with_workers_stopped_midway_leaves_old_or_new(
    tmp_path: Path, big_tmx: Path, states: dict[str, object], signum: int
) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("bulk import uses workers on two cores or more")
    _stopped_import(tmp_path, big_tmx, states, signum, 0.8)  # the import takes 1-2 s


@pytest.mark.slow
def test_imports_stopped_at_random_points_leave_old_or_new(
    tmp_path: Path, big_tmx: Path, states: dict[str, object]
) -> None:
    rng = random.Random(15)
    for _ in range(24):
        signum = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
        _stopped_import(tmp_path, big_tmx, states, signum, rng.uniform(0.3, 6.0))


def _letter() -> list[Path]:
    return [LETTER / f"letter.{lang}.md" for lang in ("en", "ar", "es", "fr", "ru", "zh")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The state of a memory of 200 units before and after building the letter into it."""
    folder = tmp_path_factory.mktemp("built")
    old = folder / "old.sqlite"
    assert run_untm("import", write_tmx(folder / "small.tmx", 200), "-m", old).returncode == 0
    new = folder / "new.sqlite"
    new.write_bytes(old.read_bytes())
    assert run_untm("build", *_letter(), "-m", new).returncode == 0
    return {"path": old, "old": _texts(old), "new": _texts(new)}


def _texts(path: Path) -> frozenset[str]:
    """The units' texts (build stamps dates, which differ between two builds)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return frozenset(row[0] for row in conn.execute("SELECT variants FROM units"))
    finally:
        conn.close()


def _stopped_build(tmp_path: Path, built: dict[str, object], signum: int, after: float) -> None:
    path = tmp_path / f"b-{signum}-{after:.2f}.sqlite"
    source = built["path"]
    assert isinstance(source, Path)
    path.write_bytes(source.read_bytes())
    out = tmp_path / "letter.tmx"
    out.write_text("old export\n", encoding="utf-8")
    code, err = _stop(start_untm("build", *_letter(), "-m", path, "--tmx", out), signum, after)
    assert "Traceback" not in err
    assert _texts(path) in (built["old"], built["new"]), (code, err)
    text = out.read_text(encoding="utf-8")
    assert text == "old export\n" or text.rstrip().endswith("</tmx>")
    if signum != signal.SIGKILL:
        assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_build_stopped_midway_leaves_old_or_new(
    tmp_path: Path, built: dict[str, object], signum: int
) -> None:
    _stopped_build(tmp_path, built, signum, 2.5)


@pytest.mark.slow
def test_builds_stopped_at_random_points_leave_old_or_new(
    tmp_path: Path, built: dict[str, object]
) -> None:
    rng = random.Random(12)
    for _ in range(16):
        signum = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
        _stopped_build(tmp_path, built, signum, rng.uniform(0.5, 8.0))


def _stopped_export(tmp_path: Path, memory: Path, signum: int, after: float) -> None:
    out = tmp_path / "out.tmx"
    out.write_text("old export\n", encoding="utf-8")
    before = memory.read_bytes()
    code, err = _stop(start_untm("export", "-m", memory, "-o", out), signum, after)
    assert "Traceback" not in err
    text = out.read_text(encoding="utf-8")
    if text != "old export\n":
        assert text.rstrip().endswith("</tmx>")
        assert text.count("<tu ") == BIG + 200
    if signum != signal.SIGKILL:
        assert not list(tmp_path.glob(".*.part")), "a stopped export left its .part file"
        # -signum: on a loaded machine the signal can come while Python is still importing,
        # before untm has set its handlers (nothing was begun), or after the export was done and
        # untm had let them go (the file is whole): old or whole, as checked above
        if code not in (0, -signum):
            assert code == 128 + signum, (code, err)
    for stale in tmp_path.glob(".*.part"):
        stale.unlink()  # kill -9 leaves it: nothing can run after
    assert memory.read_bytes() == before


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_an_export_stopped_midway_keeps_the_old_file(
    tmp_path: Path, states: dict[str, object], signum: int, big_tmx: Path
) -> None:
    memory = _full_memory(tmp_path, states, big_tmx)
    _stopped_export(tmp_path, memory, signum, 1.5)


@pytest.mark.slow
def test_exports_stopped_at_random_points_keep_the_old_file(
    tmp_path: Path, states: dict[str, object], big_tmx: Path
) -> None:
    memory = _full_memory(tmp_path, states, big_tmx)
    rng = random.Random(7)
    for _ in range(16):
        signum = rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
        _stopped_export(tmp_path, memory, signum, rng.uniform(0.3, 5.0))


def _full_memory(tmp_path: Path, states: dict[str, object], big_tmx: Path) -> Path:
    memory = tmp_path / "full.sqlite"
    source = states["path"]
    assert isinstance(source, Path)
    memory.write_bytes(source.read_bytes())
    assert run_untm("import", big_tmx, "-m", memory).returncode == 0
    return memory
