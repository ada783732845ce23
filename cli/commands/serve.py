"""``untm serve``: the team server (HTTP API and web page) over one memory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors

__all__ = ["serve"]


def serve(
    memory: Annotated[
        str,
        typer.Option("--memory", "-m", help="The memory to serve (SQLite file, postgresql://...)."),
    ],
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless you open it).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8765,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes.")] = 1,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="Your glossary (TBX/CSV/TSV), used beside the UN one."),
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin", help="Allow browser calls from this origin (none by default)."
        ),
    ] = None,
    max_upload_mb: Annotated[
        int, typer.Option("--max-upload-mb", min=1, max=1024, help="Largest upload taken.")
    ] = 32,
) -> None:
    """Serve MEMORY over HTTP: the JSON API (/api/...) and the web page (/) for a team.

    Every request needs a token (untm tokens add); /api/health does not.
    """
    import os

    import uvicorn

    from cli import render
    from tm.backend import is_url
    from tm.memory import Memory

    with handle_errors():
        Memory.open(memory, create=False).close()
    # each worker process builds its app from these (server/asgi.py)
    os.environ["UNTM_SERVE_MEMORY"] = memory if is_url(memory) else str(Path(memory).resolve())
    os.environ["UNTM_SERVE_GLOSSARIES"] = os.pathsep.join(str(p.resolve()) for p in glossary or ())
    os.environ["UNTM_SERVE_CORS"] = " ".join(cors_origin or ())
    os.environ["UNTM_SERVE_UPLOAD_BYTES"] = str(max_upload_mb * 1024 * 1024)
    render.console().print(f"untm serves {render.escape(str(memory))} on http://{host}:{port}/")
    uvicorn.run(
        "server.asgi:make_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # a stop (systemd, Ctrl-C) lets requests in flight finish for a while, not forever
        timeout_graceful_shutdown=10,
    )
