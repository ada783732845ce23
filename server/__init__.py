"""The team server: ``untm serve`` (an ASGI app, :func:`server.app.create_app`) over the library.

It imports :mod:`tm`, :mod:`tmx` and :mod:`glossaries` as :mod:`cli` does, never :mod:`cli`.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from server.app import create_app

        return create_app
    raise AttributeError(name)
