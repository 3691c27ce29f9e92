"""Operational endpoints: liveness, readiness, metrics and the API description."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import Response

from yorum import scrape
from yorum.metrics import HttpRecorder
from yorum.readiness import ReadinessProbe
from yorum.settings import MetricsSettings, metrics_networks
from yorum.web import openapi
from yorum.web.api import forms, services
from yorum.web.errors import problem
from yorum.web.responses import dumps, json_response, respond


def healthz(request: Request) -> Response:
    """The process is up."""
    return json_response(request, {"status": "ok"})


def readyz(request: Request) -> Response:
    """The process can serve: the database answers (and Redis, or it says ``degraded``)."""
    probe: ReadinessProbe = request.app.state.readiness
    state = probe.check()
    if not state.ready:
        return problem(request, 503, "not_ready", f"database: {state.database}", None)
    body = {"status": state.status, "database": state.database}
    if state.redis is not None:
        body["redis"] = state.redis
    return json_response(request, body)


def admitted(request: Request, settings: MetricsSettings) -> bool:
    """Whether this client may read the metrics: by its network, or by the token."""
    if settings.token:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), settings.token.encode()
        ):
            return True
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    for network in metrics_networks(settings.allow):
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return False


def metrics(request: Request) -> Response:
    """Prometheus metrics, for the networks in ``metrics.allow`` or the bearer token."""
    svc = services(request)
    settings = svc.settings.metrics
    if not settings.enabled:
        return problem(request, 404, "not_found", "Metrics are switched off.", None)
    if not admitted(request, settings):
        return problem(
            request,
            403,
            "metrics_forbidden",
            "Metrics are for the server's operators (see metrics.allow and metrics.token).",
            None,
        )
    recorder: HttpRecorder | None = request.app.state.recorder
    if recorder is not None:
        recorder.flush()  # this process's counts up to now
    body, content_type = scrape.exposition(svc.store, svc.comments.clock)
    return Response(body, media_type=content_type, headers={"cache-control": "no-store"})


def openapi_document(request: Request) -> Response:
    """The OpenAPI 3.1 document, built once per process."""
    state = request.app.state
    body: bytes | None = getattr(state, "openapi", None)
    if body is None:
        body = state.openapi = dumps(openapi.document(forms(request), state.operations))
    return respond(request, body)
