"""Operational endpoints: liveness, readiness and the API description."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from yorum.web import openapi
from yorum.web.api import forms, services
from yorum.web.errors import problem
from yorum.web.responses import dumps, json_response, respond


def healthz(request: Request) -> Response:
    """The process is up."""
    return json_response(request, {"status": "ok"})


def readyz(request: Request) -> Response:
    """The process can serve: the database answers."""
    try:
        services(request).store.ping()
    except Exception as exc:  # any failure means "not ready"; the reason goes in the body
        return problem(request, 503, "not_ready", f"database: {type(exc).__name__}", None)
    return json_response(request, {"status": "ready", "database": "ok"})


def openapi_document(request: Request) -> Response:
    """The OpenAPI 3.1 document, built once per process."""
    state = request.app.state
    body: bytes | None = getattr(state, "openapi", None)
    if body is None:
        body = state.openapi = dumps(openapi.document(forms(request), state.operations))
    return respond(request, body)
