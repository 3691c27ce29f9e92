"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, capturing every message it accepts.

Plain, STARTTLS or implicit TLS (with a certificate from a throw-away trustme CA), with or
without AUTH (LOGIN and PLAIN, one fixed user; mail only after logging in), refusing
chosen recipients, and able to stop and start again on the same port ("the mail server
is down for a while").

The fixtures, available to every test (tests/conftest.py loads this module as a plugin):

- ``smtp_server``: a plain server without login, already running;
- ``smtp_servers``: a factory, ``smtp_servers(security="starttls", auth=True)``.

``server.received`` holds what arrived (parsed with the default policy, line ends as
``\n``); ``server.mailer()`` is a ``Mailer`` set up for the server, trusting its CA;
``server.settings()`` the matching ``SmtpSettings`` for code that builds its own.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import functools
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers import free_port
from yorum.notify.mail import Mailer
from yorum.settings import SmtpSettings

# aiosmtpd logs a deprecation notice at every login and a line per garbled command (the
# tests that speak TLS to a plain server send those on purpose).
logging.getLogger("mail.log").setLevel(logging.ERROR)

HOST = "127.0.0.1"
USER = "mailer"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Received:
    """One message the server accepted: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


@functools.cache
def certificate_authority() -> trustme.CA:
    """One test CA for the whole run, with a certificate for 127.0.0.1 and localhost."""
    return trustme.CA()


class SmtpServer:
    """An aiosmtpd server in a thread; ``stop()`` and ``start()`` keep the same port."""

    def __init__(self, *, security: str = "none", auth: bool = False) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"security must be none, starttls or tls, not {security!r}")
        self.security, self.auth = security, auth
        self.host, self.port = HOST, free_port()
        self.received: list[Received] = []
        self.logins: list[str] = []
        # Recipients to refuse at RCPT TO, with the reply to give, e.g. "550 5.1.1 no such user".
        self.refuse: dict[str, str] = {}
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        ca = certificate_authority()
        self._server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST, "localhost").configure_cert(self._server_context)
        self.client_context = ssl.create_default_context()
        ca.configure_trust(self.client_context)

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen on the server's port (the same one after a ``stop()``)."""
        if self._controller is not None:
            return
        options: dict[str, Any] = {"server_hostname": "smtp.test", "ready_timeout": 10}
        if self.security == "starttls":
            options |= {"tls_context": self._server_context, "require_starttls": True}
        elif self.security == "tls":
            options["ssl_context"] = self._server_context
        if self.auth:
            # Implicit TLS is invisible to aiosmtpd's own check, so only STARTTLS asks it.
            options |= {
                "authenticator": self._authenticate,
                "auth_require_tls": self.security == "starttls",
            }
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far, oldest first."""
        with self._lock:
            return [r.message for r in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages, once at least ``count`` have arrived (or fail after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages arrived")
            time.sleep(0.02)
        return self.messages

    def settings(self, **changes: Any) -> SmtpSettings:
        """``SmtpSettings`` for this server (with the test user's login if it has AUTH)."""
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "sender": "Comments <comments@blog.example.org>",
            "timeout": 5,
        }
        if self.auth:
            values |= {"username": USER, "password": PASSWORD}
        return dataclasses.replace(SmtpSettings(), **(values | changes))

    def mailer(self, **changes: Any) -> Mailer:
        """A ``Mailer`` for this server that trusts the test CA."""
        return Mailer(self.settings(**changes), tls_context=self.client_context)

    def _record(self, envelope: Envelope) -> None:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        # Line ends as Python writes them, so tests compare bodies with plain strings.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        received = Received(envelope.mail_from or "", tuple(envelope.rcpt_tos), message)
        with self._lock:
            self.received.append(received)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == USER.encode()
            and data.password == PASSWORD.encode()
        )
        if ok:
            with self._lock:
                self.logins.append(USER)
        return AuthResult(success=ok, handled=False)


class _Handler:
    """aiosmtpd hooks: want a login if the server has AUTH, refuse the listed recipients,
    record every accepted message."""

    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.owner.auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        refusal = self.owner.refuse.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.owner._record(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_servers() -> Iterator[Callable[..., SmtpServer]]:
    """Start SMTP servers: ``smtp_servers(security="tls", auth=True)``; all stop at the end."""
    started: list[SmtpServer] = []

    def start(*, security: str = "none", auth: bool = False) -> SmtpServer:
        server = SmtpServer(security=security, auth=auth)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtp_server(smtp_servers: Callable[..., SmtpServer]) -> SmtpServer:
    """A plain SMTP server without login, running."""
    return smtp_servers()
