"""The fast thread-read layer: same answers as the routed handler, errors left to the app."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import post
from yorum.services import Services
from yorum.web import create_app
from yorum.web.thread_read import FastThreadReads

PARAMS = {"site": "default", "uri": "/t"}
REQUEST_HEADERS = [
    {},
    {"accept-encoding": "gzip"},
    {"accept-encoding": "br, gzip"},
    {"origin": "https://blog.example.org"},
]


def routed_only(services: Services) -> TestClient:
    """A client of an app whose fast layer is taken out, so the router answers."""
    app = create_app(services)
    app.fast_thread_reads = False
    return TestClient(app)


@pytest.mark.parametrize("headers", REQUEST_HEADERS)
def test_fast_and_routed_answers_are_identical(
    client: TestClient, services: Services, headers: dict[str, str]
) -> None:
    for n in range(30):  # more than 1 KB, so compression applies
        post(client, f"comment number {n} with *some* text")
    fast = client.get("/api/thread", params=PARAMS, headers=headers)
    with routed_only(services) as routed_client:
        routed = routed_client.get("/api/thread", params=PARAMS, headers=headers)
    assert fast.status_code == routed.status_code == 200
    assert fast.content == routed.content
    fast_headers, routed_headers = dict(fast.headers), dict(routed.headers)
    # Each request gets an id of its own; everything else is the same.
    assert fast_headers.pop("x-request-id") != routed_headers.pop("x-request-id")
    assert fast_headers == routed_headers
    etag = fast.headers["etag"]
    not_modified = client.get("/api/thread", params=PARAMS, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""


class Recorder:
    """An ASGI app standing in for the full app: notes that it was asked, answers 599."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def call(layer: FastThreadReads, path: str, query: bytes, method: str = "GET") -> int:
    """Send one request through ``layer``; return the status it answered with."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": [(b"host", b"testserver")],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(layer(scope, receive, send))
    status: int = sent[0]["status"]
    return status


def test_the_layer_answers_good_reads_and_steps_aside_otherwise(
    client: TestClient, services: Services
) -> None:
    post(client, "hello")
    app = create_app(services)
    recorder = Recorder()
    layer = FastThreadReads(recorder, app.state.thread_reads)
    assert call(layer, "/api/thread", b"site=default&uri=/t") == 200
    assert recorder.calls == []
    # A bad parameter, an unknown site, another path or method: the full app answers.
    assert call(layer, "/api/thread", b"site=default&uri=/t&limit=0") == 599
    assert call(layer, "/api/thread", b"site=nosuch&uri=/t") == 599
    assert call(layer, "/api/thread", b"site=default") == 599
    assert call(layer, "/api/counts", b"site=default&uri=/t") == 599
    assert call(layer, "/api/thread", b"site=default&uri=/t", method="HEAD") == 599
    assert len(recorder.calls) == 5


def test_errors_through_the_full_app_keep_their_problem_bodies(client: TestClient) -> None:
    response = client.get("/api/thread", params={"site": "nosuch", "uri": "/t"})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_site"
    response = client.get("/api/thread", params={"site": "default", "uri": "/t", "limit": "x"})
    assert response.status_code == 422
    assert response.json()["field"] == "limit"
