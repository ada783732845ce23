"""Start-up stays light: ``untm --help`` must not load the heavy libraries (typer's rich test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_match_json_loads_no_terminal_renderer(tmp_path: Path) -> None:
    """``untm match --json`` prints JSON only: rich (a tenth of a one-sentence match's start-up)
    is never imported; the human report still renders with it."""
    from tm.memory import Memory
    from tm.models import Unit, Variant

    store = str(tmp_path / "tm.sqlite")
    draft = tmp_path / "draft.en.txt"
    draft.write_text("The Security Council met on 3 May 2024.\n", encoding="utf-8")
    with Memory.open(store) as memory:
        memory.add(
            [Unit((Variant("en", "The Security Council met."), Variant("fr", "Le Conseil.")))]
        )
    code = (
        "import sys, cli.main\n"
        "try:\n    cli.main.main()\n"
        "finally:\n    print('rich' in sys.modules, file=sys.stderr)\n"
    )
    for args, loads in ((["--json"], "False"), ([], "True")):
        result = subprocess.run(
            [sys.executable, "-c", code, "match", str(draft), "--memory", store, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == loads
        assert "Conseil" in result.stdout
