"""Helpers of the hostile-input and fault tests: running the installed ``untm`` with a time
limit, checking its one-line errors, hashing files, writing TMX files of many units."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: seconds any one command may take before the test calls it a hang
TIME_LIMIT = 120

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header creationtool="hostile-test" creationtoolversion="1" segtype="sentence" '
    'o-tmf="test" adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
)
TAIL = "</body>\n</tmx>\n"


def untm_command() -> list[str]:
    """The installed ``untm`` beside this interpreter, else the module (same code)."""
    script = Path(sys.executable).with_name("untm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]


def run_untm(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``untm ARGS`` in a subprocess with a time limit; returns the completed process."""
    return subprocess.run(
        [*untm_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=cwd or ROOT,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )


def start_untm(*args: object) -> subprocess.Popen[str]:
    """Start ``untm ARGS`` in the background (stdout dropped, stderr kept)."""
    return subprocess.Popen(
        [*untm_command(), *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def one_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """Assert that ``result`` exited with ``code`` and said why in one line, no traceback;
    return the line."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1, result.stderr[-2000:]
    assert lines[0].startswith("untm: error: "), lines
    return lines[0]


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes (empty when it does not exist)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def tmx_text(count: int, *, start: int = 0, tail: str = "") -> str:
    """A TMX file of ``count`` en/fr units numbered from ``start`` (distinct texts), then
    ``tail`` (raw XML, e.g. a broken unit) before ``</body>``."""
    units = "".join(
        f'<tu tuid="u{n}"><tuv xml:lang="en"><seg>Paragraph {n} of the report</seg></tuv>'
        f'<tuv xml:lang="fr"><seg>Paragraphe {n} du rapport</seg></tuv></tu>\n'
        for n in range(start, start + count)
    )
    return HEAD + units + tail + TAIL


def write_tmx(path: Path, count: int, *, start: int = 0, tail: str = "") -> Path:
    """Write :func:`tmx_text` to ``path``."""
    path.write_text(tmx_text(count, start=start, tail=tail), encoding="utf-8")
    return path


def remount(point: Path, mode: str) -> None:
    """Remount the tmpfs at ``point`` ``ro`` or ``rw``."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(point)], check=True)
