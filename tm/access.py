"""Who may do what on a shared memory: bearer tokens with roles, stored hashed in the memory.

A team's server (``untm serve``) answers only requests that carry a token. Each token has a
role: ``reader`` (look-ups, match, check, export), ``editor`` (also build, import, remove) or
``admin`` (also manage tokens). A token is shown once, when it is made
(``untm_<id>_<secret>``); the memory keeps its id, name, role, creation date and the SHA-256 of
its secret (a 256-bit random secret needs no slow hash: it cannot be guessed), so a copy of the
memory file gives no working token. Tokens live in the memory's ``meta`` table under
``token:<id>``, so every server of one memory sees the same tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from tm.errors import InputError
from tm.memory import Memory

__all__ = [
    "ROLES",
    "AccessToken",
    "Role",
    "add_token",
    "allows",
    "revoke_token",
    "tokens",
    "verify",
]

Role = Literal["reader", "editor", "admin"]
#: Roles, least first: each may do what the ones before it may.
ROLES: tuple[Role, ...] = ("reader", "editor", "admin")
_PREFIX = "token:"
_SHAPE = "untm_"


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A token as the memory keeps it (never its secret)."""

    id: str
    name: str
    role: Role
    created: str


def allows(role: Role, needed: Role) -> bool:
    """Whether ``role`` may do what ``needed`` may (``admin`` may do everything).

    >>> allows("editor", "reader"), allows("reader", "editor")
    (True, False)
    """
    return ROLES.index(role) >= ROLES.index(needed)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_token(memory: Memory, name: str, role: str) -> tuple[AccessToken, str]:
    """Make a token for ``name`` with ``role``; returns it and the secret token text (once).

    Raises:
        InputError: an unknown role or an empty name.
    """
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    name = " ".join(name.split())
    if not name:
        raise InputError("give the token a name (who or what uses it)")
    ident = secrets.token_hex(4)
    while f"{_PREFIX}{ident}" in memory.meta():
        ident = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    token = AccessToken(ident, name, role, created)
    record = {"name": name, "role": role, "created": created, "sha256": _digest(secret)}
    memory.set_meta(f"{_PREFIX}{ident}", json.dumps(record, ensure_ascii=False))
    return token, f"{_SHAPE}{ident}_{secret}"


def tokens(memory: Memory) -> list[AccessToken]:
    """The memory's tokens, oldest first."""
    found = []
    for key, value in memory.meta().items():
        if key.startswith(_PREFIX):
            record = json.loads(value)
            found.append(
                AccessToken(key[len(_PREFIX) :], record["name"], record["role"], record["created"])
            )
    return sorted(found, key=lambda token: (token.created, token.id))


def revoke_token(memory: Memory, ident: str) -> AccessToken:
    """Remove the token ``ident`` (its id, or the whole token text); returns it.

    Raises:
        InputError: no such token.
    """
    if ident.startswith(_SHAPE):
        ident = ident[len(_SHAPE) :].split("_", 1)[0]
    for token in tokens(memory):
        if token.id == ident:
            memory.delete_meta(f"{_PREFIX}{ident}")
            return token
    raise InputError(f"no token {ident!r} in this memory (see: untm tokens list)")


def verify(memory: Memory, text: str) -> AccessToken | None:
    """The token ``text`` stands for, or None when it is malformed, unknown or revoked."""
    if not text.startswith(_SHAPE) or len(text) > 200:
        return None
    ident, _, secret = text[len(_SHAPE) :].partition("_")
    value = memory.meta().get(f"{_PREFIX}{ident}")
    if value is None or not secret:
        return None
    record = json.loads(value)
    if not hmac.compare_digest(record["sha256"], _digest(secret)):
        return None
    return AccessToken(ident, record["name"], record["role"], record["created"])
