"""Live updates over Server-Sent Events, across worker processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.servers import Server, free_port


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


REDIS_URL = os.environ.get("YORUM_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="YORUM_TEST_REDIS_URL not set")


def first_event(server: Server, then: Callable[[], object]) -> list[dict[str, str]]:
    """Open a stream, run ``then``, and return the events heard within two seconds."""
    params = {"site": "default", "uri": "/live"}
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client:
        response = client.send(
            client.build_request("GET", f"{server.url}/api/events", params=params), stream=True
        )
        events: list[dict[str, str]] = []
        ready = threading.Event()
        threading.Thread(target=read_events, args=(response, events, ready), daemon=True).start()
        assert ready.wait(10)
        then()
        deadline = time.monotonic() + 2
        while not events and time.monotonic() < deadline:
            time.sleep(0.05)
        response.close()
    return events


@needs_redis
def test_changes_travel_through_redis_when_it_is_set_up(tmp_path: Path) -> None:
    import redis

    data = tmp_path / "data"
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env={"YORUM_REDIS_URL": REDIS_URL})
    srv.start()
    listener = redis.Redis.from_url(REDIS_URL).pubsub()
    listener.subscribe("yorum:threads")
    try:
        assert listener.get_message(timeout=2)["type"] == "subscribe"  # type: ignore[index]
        events = first_event(srv, lambda: post(srv, "through redis"))
        assert events and events[0]["event"] == "changed"
        heard = []
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            message = listener.get_message(timeout=0.2)
            if message and message["type"] == "message":
                heard.append(message["data"])
        assert b"default\x1f/live" in heard
    finally:
        listener.close()
        srv.stop()


def test_with_redis_down_comments_are_taken_and_streams_go_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", env={"YORUM_REDIS_URL": closed})
    srv.start()
    try:
        events = first_event(srv, lambda: post(srv, "redis is down"))
        assert events and events[0]["event"] == "changed"  # heard through the database
    finally:
        srv.stop()
