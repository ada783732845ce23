"""Start-up stays light: ``untm --help`` must not load the heavy libraries (typer's rich test)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "lxml",
    "rapidfuzz",
    "regex",
    "babel",
    "numpy",
    "ahocorasick",
    "polib",
    "docx",
    "pypdf",
    "sqlite3",
    "tm.segment",
    "tm.align",
    "tm.terms",
    "tm.match",
    "tm.memory",
)


def test_import_cli_main_loads_no_heavy_dependency() -> None:
    code = f"import sys, cli.main; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import cli.main loaded {out}"


def test_help_runs_as_a_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("segment", "align", "build", "import", "export", "query", "match", "check"):
        assert command in result.stdout
