"""The command line's surface: help text, pipes closed early, hints that name real options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


def _untm(*args: str | Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": str(columns)},
    )


@pytest.mark.parametrize(
    "command", [(), ("check",), ("segment",), ("align",), ("match",), ("glossary", "list")]
)
def test_help_shows_flags_without_a_type(command: tuple[str, ...]) -> None:
    result = _untm(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


@pytest.fixture(scope="module")
def long_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Far more output than a pipe buffers (our own text, not official UN text)."""
    path = tmp_path_factory.mktemp("pipe") / "long.en.md"
    paragraph = "The Human Rights Council adopted resolution 52/1 on 4 April 2023. " * 3
    path.write_text("\n\n".join([paragraph] * 2000), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args", [("segment",), ("segment", "--json"), ("terms",)], ids=["lines", "json", "rich"]
)
def test_a_pipe_closed_early_ends_quietly(long_draft: Path, args: tuple[str, ...]) -> None:
    """``untm ... | head -1``: no traceback, no "Broken pipe" line, status 0."""
    command, *options = args
    with subprocess.Popen(
        [sys.executable, "-m", "cli.main", command, str(long_draft), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "80"},
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        assert proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert (code, err) == (0, "")
