"""``untm serve``: the HTTP API and the web page over one shared memory (an ASGI app).

Every endpoint is a thin layer over the library call the CLI makes (:mod:`server.service`), and
answers with the JSON the CLI's ``--json`` prints (:mod:`tm.jsonable`). Requests need a bearer
token (:mod:`tm.access`) of the role the endpoint asks for, except ``/api/health`` and the web
page's static files; bodies are bounded (:class:`~server.service.Limits`); errors are JSON with
the CLI's one-line messages (:mod:`server.errors`). No CORS unless origins are configured.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import HttpError, http_error, unexpected, untm_error
from server.openapi import openapi
from server.service import Limits, Service
from server.work_pool import WorkPool
from tm import access, jsonable
from tm.errors import InputError, UntmError
from tm.models import Document

__all__ = ["answer", "create_app"]

Endpoint = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


def create_app(
    memory: str | Path,
    *,
    glossaries: Sequence[Path] = (),
    limits: Limits | None = None,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """The app serving ``memory`` (its file must exist: build or import first).

    Raises:
        StoreError: the memory is missing or broken.
    """
    limits = limits or Limits()
    service = Service(memory, glossaries=glossaries, limits=limits)
    pool = WorkPool(memory, glossaries=glossaries, limits=limits)
    api = _Api(service, pool)
    routes = [
        Route("/api/health", api.health),
        Route("/api/openapi.json", api.openapi),
        Route("/api/terms", api.terms),
        Route("/api/concordance", api.concordance),
        Route("/api/match", api.match, methods=["POST"]),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/stats", api.stats),
        Route("/api/export", api.export),
        Route("/api/documents", api.documents, methods=["GET", "POST"]),
        Route("/api/documents/{document:path}", api.remove, methods=["DELETE"]),
        Route("/api/tokens", api.tokens, methods=["GET", "POST"]),
        Route("/api/tokens/{ident}", api.revoke, methods=["DELETE"]),
        Route("/", api.index),
        Mount("/static", StaticFiles(directory=str(_static())), name="static"),
    ]
    middleware = [Middleware(_BodyLimit, limit=max(limits.body_bytes, limits.upload_bytes))]
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        UntmError: untm_error,
        HttpError: http_error,
        Exception: unexpected,
    }

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        await run_in_threadpool(service.warm)
        try:
            yield
        finally:
            pool.close()

    return Starlette(
        routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan
    )


def _static() -> Path:
    return Path(str(resources.files("server") / "static"))


class _Api:
    """The endpoints, bound to one :class:`Service`."""

    def __init__(self, service: Service, pool: WorkPool) -> None:
        self.service = service
        #: matches, checks and concordances run there (server.work_pool)
        self.pool = pool
        self._limiter: anyio.CapacityLimiter | None = None

    async def _heavy(self, work: Callable[[], T]) -> T:
        """Run ``work`` (a build, an export, an upload read: tens of milliseconds or more) on
        one of the few threads kept for it, so that look-ups, which take a few milliseconds,
        are never queued behind it. (Matches, checks and concordances run in processes of
        their own: :mod:`server.work_pool`.)"""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.service.limits.heavy_requests)
        return await anyio.to_thread.run_sync(work, limiter=self._limiter)

    # --- who is asking ------------------------------------------------------------------------

    async def _allow(self, request: Request, role: access.Role) -> access.AccessToken:
        header = request.headers.get("authorization", "")
        scheme, _, text = header.partition(" ")
        if scheme.lower() != "bearer" or not text.strip():
            raise HttpError(401, "a bearer token is needed (Authorization: Bearer untm_...)")
        token = await run_in_threadpool(access.verify, self.service.memory(), text.strip())
        if token is None:
            raise HttpError(401, "the token is not valid (unknown, revoked or mistyped)")
        if not access.allows(token.role, role):
            raise HttpError(403, f"this needs the {role} role; the token has the {token.role} role")
        return token

    async def _json(self, request: Request) -> dict[str, Any]:
        if "json" not in request.headers.get("content-type", ""):
            raise HttpError(415, "send the request as application/json")
        body = await request.body()
        if len(body) > self.service.limits.body_bytes:
            raise HttpError(413, "the request body is too large")
        try:
            data = json.loads(body)
        except ValueError as err:
            raise HttpError(400, f"the body is not valid JSON ({err.args[0]})") from None
        if not isinstance(data, dict):
            raise HttpError(400, "the body must be a JSON object")
        return data

    # --- open ---------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        """Liveness and the memory's revision (no token needed)."""
        revision = await run_in_threadpool(lambda: self.service.memory().revision())
        return JSONResponse({"status": "ok", "revision": revision})

    async def openapi(self, request: Request) -> Response:
        """The OpenAPI 3.1 description of this API."""
        return JSONResponse(openapi())

    async def index(self, request: Request) -> Response:
        """The web page (its script asks for a token before any call)."""
        return FileResponse(_static() / "index.html", media_type="text/html; charset=utf-8")

    # --- reader -------------------------------------------------------------------------------

    async def terms(self, request: Request) -> Response:
        """As ``untm query --json``: ``{"query", "results": [concept, ...]}``."""
        await self._allow(request, "reader")
        query = request.query_params.get("q", "")
        lang = request.query_params.get("lang") or None
        limit = _int(request.query_params.get("limit"), 5, "limit")
        found = await run_in_threadpool(self.service.terms, query, lang=lang, limit=limit)
        results = [jsonable.concept_data(concept, score) for concept, score in found]
        return JSONResponse({"query": query, "results": results})

    async def concordance(self, request: Request) -> Response:
        """As ``untm concordance --json``: the units holding ``q``."""
        await self._allow(request, "reader")
        query = request.query_params.get("q", "")
        lang = request.query_params.get("lang") or None
        limit = _int(request.query_params.get("limit"), 50, "limit")
        return await answer(request, self.pool.concordance(query, lang=lang, limit=limit))

    async def stats(self, request: Request) -> Response:
        """As ``untm stats --json``."""
        await self._allow(request, "reader")
        summary = await run_in_threadpool(self.service.stats)
        data = asdict(summary)
        data["path"] = Path(data["path"]).name  # the server's folders are not the client's business
        return JSONResponse(data)

    async def match(self, request: Request) -> Response:
        """As ``untm match --json``, for ``{"text"}`` JSON or a multipart ``file`` upload."""
        await self._allow(request, "reader")
        fields, document = await self._draft(request)
        targets = fields.get("target_lang") or "all"
        chosen = None if str(targets).lower() == "all" else [str(targets)]
        min_score = _float(fields.get("min_score"), 50.0, "min_score")
        top = _int(fields.get("top"), 3, "top")
        return await answer(
            request, self.pool.match(document, target_langs=chosen, min_score=min_score, top=top)
        )

    async def check(self, request: Request) -> Response:
        """As ``untm check --json``: a draft, or a translation with its source."""
        await self._allow(request, "reader")
        fields = await self._json(request)
        lang = str(fields.get("lang") or "en")
        source = self.service.draft(_str(fields, "text"), lang)
        translation = None
        if fields.get("target_text") is not None:
            target_lang = fields.get("target_lang")
            if not target_lang:
                raise InputError("target_text needs target_lang")
            translation = self.service.draft(_str(fields, "target_text"), str(target_lang))
        return await answer(request, self.pool.check(source, translation))

    async def export(self, request: Request) -> Response:
        """As ``untm export``, streamed: one file as it is, several as a zip archive."""
        await self._allow(request, "reader")
        params = request.query_params
        fmt = params.get("format") or "tmx"
        langs = (
            [x.strip() for x in params["langs"].split(",") if x.strip()]
            if "langs" in params
            else None
        )
        profile = params.get("profile") or None
        folder = Path(tempfile.mkdtemp(prefix="untm-export-"))
        cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
        try:
            files = await self._heavy(
                lambda: self.service.export(folder, fmt=fmt, langs=langs, profile=profile)
            )
            if len(files) == 1:
                return FileResponse(files[0], filename=files[0].name, background=cleanup)
            archive = shutil.make_archive(str(folder / "export"), "zip", folder, ".")
            name = f"{self.service.stem}.{fmt}.zip"
            return FileResponse(archive, filename=name, background=cleanup)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    # --- documents (reading: reader; building and removing: editor) ---------------------------

    async def documents(self, request: Request) -> Response:
        """GET: as ``untm documents --json``. POST (multipart ``files``: the English document
        first, then its versions; optional ``document`` symbol): as ``untm build --json``."""
        if request.method == "GET":
            await self._allow(request, "reader")
            found = await run_in_threadpool(self.service.documents)
            return JSONResponse([asdict(record) for record in found])
        await self._allow(request, "editor")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise HttpError(415, "send the documents as multipart/form-data 'files'")
        limit = self.service.limits.upload_bytes
        async with request.form(max_files=7, max_fields=10) as form:
            uploads = []
            for item in form.getlist("files"):
                if not isinstance(item, UploadFile):
                    raise InputError("'files' must be files")
                data = await item.read(limit + 1)
                uploads.append((item.filename or "", data))
            symbol = form.get("document")
        document = symbol if isinstance(symbol, str) and symbol.strip() else None
        report = await self._heavy(lambda: self.service.build(uploads, document=document))
        summary = {k: v for k, v in asdict(report).items() if k != "reference"}
        return JSONResponse(summary, status_code=201)

    async def remove(self, request: Request) -> Response:
        """DELETE a document (``?lang=xx``, repeated: only those versions); as ``untm remove``."""
        await self._allow(request, "editor")
        document = request.path_params["document"]
        langs = request.query_params.getlist("lang") or None
        change = await self._heavy(lambda: self.service.remove(document, langs=langs))
        return JSONResponse(asdict(change))

    # --- admin --------------------------------------------------------------------------------

    async def tokens(self, request: Request) -> Response:
        """GET: the tokens (never their secrets); POST ``{"name", "role"}``: a new one."""
        await self._allow(request, "admin")
        memory = self.service.memory()
        if request.method == "POST":
            fields = await self._json(request)
            role = str(fields.get("role") or "reader")
            token, secret = await run_in_threadpool(
                access.add_token, memory, _str(fields, "name"), role
            )
            return JSONResponse({**asdict(token), "token": secret}, status_code=201)
        found = await run_in_threadpool(access.tokens, memory)
        return JSONResponse([asdict(token) for token in found])

    async def revoke(self, request: Request) -> Response:
        """DELETE a token by id."""
        await self._allow(request, "admin")
        ident = request.path_params["ident"]
        token = await run_in_threadpool(access.revoke_token, self.service.memory(), ident)
        return JSONResponse(asdict(token))

    # --- drafts -------------------------------------------------------------------------------

    async def _draft(self, request: Request) -> tuple[dict[str, Any], Document]:
        """The fields and the draft document of a JSON or multipart request."""
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            limits = self.service.limits
            async with request.form(max_files=1, max_fields=20) as form:
                fields: dict[str, Any] = {
                    key: value for key, value in form.items() if isinstance(value, str)
                }
                upload = form.get("file")
                if isinstance(upload, UploadFile):
                    data = await upload.read(limits.upload_bytes + 1)
                    lang = fields.get("lang") or None
                    name = upload.filename or "draft.md"
                    document = await self._heavy(lambda: self.service.upload(data, name, lang))
                    return fields, document
            if "text" not in fields:
                raise InputError("send the draft as a 'file' field or a 'text' field")
        else:
            fields = await self._json(request)
        document = self.service.draft(_str(fields, "text"), str(fields.get("lang") or "en"))
        return fields, document


async def answer(request: Request, work: Coroutine[Any, Any, bytes]) -> Response:
    """The JSON answer of ``work`` (:mod:`server.work_pool`). A client that goes away
    before it takes its work out of the queue; a server stopping while the work waits
    (its grace period over) answers 503 instead of leaving the request cut off."""
    job = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_client_gone(request))
    try:
        await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        job.cancel()
        gone.cancel()
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # the request ends here, with its answer
        raise HttpError(503, "the server is stopping; send the request again") from None
    gone.cancel()
    if not job.done():
        job.cancel()
        raise HttpError(503, "the client went away before its answer")
    return Response(job.result(), media_type="application/json")


async def _client_gone(request: Request) -> None:
    """Return when the client has closed its connection (the body, if any, was read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _str(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        raise InputError(f"{key!r} must be given as a string")
    return value


def _int(value: object, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    try:
        return int(str(value))
    except ValueError:
        raise InputError(f"{name} must be a whole number, not {str(value)[:40]!r}") from None


def _float(value: object, default: float, name: str) -> float:
    if value is None or value == "":
        return default
    try:
        return float(str(value))
    except ValueError:
        raise InputError(f"{name} must be a number, not {str(value)[:40]!r}") from None


class _BodyLimit:
    """Refuses (413) a request whose body is larger than ``limit``, before reading it whole."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HttpError(413, "the request body is too large")
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send) -> None:
    body = json.dumps({"error": {"status": 413, "message": "the request body is too large"}})
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
