"""The outermost ASGI layer: a request id for every request, and its count and timing.

It sits in front of everything, the fast thread reads included, so each answer is counted
once. The request id comes from a well-formed ``X-Request-ID`` (set by a proxy or the
client) or is made here; it goes back in the response's ``X-Request-ID`` and onto every
log line written while the request is handled. Requests are labelled with the template of
the route that answered (``/api/comments/{id}``), never the path itself: paths name
readers' pages, and their number has no bound. With ``log.requests`` each request also
gets a log line (method, route, status, duration, request id; no address).
"""

from __future__ import annotations

import re
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yorum.logs import REQUEST_ID_HEADER, bind_request_id, request_id_from
from yorum.metrics import UNMATCHED, HttpRecorder

ROUTE_KEY = "yorum.route"  # set in the scope by layers that answer before routing
STREAMS = frozenset({"/api/events"})  # long by design: counted, but not timed
_HEADER = REQUEST_ID_HEADER.encode()
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")
_labels: dict[str, str] = {}

requests_log = structlog.get_logger("yorum.requests")


def route_label(scope: Scope) -> str:
    """The template of the route that answered, as the docs write it, or ``unmatched``."""
    marked: str | None = scope.get(ROUTE_KEY)
    if marked is not None:
        return marked
    path: str | None = getattr(scope.get("route"), "path", None)
    if path is None:
        return UNMATCHED
    label = _labels.get(path)
    if label is None:
        label = _labels[path] = _CONVERTOR.sub(r"{\1}", path) or "/"
    return label


class Observe:
    """Request ids, metrics and the optional request log around ``app``."""

    def __init__(self, app: ASGIApp, recorder: HttpRecorder | None, log_requests: bool) -> None:
        self.app = app
        self.recorder = recorder
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent_id: bytes | None = None
        for name, value in scope["headers"]:
            if name == _HEADER:
                sent_id = value
                break
        request_id = request_id_from(sent_id)
        bind_request_id(request_id)
        id_header = (_HEADER, request_id.encode("latin-1"))
        status = 500  # if the app fails before answering, uvicorn answers 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.recorder is not None or self.log_requests:
                self._observe(scope, status, time.perf_counter() - start)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = route_label(scope)
        method: str = scope["method"]
        if self.recorder is not None:
            self.recorder.record(method, route, status, None if route in STREAMS else seconds)
        if self.log_requests:
            fields: dict[str, Any] = {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
            }
            requests_log.info("request", **fields)
