"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

import tm

__all__ = ["openapi"]

_ERROR = {"$ref": "#/components/schemas/Error"}


def _query(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def _op(summary: str, role: str | None, ok: str, **extra: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": ok, "content": {"application/json": {}}},
        "400": {"description": "bad input", "content": {"application/json": {"schema": _ERROR}}},
    }
    if role is not None:
        responses["401"] = {"description": "no valid token"}
        responses["403"] = {"description": f"the token's role is below {role}"}
    op = {"summary": summary, "responses": responses, **extra}
    if role is None:
        op["security"] = []
    else:
        op["description"] = f"Needs a {role} token."
    return op


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def openapi() -> dict[str, Any]:
    """The description: paths, parameters, bodies, the bearer scheme and the error shape."""
    text = {"type": "string"}
    draft = {
        "text": text,
        "lang": text,
        "target_lang": {"type": "string", "description": "a language, or 'all'"},
        "min_score": {"type": "number"},
        "top": {"type": "integer"},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "untm", "version": tm.__version__},
        "security": [{"bearer": []}],
        "paths": {
            "/api/health": {"get": _op("Liveness and revision", None, "ok")},
            "/api/terms": {
                "get": _op(
                    "Glossary look-up, as `untm query --json`",
                    "reader",
                    "concepts",
                    parameters=[
                        _query("q", "name, abbreviation or concept id", required=True),
                        _query("lang", "only terms in this language"),
                        _query("limit", "concepts at most"),
                    ],
                )
            },
            "/api/concordance": {
                "get": _op(
                    "Units holding a text, as `untm concordance --json`",
                    "reader",
                    "units",
                    parameters=[
                        _query("q", "text to find", required=True),
                        _query("lang", "search this language only"),
                        _query("limit", "units at most"),
                    ],
                )
            },
            "/api/match": {
                "post": _op(
                    "Matches of a draft, as `untm match --json` (JSON, or multipart with a file)",
                    "reader",
                    "segments with matches and terms",
                    requestBody=_body(draft, ["text"]),
                )
            },
            "/api/check": {
                "post": _op(
                    "Terminology check, as `untm check --json`",
                    "reader",
                    "issues",
                    requestBody=_body(
                        {"text": text, "lang": text, "target_text": text, "target_lang": text},
                        ["text"],
                    ),
                )
            },
            "/api/stats": {
                "get": _op("Memory statistics, as `untm stats --json`", "reader", "stats")
            },
            "/api/export": {
                "get": _op(
                    "The memory as TMX/PO/CSV/TSV (one file, or a zip of several)",
                    "reader",
                    "the file",
                    parameters=[
                        _query("format", "tmx, po, csv or tsv"),
                        _query("langs", "e.g. en,fr"),
                        _query("profile", "omegat, trados, memoq or phrase"),
                    ],
                )
            },
            "/api/documents": {
                "get": _op("The memory's documents, as `untm documents --json`", "reader", "ok"),
                "post": _op(
                    "Build a document from uploaded files (multipart `files`: the English "
                    "document first, then its versions; optional `document` symbol)",
                    "editor",
                    "as `untm build --json`",
                ),
            },
            "/api/documents/{document}": {
                "delete": _op(
                    "Remove a document, or its versions in `lang` (repeatable)",
                    "editor",
                    "as `untm remove --json`",
                    parameters=[
                        {"name": "document", "in": "path", "required": True, "schema": text},
                        _query("lang", "remove only this language's versions"),
                    ],
                )
            },
            "/api/tokens": {
                "get": _op("The tokens (never their secrets)", "admin", "tokens"),
                "post": _op(
                    "A new token (its secret is shown once)",
                    "admin",
                    "the token",
                    requestBody=_body({"name": text, "role": text}, ["name"]),
                ),
            },
            "/api/tokens/{ident}": {
                "delete": _op(
                    "Revoke a token",
                    "admin",
                    "the revoked token",
                    parameters=[{"name": "ident", "in": "path", "required": True, "schema": text}],
                )
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {"status": {"type": "integer"}, "message": text},
                        }
                    },
                }
            },
        },
    }
