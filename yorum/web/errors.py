"""The one place that maps yorum's errors to HTTP statuses and problem bodies."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from yorum import errors
from yorum.web.observe import route_label
from yorum.web.responses import dumps, respond

log = logging.getLogger("yorum.web")

STATUS: dict[type[errors.YorumError], int] = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.Invalid: 422,
    errors.RateLimited: 429,
    errors.StorageBusy: 503,
    errors.StorageUnavailable: 503,
    errors.StorageFull: 507,
}

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def status_of(exc: errors.YorumError) -> int:
    """The HTTP status for a domain error (most specific class wins)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def problem(
    request: Request,
    status: int,
    code: str,
    message: str,
    field: str | None,
    retry_after: int | None = None,
) -> Response:
    """The problem body every API error has: ``{"error", "message", "field"}``.

    Answers that invite a retry (429, 503) say when in ``Retry-After``.
    """
    body = dumps({"error": code, "message": message, "field": field})
    if retry_after is None and status == 503:
        retry_after = 1
    headers = {"retry-after": str(retry_after)} if retry_after is not None else None
    return respond(request, body, status=status, headers=headers)


async def yorum_error(request: Request, exc: Exception) -> Response:
    """A domain error as its problem body."""
    assert isinstance(exc, errors.YorumError)
    retry_after = exc.retry_after if isinstance(exc, errors.RateLimited) else None
    return problem(request, status_of(exc), exc.code, exc.message, exc.field, retry_after)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no route, wrong method) as problem bodies."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    response = problem(request, exc.status_code, code, str(exc.detail), None)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def internal_error(request: Request, exc: Exception) -> Response:
    """Anything unexpected: logged with its traceback, answered with code ``internal``.

    The log names the route's template, not the path, which may name a reader's page.
    """
    log.exception("unhandled error on %s %s", request.method, route_label(request.scope))
    return problem(request, 500, "internal", "Something went wrong on the server.", None)


HANDLERS = {
    errors.YorumError: yorum_error,
    HTTPException: http_error,
    Exception: internal_error,
}
