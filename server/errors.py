"""The one place where untm's errors become HTTP statuses (cli/_errors.py: exit codes).

Bad input is a 4xx with the CLI's one-line message; a memory that cannot be read is a 503; an
error untm did not foresee is a 500 whose body says only that, never a traceback.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from tm.errors import StoreError, UntmError

__all__ = ["HttpError", "error_response", "status_of"]


class HttpError(Exception):
    """An HTTP-level refusal (401, 403, 404, 413 ...) with its one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def status_of(err: UntmError) -> int:
    """503 for a memory that cannot be read; 400 for bad input and any other untm error."""
    return 503 if isinstance(err, StoreError) else 400


def error_response(status: int, message: str) -> JSONResponse:
    """``{"error": {"status": ..., "message": ...}}``, the body of every refusal."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"status": status, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


async def untm_error(request: Request, exc: Exception) -> JSONResponse:
    """Exception handler: an :class:`UntmError` as its status and message."""
    return error_response(status_of(exc) if isinstance(exc, UntmError) else 400, str(exc))


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Exception handler: an :class:`HttpError` as its status and message."""
    return error_response(exc.status if isinstance(exc, HttpError) else 400, str(exc))


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Exception handler of last resort: 500, no traceback in the body."""
    return error_response(500, "internal error: the server could not answer this request")
