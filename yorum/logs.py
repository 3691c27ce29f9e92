"""yorum's log: structlog rendering every record, yorum's, uvicorn's and any library's,
as one JSON object a line (or aligned text) on standard error, with the request id.

``configure(settings.log)`` runs once in each process that serves or delivers (``yorum
serve`` and each of its worker processes, ``yorum worker``). The code keeps calling the
standard library's ``logging.getLogger("yorum...")``; a ``ProcessorFormatter`` on the root
handler turns those records into structlog events. ``bind_request_id`` puts the id of the
request being handled into a context variable, and every line written while handling it
carries ``request_id``.

Privacy: readers' e-mail addresses and the values of SQL statements never reach the log.
Code must not log comment text or client addresses in the first place; ``redact`` is the
net behind that rule for what third-party messages may carry (a mail server's refusal
naming the recipient, a database error quoting its parameters).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from yorum.settings import LogSettings

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# SQLAlchemy appends a statement's values to its errors; PostgreSQL's DETAIL may quote
# the values of a key. Either may hold a comment's text or an address.
_MARKS = ("@", "[parameters: ", "DETAIL: ")  # cheap tests before the regular expressions
_SQL_VALUES = re.compile(r"^(\[parameters: |DETAIL: ).*$", re.MULTILINE)


_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "yorum_request_id", default=None
)


def new_request_id() -> str:
    """A fresh request id: 16 random hex digits."""
    return os.urandom(8).hex()


def request_id_from(header: bytes | str | None) -> str:
    """The id a client or proxy sent, if it is well formed (up to 128 characters of
    letters, digits and ``._:+=/-``); otherwise a fresh one."""
    if header:
        text = header.decode("latin-1") if isinstance(header, bytes) else header
        if _REQUEST_ID.fullmatch(text):
            return text
    return new_request_id()


def bind_request_id(request_id: str | None) -> None:
    """Every log line written from here on in this context carries ``request_id``.

    A context variable of yorum's own (one ``set``, cheaper than structlog's binding,
    which matters on every request); ``add_request_id`` puts it on each line.
    """
    _request_id.set(request_id)


def add_request_id(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    """Add the id of the request being handled, if any."""
    request_id = _request_id.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def redact(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    """Mask e-mail addresses and SQL values in every string of the event."""
    for key, value in event_dict.items():
        if isinstance(value, str) and any(mark in value for mark in _MARKS):
            value = _SQL_VALUES.sub(r"\1(hidden)", value)
            event_dict[key] = _EMAIL.sub("(e-mail)", value)
    return event_dict


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_HANDLER_NAME = "yorum"


def configure(settings: LogSettings) -> None:
    """Route every log record through structlog to standard error, per ``settings``.

    Safe to call again: it replaces the handler it installed before and leaves others
    (a test runner's) alone.
    """
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if settings.format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,  # the traceback as a string, to redact
            redact,
            renderer,
        ],
    )
    handler = _Stderr()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level.upper())
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
