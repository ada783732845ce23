"""Output paths a user may get wrong: the memory, an input, a device, FIFO, socket, symbolic
link, folder, or a path in a missing folder. Every command that writes refuses them (exit 2,
one line) before any work, so the file given stays exactly as it was; atomic writes replace
regular files only and leave no ``.part`` behind, whatever fails."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile_helpers import ROOT, digest, one_error, run_untm, write_tmx
from typer.testing import CliRunner

from cli.main import app
from tm.errors import InputError
from tmx.output import atomic_paths, check_output

LETTER = ROOT / "examples" / "letter"
runner = CliRunner()


def _refused(*args: object) -> str:
    """Run ``untm ARGS`` in this process; assert exit 2 and one line; return it."""
    result = runner.invoke(app, [str(a) for a in args])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    path = tmp_path / "tm.sqlite"
    result = runner.invoke(
        app, ["import", str(write_tmx(tmp_path / "in.tmx", 20)), "-m", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def specials(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A FIFO, a socket, a folder, a symbolic link to a regular file and a character device."""
    fifo = tmp_path / "fifo.tmx"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock.tmx"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    target = tmp_path / "target.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "link.tmx"
    link.symlink_to(target)
    folder = tmp_path / "folder.tmx"
    folder.mkdir()
    yield {
        "FIFO": fifo,
        "socket": sock_path,
        "symbolic link": link,
        "directory": folder,
        "device": Path("/dev/null"),
    }
    sock.close()
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_export_onto_the_memory_is_refused_and_the_memory_kept(memory: Path) -> None:
    before = digest(memory)
    assert "is the memory of this command" in _refused("export", "-m", memory, "-o", memory)
    for fmt in ("po", "csv", "tsv"):
        _refused("export", "-m", memory, "-o", memory, "--format", fmt)
    hard = memory.with_name("hard.tmx")
    os.link(memory, hard)
    assert "is the memory" in _refused("export", "-m", memory, "-o", hard)
    link = memory.with_name("soft.tmx")
    link.symlink_to(memory)
    assert "symbolic link" in _refused("export", "-m", memory, "-o", link)
    assert "is the memory" in _refused("export", "-m", memory, "-o", f"{memory}-wal")
    assert digest(memory) == before


@pytest.mark.parametrize("kind", ["FIFO", "socket", "symbolic link", "directory", "device"])
def test_special_files_are_refused_as_outputs(
    memory: Path, specials: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    out = specials[kind]
    line = _refused("export", "-m", memory, "-o", out)
    assert str(out) in line
    draft = tmp_path / "draft.en.md"
    draft.write_text("The Security Council met.\n", encoding="utf-8")
    _refused("pretranslate", draft, "-m", memory, "-t", "fr", "-o", out)
    _refused("glossary", "export", "-o", out, "--format", "csv")
    _refused("terms", draft, "-o", out)
    assert not list(tmp_path.glob(".*.part"))


def test_pretranslate_onto_its_draft_is_refused(memory: Path, tmp_path: Path) -> None:
    draft = tmp_path / "d.en.md"
    draft.write_text("The Security Council met.\n", encoding="utf-8")
    before = digest(draft)
    line = _refused("pretranslate", draft, "-m", memory, "-t", "fr", "-o", draft)
    assert "is an input file" in line
    _refused("pretranslate", draft, "-m", memory, "-t", "fr", "-o", memory)
    assert digest(draft) == before


def test_build_refuses_its_outputs_before_building(tmp_path: Path) -> None:
    files = [LETTER / "letter.en.md", LETTER / "letter.fr.md"]
    path = tmp_path / "tm.sqlite"
    line = _refused("build", *files, "-m", path, "--tmx", tmp_path / "nodir" / "x.tmx")
    assert line.endswith(f"the folder {tmp_path / 'nodir'} does not exist; create it first")
    assert not path.exists()
    copy = tmp_path / "letter.fr.md"
    copy.write_bytes(files[1].read_bytes())
    before = digest(copy)
    assert "is an input file" in _refused("build", files[0], copy, "-m", path, "--tmx", copy)
    _refused("build", files[0], copy, "-m", path, "--glossary", copy)
    assert digest(copy) == before
    assert not path.exists()


def test_glossary_and_terms_outputs_are_checked(tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("en,fr\nSecurity Council,Conseil de sécurité\n", encoding="utf-8")
    before = digest(mine)
    _refused("glossary", "export", "-o", mine, "--format", "csv", "--glossary", mine)
    draft = tmp_path / "d.en.md"
    draft.write_text("The Security Council met.\n", encoding="utf-8")
    _refused("terms", draft, "-o", draft)
    _refused("glossary", "export", "-o", tmp_path / "no" / "g.csv", "--format", "csv")
    assert digest(mine) == before


def test_the_installed_command_refuses_too(memory: Path) -> None:
    before = digest(memory)
    one_error(run_untm("export", "-m", memory, "-o", memory), 2)
    one_error(run_untm("export", "-m", memory, "-o", "/dev/null"), 2)
    assert digest(memory) == before


# --- the library's checks ---------------------------------------------------------------------


def test_check_output_accepts_new_and_regular_files(tmp_path: Path) -> None:
    check_output(tmp_path / "new.tmx")
    existing = tmp_path / "old.tmx"
    existing.write_text("x", encoding="utf-8")
    check_output(existing, memory=tmp_path / "tm.sqlite", inputs=[tmp_path / "a.md"])
    check_output("relative.tmx")  # in the current folder


def _write_then(target: Path, action: Callable[[], object]) -> None:
    """Write ``target`` atomically, doing ``action`` before the block ends."""
    with atomic_paths() as tmp:
        Path(tmp(target)).write_text("new", encoding="utf-8")
        action()


def test_atomic_paths_replace_only_regular_files(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"
    # the target changed kind while the export ran
    with pytest.raises(InputError, match="no longer a regular file"):
        _write_then(target, target.mkdir)
    assert target.is_dir()
    assert not list(tmp_path.glob(".*.part"))


def test_a_failed_rename_names_the_target_and_leaves_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.tmx"
    target.write_text("old", encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="Permission denied") as caught:
        _write_then(target, lambda: None)
    assert caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "old"
    assert not list(tmp_path.glob(".*.part"))


def test_a_write_error_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "out.tmx"

    def full() -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="disk is full") as caught:
        _write_then(target, full)
    assert caught.value.filename == str(target)
    assert not target.exists()
    assert not list(tmp_path.glob(".*.part"))
