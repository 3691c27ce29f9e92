"""The reference deployment, run for real: the shipped nginx site file over TLS in front of
two ``yorum serve`` processes that share one PostgreSQL database and one Redis.

What an operator counts on: a comment written through one process is seen through the
other at once and on its live streams; rate limits count both processes together; a
process killed mid-load loses no acknowledged comment and nginx goes on with the other;
a process told to stop finishes what it was doing, exits 0, and nginx moves on.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable

import httpx2 as httpx
import pytest

from tests.deploy.conftest import THREAD, Cluster
from tests.servers import Server
from tests.test_live import read_events

pytestmark = pytest.mark.deployment

PARAMS = {"site": "default", "uri": THREAD}
LOG_LINE = re.compile(r'"(\w+) (\S+)" (\d+) .* upstream=(.*) status=(.*)$')


def comment(text: str) -> dict[str, str]:
    return {**PARAMS, "text": text}


def served_by(cluster: Cluster, method: str = "POST") -> list[tuple[int, str]]:
    """(status, the process that answered last) for each logged request of ``method``."""
    ports = {str(cluster.a.port): "a", str(cluster.b.port): "b"}
    found = []
    for line in cluster.nginx.log_lines():
        match = LOG_LINE.search(line)
        if match and match.group(1) == method:
            last = match.group(4).split(",")[-1].strip()
            found.append((int(match.group(3)), ports.get(last.rpartition(":")[2], last)))
    return found


def open_stream(server: Server) -> tuple[httpx.Client, list[dict[str, str]], threading.Thread]:
    """A live stream on ``server`` directly, read by a thread; returns once it is open."""
    client = httpx.Client(timeout=httpx.Timeout(10, read=30))
    response = client.send(
        client.build_request("GET", f"{server.url}/api/events", params=PARAMS), stream=True
    )
    events: list[dict[str, str]] = []
    ready = threading.Event()
    reader = threading.Thread(target=read_events, args=(response, events, ready), daemon=True)
    reader.start()
    assert ready.wait(10), "the stream opened"
    return client, events, reader


def test_a_comment_through_one_process_is_seen_by_the_other_at_once(
    shared_cluster: Cluster,
) -> None:
    cluster = shared_cluster
    a, b = cluster.a, cluster.b
    with httpx.Client(timeout=10) as direct:
        assert direct.get(f"{b.url}/api/thread", params=PARAMS).json()["comments"] == []
        client, events, _ = open_stream(b)
        posted = direct.post(f"{a.url}/api/comments", json=comment("written through A"))
        posted_at = time.monotonic()
        assert posted.status_code == 201, posted.text
        new_id = posted.json()["comment"]["id"]
        listed = direct.get(f"{b.url}/api/thread", params=PARAMS).json()
        assert [c["id"] for c in listed["comments"]] == [new_id], "B's cached page is not stale"
        while not events and time.monotonic() - posted_at < 2:
            time.sleep(0.02)
        client.close()
    assert events and events[0]["event"] == "changed", "B's live stream heard within 2 s"
    with cluster.client() as through_nginx:
        for _ in range(4):  # round robin: both processes answer
            page = through_nginx.get("/api/thread", params=PARAMS).json()
            assert [c["id"] for c in page["comments"]] == [new_id]
    assert {who for _, who in served_by(cluster, "GET")} == {"a", "b"}


def test_nginx_speaks_tls_adds_its_headers_once_and_forwards_the_scheme(
    shared_cluster: Cluster,
) -> None:
    cluster = shared_cluster
    plain = httpx.get(f"http://127.0.0.1:{cluster.nginx.http_port}/t/default?uri=/deploy")
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://127.0.0.1/t/default?uri=/deploy"
    with cluster.client() as client:
        api = client.get("/api/thread", params=PARAMS)
        page = client.get("/t/default", params={"uri": THREAD})
        for response in (api, page):
            assert response.status_code == 200
            assert response.headers.get_list("strict-transport-security") == ["max-age=63072000"]
            assert response.headers.get_list("x-content-type-options") == ["nosniff"]
            assert response.headers["server"] == "nginx"  # no version
        # yorum's own page headers pass through once, untouched.
        assert len(page.headers.get_list("content-security-policy")) == 1
        assert page.headers["referrer-policy"] == "same-origin"
        # X-Forwarded-Proto is trusted (server.forwarded_allow_ips): links say https.
        feed = client.get("/api/feeds/thread", params=PARAMS)
        assert 'rel="self" href="https://127.0.0.1/api/feeds/thread' in feed.text
        # yorum's compression passes through; nginx does not compress again.
        widget = client.get("/embed.js", headers={"accept-encoding": "br"})
        assert widget.headers["content-encoding"] == "br"
        # Over the body limit: nginx refuses first, with yorum's own problem body ...
        big = b'{"text": "' + b"x" * 70_000 + b'"}'
        headers = {"content-type": "application/json"}
        refused = client.post("/api/comments", content=big, headers=headers)
        direct = httpx.post(f"{cluster.a.url}/api/comments", content=big, headers=headers)
        assert refused.status_code == direct.status_code == 413
        assert refused.json()["error"] == direct.json()["error"] == "payload_too_large"
        # ... while a body under it reaches yorum, which judges the text.
        long = client.post("/api/comments", json=comment("y" * 60_000))
        assert long.status_code == 422 and long.json()["field"] == "text"


def test_rate_limits_count_both_processes_together(cluster_with: Callable[..., Cluster]) -> None:
    cluster = cluster_with(YORUM_ABUSE_CLIENT_RATE="4/minute")
    statuses = []
    with cluster.client() as client:
        for i in range(10):
            # A forged X-Forwarded-For changes nothing: nginx sends the real address.
            forged = {"x-forwarded-for": f"198.51.100.{i}"}
            response = client.post("/api/comments", json=comment(f"post {i}"), headers=forged)
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert response.json()["error"] == "rate_limited"
    assert statuses == [201] * 4 + [429] * 6
    accepted_by = {who for status, who in served_by(cluster) if status == 201}
    assert accepted_by == {"a", "b"}, "the posts alternated between the processes"


def test_a_killed_process_loses_no_acknowledged_comment_and_nginx_fails_over(
    cluster: Cluster,
) -> None:
    results: list[tuple[float, int, str]] = []  # (answered at, status or 0, text)
    stop = threading.Event()

    def load(worker: int) -> None:
        with cluster.client() as client:
            while not stop.is_set():
                text = f"load {worker} {uuid.uuid4().hex}"
                try:
                    status = client.post("/api/comments", json=comment(text)).status_code
                except httpx.TransportError:  # nginx cut the answer: A died mid-response
                    status = 0
                results.append((time.monotonic(), status, text))

    loaders = [threading.Thread(target=load, args=(i,)) for i in range(2)]
    for loader in loaders:
        loader.start()
    try:
        deadline = time.monotonic() + 15
        while sum(s == 201 for _, s, _ in results) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        cluster.a.process.kill()  # type: ignore[union-attr]
        cluster.a.process.wait()  # type: ignore[union-attr]
        killed_at = time.monotonic()
        deadline = killed_at + 10
        while sum(t > killed_at and s == 201 for t, s, _ in results) < 30:
            assert time.monotonic() < deadline, "posts go on succeeding after the kill"
            time.sleep(0.02)
    finally:
        stop.set()
        for loader in loaders:
            loader.join()
    summary = f"{Counter(s for _, s, _ in results)}; log: {served_by(cluster)[-30:]}"
    acknowledged = [text for _, status, text in results if status == 201]
    stored = Counter(cluster.stored_texts())
    assert not [t for t in acknowledged if stored[t] != 1], "every acknowledged comment is kept"
    assert max(stored.values()) == 1, "no POST was sent to a second process after the first"
    # The posts in flight at the kill fail (not acknowledged: a client sends them again).
    assert {status for _, status, _ in results} <= {201, 502, 0}, summary
    after = [status for t, status, _ in results if t > killed_at]
    assert after[-20:] == [201] * 20, summary
    assert len(after) - after.count(201) <= 4, summary
    assert {who for status, who in served_by(cluster)[-20:]} == {"b"}


def slow_post(port: int, body: bytes) -> socket.socket:
    """A POST whose headers and the first bytes of the body are sent; the rest is not."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    head = (
        f"POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body[:10])
    return sock


def answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON body of the response on ``sock`` (which the server closes)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_stopped_process_finishes_its_request_exits_0_and_nginx_moves_on(
    cluster: Cluster,
) -> None:
    a = cluster.a
    body = json.dumps(comment("sent slowly while A stops")).encode()
    sock = slow_post(a.port, body)
    client, _, reader = open_stream(a)  # opened after the POST's headers reached A
    a.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    stopped_at = time.monotonic()
    while not refuses_connections(a.port):
        assert time.monotonic() - stopped_at < 5, "A stops taking connections"
        time.sleep(0.02)
    with cluster.client() as through_nginx:
        for i in range(6):
            posted = through_nginx.post("/api/comments", json=comment(f"while A stops {i}"))
            assert posted.status_code == 201, posted.text
            assert through_nginx.get("/api/thread", params=PARAMS).status_code == 200
    assert [who for _, who in served_by(cluster)] == ["b"] * 6
    reader.join(5)
    assert not reader.is_alive(), "A's live stream ended"
    assert time.monotonic() - stopped_at < 5
    client.close()
    assert a.process.poll() is None, "A waits for the request in progress"  # type: ignore[union-attr]
    sock.sendall(body[10:])
    status, data = answer(sock)
    sock.close()
    assert status == 201 and data["comment"]["id"]  # type: ignore[index]
    assert a.process.wait(timeout=15) == 0  # type: ignore[union-attr]
    assert "sent slowly while A stops" in cluster.stored_texts()
