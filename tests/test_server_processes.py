"""Two real ``untm serve`` processes over one memory: what one builds, the other matches.

Both listen on loopback ports of their own, each with an index cache of its own (two machines
over one PostgreSQL, or two processes over one SQLite file); a document uploaded to the first
is matched by the second at its very next request (a team's servers must agree within 2 s).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app as cli
from tm import access
from tm.memory import Memory

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letter"
RESOLUTION = ROOT / "tests" / "fixtures" / "reference"
BOUNDARY = "untm-test-boundary"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(
    url: str,
    token: str,
    *,
    data: bytes | None = None,
    kind: str | None = None,
    method: str | None = None,
) -> object:
    headers = {"Authorization": f"Bearer {token}"}
    if kind:
        headers["Content-Type"] = kind
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _multipart(paths: list[Path]) -> bytes:
    parts = []
    for path in paths:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: text/markdown\r\n\r\n'
        )
        parts.append(head.encode() + path.read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def two_servers(memory_target: str, tmp_path: Path) -> Iterator[tuple[list[str], str, str]]:
    memory = memory_target
    files = [str(LETTER / f"letter.{lang}.md") for lang in ("en", "fr")]
    assert CliRunner().invoke(cli, ["build", *files, "-m", str(memory)]).exit_code == 0
    with Memory.open(memory, create=False) as store:
        reader = access.add_token(store, "reader", "reader")[1]
        editor = access.add_token(store, "editor", "editor")[1]
    urls, processes = [], []
    try:
        for machine in ("one", "two"):
            port = _port()
            command = [sys.executable, "-m", "cli.main", "serve", "-m", str(memory)]
            processes.append(
                subprocess.Popen(
                    [*command, "--port", str(port)],
                    cwd=ROOT,
                    env={**os.environ, "UNTM_INDEX_CACHE": str(tmp_path / machine)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            for _ in range(200):
                try:
                    with urllib.request.urlopen(f"{url}/api/health", timeout=1):
                        break
                except OSError:
                    time.sleep(0.1)
        yield urls, reader, editor
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_a_document_built_through_one_is_matched_by_the_other(
    two_servers: tuple[list[str], str, str],
) -> None:
    (first, second), reader, editor = two_servers
    sentence = (RESOLUTION / "resolution.en.md").read_text(encoding="utf-8").split("\n\n")[3]
    ask = json.dumps({"text": sentence, "lang": "en", "target_lang": "fr"}).encode()
    before = _call(f"{second}/api/match", reader, data=ask, kind="application/json")
    assert not any(m["score"] >= 100 for s in before["segments"] for m in s["matches"])  # type: ignore[index]
    paths = [RESOLUTION / f"resolution.{lang}.md" for lang in ("en", "fr")]
    kind = f"multipart/form-data; boundary={BOUNDARY}"
    built = _call(f"{first}/api/documents", editor, data=_multipart(paths), kind=kind)
    # the very next request to the other server sees it: no waiting, no polling
    after = _call(f"{second}/api/match", reader, data=ask, kind="application/json")
    assert any(m["score"] >= 100 for s in after["segments"] for m in s["matches"])  # type: ignore[index]
    # and a removal through the second is seen by the first's next match
    document = urllib.parse.quote(str(built["stored"]["document"]), safe="")  # type: ignore[index]
    _call(f"{second}/api/documents/{document}", editor, method="DELETE")
    gone = _call(f"{first}/api/match", reader, data=ask, kind="application/json")
    assert not any(m["score"] >= 100 for s in gone["segments"] for m in s["matches"])  # type: ignore[index]
