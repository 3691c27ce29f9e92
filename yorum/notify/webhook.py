"""Webhooks: each site's endpoints, and events POSTed to them signed the Standard Webhooks way.

An event goes out as one JSON POST (``{"type", "timestamp", "data"}``) with three headers:
``webhook-id`` (the message's id, the same on every retry, so a receiver can drop
duplicates), ``webhook-timestamp`` (Unix seconds at sending) and ``webhook-signature``
(``v1,`` and the base64 HMAC-SHA256 of ``"{id}.{timestamp}.{body}"``, keyed with the
endpoint's secret). Any Standard Webhooks library verifies them.

``Webhooks`` manages the endpoints (every change audited); ``WebhookSender`` delivers and
tells the outbox worker, through ``DeliveryFailed.retry``, whether trying later may help.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx2 as httpx
import orjson

from yorum import __version__
from yorum.errors import Invalid, NotFound, UnknownSite
from yorum.models import Webhook
from yorum.notify import DeliveryFailed
from yorum.settings import NotifySettings
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import sites as site_rows
from yorum.storage import webhooks as hook_rows

EVENT_TYPES = ("comment.created", "comment.held", "comment.approved", "comment.reported")
"""The events a webhook can take; ``*`` in a webhook's events stands for all of them."""

MAX_URL = 2000  # characters, as the webhooks table stores them
SECRET_PREFIX = "whsec_"
_EXCERPT_BYTES = 1024  # read at most this much of a receiver's answer
_EXCERPT_CHARS = 200  # and quote at most this much of it in a failure's message


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _key(secret: str) -> bytes:
    """The HMAC key a secret stands for: the base64 after ``whsec_``, decoded."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header for a message: ``v1,<base64 HMAC-SHA256>``.

    The HMAC covers ``"{msg_id}.{timestamp}.{body}"`` and is keyed with the decoded
    secret, as the Standard Webhooks specification says. ``ValueError`` if the secret is
    not ``whsec_`` and base64.
    """
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def wants(hook: Webhook, event_type: str) -> bool:
    """Whether an endpoint takes this event: it is active and lists the type, or ``*``."""
    return hook.active and ("*" in hook.events or event_type in hook.events)


def check_url(url: str) -> str:
    """The URL, stripped, if events may be posted to it; ``Invalid(field="url")`` if not."""
    url = url.strip()
    if not url:
        raise Invalid("Give the URL the events are posted to.", field="url")
    if len(url) > MAX_URL:
        raise Invalid(
            f"A webhook URL is at most {MAX_URL} characters.", field="url", code="too_long"
        )
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise Invalid("A webhook URL has no spaces or control characters.", field="url")
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise Invalid(f"{url!r} is not an http:// or https:// URL.", field="url")
    if "@" in parts.netloc:
        raise Invalid(
            "A webhook URL carries no user name or password: the receiver checks the "
            "signature instead.",
            field="url",
        )
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not one
    except ValueError:
        raise Invalid(f"{url!r} has an invalid port.", field="url") from None
    if parts.fragment:
        raise Invalid("A webhook URL has no #fragment: it is never sent.", field="url")
    return url


def check_events(events: Sequence[str]) -> tuple[str, ...]:
    """The event types chosen (entries may be comma-separated), or ``("*",)`` for all.

    ``Invalid(field="events")`` if none is chosen or one is unknown.
    """
    if isinstance(events, str):
        events = (events,)
    chosen = [e.strip() for entry in events for e in entry.split(",") if e.strip()]
    if not chosen:
        raise Invalid("Choose at least one event type, or '*' for all.", field="events")
    for event in chosen:
        if event != "*" and event not in EVENT_TYPES:
            raise Invalid(
                f"Unknown event type {event!r}; the types are {', '.join(EVENT_TYPES)} "
                "(or '*' for all).",
                field="events",
            )
    return ("*",) if "*" in chosen else tuple(dict.fromkeys(chosen))


def _described(hook: Webhook) -> str:
    """A webhook as the audit log names it."""
    return f"webhook {hook.id} {hook.url} ({','.join(hook.events)})"


class Webhooks:
    """A site's webhook endpoints: added with a fresh secret, listed, switched, removed.

    Every change goes to the site's audit log.
    """

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def add(self, site_id: str, url: str, events: Sequence[str] = ("*",), *, actor: str) -> Webhook:
        """Add an endpoint for some (or ``*``, all) event types; returns it, secret included.

        Raises ``Invalid`` for a bad URL or an unknown event type, ``UnknownSite``.
        """
        url = check_url(url)
        chosen = check_events(events)
        now = self.clock()
        with self.store.write() as tx:
            if site_rows.get(tx, site_id) is None:
                raise UnknownSite(f"There is no site {site_id!r}.", field="site")
            hook = hook_rows.add(
                tx, site_id=site_id, url=url, secret=new_secret(), events=chosen, now=now
            )
            audit_rows.record(
                tx, site_id=site_id, actor=actor, action="webhook add",
                reason=_described(hook), at=now,
            )  # fmt: skip
        return hook

    def list(self, site_id: str) -> list[Webhook]:
        """The site's endpoints, oldest first; ``UnknownSite`` if there is no such site."""
        with self.store.read() as tx:
            if site_rows.get(tx, site_id) is None:
                raise UnknownSite(f"There is no site {site_id!r}.", field="site")
            return hook_rows.list_for_site(tx, site_id)

    def get(self, hook_id: int) -> Webhook:
        """The endpoint with this id; ``NotFound`` if there is none."""
        with self.store.read() as tx:
            hook = hook_rows.get(tx, hook_id)
        if hook is None:
            raise NotFound(f"There is no webhook {hook_id}.", field="id")
        return hook

    def remove(self, site_id: str, hook_id: int, *, actor: str) -> None:
        """Delete a site's endpoint; ``NotFound`` if the site has no such endpoint."""
        now = self.clock()
        with self.store.write() as tx:
            hook = hook_rows.get(tx, hook_id)
            if hook is None or not hook_rows.remove(tx, site_id, hook_id):
                raise NotFound(f"Site {site_id!r} has no webhook {hook_id}.", field="id")
            audit_rows.record(
                tx, site_id=site_id, actor=actor, action="webhook remove",
                reason=_described(hook), at=now,
            )  # fmt: skip

    def set_active(self, site_id: str, hook_id: int, active: bool, *, actor: str) -> Webhook:
        """Switch a site's endpoint on or off (an inactive one is sent nothing)."""
        now = self.clock()
        with self.store.write() as tx:
            if not hook_rows.set_active(tx, site_id, hook_id, active):
                raise NotFound(f"Site {site_id!r} has no webhook {hook_id}.", field="id")
            hook = hook_rows.get(tx, hook_id)
            assert hook is not None  # updated just now, in this transaction
            audit_rows.record(
                tx, site_id=site_id, actor=actor,
                action="webhook enable" if active else "webhook disable",
                reason=_described(hook), at=now,
            )  # fmt: skip
        return hook


def event_body(event_type: str, payload: Mapping[str, Any], occurred: float) -> bytes:
    """The JSON an endpoint receives: ``{"type", "timestamp", "data"}``, compact UTF-8.

    ``timestamp`` is ISO 8601 in UTC with milliseconds, as yorum's API writes times.
    """
    stamp = datetime.fromtimestamp(occurred, UTC).isoformat(timespec="milliseconds")
    message = {"type": event_type, "timestamp": stamp.replace("+00:00", "Z"), "data": dict(payload)}
    return orjson.dumps(message)


class WebhookSender:
    """POSTs signed events to endpoints over one HTTP client, and judges the answers.

    Redirects are not followed (an endpoint gives its final URL); the whole exchange must
    end within ``notify.webhook_timeout`` seconds. ``transport`` replaces the network in
    tests; ``clock`` gives the ``webhook-timestamp``.
    """

    def __init__(
        self,
        settings: NotifySettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.timeout = settings.webhook_timeout
        self.clock = clock
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            headers={"User-Agent": f"yorum/{__version__}"},
            transport=transport,
        )

    async def deliver(
        self,
        hook: Webhook,
        *,
        msg_id: str,
        event_type: str,
        payload: Mapping[str, Any],
        timestamp: int | None = None,
        occurred: float | None = None,
    ) -> int:
        """Send one event to one endpoint; returns the HTTP status when it is 2xx.

        ``msg_id`` must stay the same on every retry of a message. ``timestamp`` (Unix
        seconds, default now) is the sending time the signature covers; ``occurred`` is
        when the event happened, the body's ``timestamp`` (default: the sending time).

        Raises ``DeliveryFailed`` with ``retry=True`` for a network error, a timeout, 408,
        429, 5xx or a temporary redirect; with ``retry=False`` for 410 and any other 4xx,
        a permanent redirect, a URL that cannot be posted to, or a secret that is not
        ``whsec_`` and base64.
        """
        sent = int(self.clock()) if timestamp is None else timestamp
        body = event_body(event_type, payload, sent if occurred is None else occurred)
        try:
            signature = sign(hook.secret, msg_id, sent, body)
        except ValueError as exc:
            raise DeliveryFailed(f"the endpoint's secret is unusable: {exc}", retry=False) from exc
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(sent),
            "webhook-signature": signature,
            "content-type": "application/json",
        }
        try:
            # httpx's timeout is per read; this one bounds a receiver that trickles bytes.
            async with asyncio.timeout(self.timeout):
                request = self.client.stream("POST", hook.url, content=body, headers=headers)
                async with request as response:
                    excerpt = await _excerpt(response)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise DeliveryFailed(f"cannot post to this URL: {exc}", retry=False) from exc
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise DeliveryFailed(f"no answer within {self.timeout} s", retry=True) from exc
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise DeliveryFailed(f"could not reach the endpoint: {reason}", retry=True) from exc
        return _judge(response, excerpt)

    async def aclose(self) -> None:
        """Close the HTTP client and its connections."""
        await self.client.aclose()

    async def __aenter__(self) -> WebhookSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _excerpt(response: httpx.Response) -> str:
    """The start of the answer's body, on one line, for a failure's message."""
    received = bytearray()
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) >= _EXCERPT_BYTES:
            break
    text = " ".join(received[:_EXCERPT_BYTES].decode("utf-8", "replace").split())
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + "…"


def _judge(response: httpx.Response, excerpt: str) -> int:
    """The status if it is 2xx; else ``DeliveryFailed`` saying whether to try again."""
    status = response.status_code
    if 200 <= status < 300:
        return status
    said = f"HTTP {status} {response.reason_phrase}".rstrip() + (f": {excerpt}" if excerpt else "")
    if 300 <= status < 400:
        location = response.headers.get("location")
        raise DeliveryFailed(
            f"{said} (redirect{f' to {location}' if location else ''}; yorum follows no "
            "redirects, so give the endpoint's final URL)",
            retry=status not in (301, 308),  # a temporary redirect may end
        )
    raise DeliveryFailed(said, retry=status in (408, 429) or status >= 500)
