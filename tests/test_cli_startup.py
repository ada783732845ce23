"""Start-up stays light: ``untm --help`` must not load the heavy libraries (typer's rich test)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
    "tm.score",
    "tm.placeables",
    "tm.memory",
)


def test_import_cli_main_loads_no_heavy_dependency() -> None:
    code = f"import sys, cli.main; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"import cli.main loaded {out}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), ("segment", "align", "build", "import", "export", "query", "match", "check")),
        (("segment",), ("--srx", "--json")),
        (("align",), ("--presegmented",)),
        (("match",), ("--min-score",)),
        *(
            ((command,), ("--memory",))
            for command in (
                "import",
                "export",
                "stats",
                "concordance",
                "optimize",
                "documents",
                "remove",
            )
        ),
    ],
)
def test_help_runs_as_a_subprocess(args: tuple[str, ...], expected: tuple[str, ...]) -> None:
    """Each command's --help through the entry point, outside pytest's process."""
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args, "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    for word in expected:
        assert word in result.stdout
