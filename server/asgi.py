"""The app as uvicorn's worker processes make it: each worker builds its own, configured by
``untm serve`` through the environment (``UNTM_SERVE_MEMORY``, ``UNTM_SERVE_GLOSSARIES``,
``UNTM_SERVE_CORS``, ``UNTM_SERVE_UPLOAD_BYTES``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from starlette.applications import Starlette

from server.app import create_app
from server.service import Limits

__all__ = ["make_app"]


def make_app() -> Starlette:
    """The app ``untm serve`` asked for (uvicorn's factory). The interpreter hands over
    between threads every millisecond (not five): a look-up waits less behind a match."""
    sys.setswitchinterval(0.001)
    glossaries = os.environ.get("UNTM_SERVE_GLOSSARIES", "")
    upload = os.environ.get("UNTM_SERVE_UPLOAD_BYTES", "")
    return create_app(
        os.environ["UNTM_SERVE_MEMORY"],
        glossaries=[Path(p) for p in glossaries.split(os.pathsep) if p],
        limits=Limits(upload_bytes=int(upload)) if upload else Limits(),
        cors_origins=os.environ.get("UNTM_SERVE_CORS", "").split(),
    )
