"""Live updates over Server-Sent Events, across worker processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.servers import Server


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    srv = Server(tmp_path / "data", database_url, workers=2)
    srv.start()
    yield srv
    srv.stop()


def read_events(
    response: httpx.Response, events: list[dict[str, str]], ready: threading.Event
) -> None:
    """Collect SSE events from ``response`` until it ends."""
    current: dict[str, str] = {}
    try:
        for line in response.iter_lines():
            if line.startswith("retry:"):
                ready.set()
            elif line == "":
                if "event" in current:
                    events.append(current)
                current = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                current[name] = value
    except httpx.HTTPError:
        pass


def post(server: Server, text: str) -> dict[str, object]:
    body = {"site": "default", "uri": "/live", "text": text}
    response = httpx.post(f"{server.url}/api/comments", json=body, timeout=10)
    assert response.status_code == 201
    data: dict[str, object] = response.json()
    return data


def test_every_stream_hears_of_a_new_comment_within_two_seconds(server: Server) -> None:
    """Streams on both workers (by opening several) hear of writes made through either."""
    post(server, "before anyone listens")
    params = {"site": "default", "uri": "/live"}
    streams, collected = [], []
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client:
        for _ in range(4):  # with two workers, some streams land on each
            response = client.send(
                client.build_request("GET", f"{server.url}/api/events", params=params), stream=True
            )
            assert response.headers["content-type"].startswith("text/event-stream")
            events: list[dict[str, str]] = []
            ready = threading.Event()
            reader = threading.Thread(
                target=read_events, args=(response, events, ready), daemon=True
            )
            reader.start()
            assert ready.wait(10)
            streams.append(response)
            collected.append(events)
        posted_at = time.monotonic()
        post(server, "a new comment")
        while time.monotonic() - posted_at < 2 and not all(collected):
            time.sleep(0.05)
        assert all(collected), "every stream hears within 2 s"
        for events in collected:
            assert events[0]["event"] == "changed"
            data = json.loads(events[0]["data"])
            assert events[0]["id"] == f"{data['thread']}-{data['version']}"
        for response in streams:
            response.close()


def test_a_reconnecting_reader_hears_what_it_missed(server: Server) -> None:
    post(server, "one")
    params = {"site": "default", "uri": "/live"}
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client:
        request = client.build_request(
            "GET", f"{server.url}/api/events", params=params, headers={"last-event-id": "1-0"}
        )
        response = client.send(request, stream=True)
        events: list[dict[str, str]] = []
        ready = threading.Event()
        threading.Thread(target=read_events, args=(response, events, ready), daemon=True).start()
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.05)
        response.close()
    assert events and events[0]["event"] == "changed"


def test_a_bad_request_gets_a_problem_not_a_stream(server: Server) -> None:
    response = httpx.get(f"{server.url}/api/events", params={"site": "nosuch", "uri": "/x"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_site"
    response = httpx.get(f"{server.url}/api/events", params={"site": "default"})
    assert response.status_code == 422 and response.json()["field"] == "uri"


def test_stopping_the_server_ends_open_streams_promptly(server: Server) -> None:
    params = {"site": "default", "uri": "/live"}
    client = httpx.Client(timeout=httpx.Timeout(10, read=30))
    response = client.send(
        client.build_request("GET", f"{server.url}/api/events", params=params), stream=True
    )
    events: list[dict[str, str]] = []
    ready = threading.Event()
    reader = threading.Thread(target=read_events, args=(response, events, ready), daemon=True)
    reader.start()
    assert ready.wait(10)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5  # not the 10 s uvicorn grants open responses
    reader.join(5)
    assert not reader.is_alive()  # the stream ended; a browser would reconnect elsewhere
    client.close()
