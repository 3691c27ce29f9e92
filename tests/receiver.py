"""A real webhook receiver for tests: an HTTP server on a free loopback port.

It records every request, checks each signature as a third party would (with the
``standardwebhooks`` package, not yorum's code) and answers from a script::

    def test_retries(receiver):
        receiver.secret = hook.secret          # verify with the endpoint's secret
        receiver.script(500, 500, 200)         # then 200 for every further request
        ...
        assert [r.status for r in receiver.requests] == [500, 500, 200]
        assert all(r.verified for r in receiver.requests)

A request whose signature does not verify is answered 401, as a careful receiver would,
and recorded with the reason. Tests use it through the ``receiver`` fixture (registered
for every test by ``pytest_plugins`` in tests/conftest.py), which stops the server after
the test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook as Verifier
from standardwebhooks import WebhookVerificationError


@dataclass(frozen=True)
class Answer:
    """What the receiver answers one request with."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to outlast a timeout)


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    verified: bool  # a secret was set and the signature matched
    error: str  # why verification failed; empty when it passed or was not tried
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """The server, its script of answers and its record of requests."""

    def __init__(self) -> None:
        self.secret: str | None = None  # None: accept every request unverified
        self.requests: list[Received] = []
        self._script: list[Answer] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port: int = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def script(self, *answers: int | Answer) -> None:
        """Answer the next requests with these (statuses or ``Answer``s), then 200."""
        with self._lock:
            self._script = [a if isinstance(a, Answer) else Answer(a) for a in answers]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that are sleeping through a delay
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _next(self) -> Answer:
        with self._lock:
            return self._script.pop(0) if self._script else Answer()

    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
        """Whether the signature verifies, and if it does not, why ('' without a secret)."""
        if self.secret is None:
            return False, ""
        try:
            Verifier(self.secret).verify(body, headers)
        except WebhookVerificationError as exc:
            return False, str(exc) or "verification failed"
        return True, ""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified, error = receiver._verify(body, headers)
                answer = Answer(401, b"bad signature") if error else receiver._next()
                with receiver._lock:
                    receiver.requests.append(
                        Received("POST", self.path, headers, body, verified, error, answer.status)
                    )
                if answer.delay and receiver._stopping.wait(answer.delay):
                    return
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:  # the sender gave up waiting and hung up
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running receiver on 127.0.0.1; stopped after the test."""
    server = Receiver()
    server.start()
    yield server
    server.stop()
