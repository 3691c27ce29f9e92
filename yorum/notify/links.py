"""Signed, expiring links in mails: moderate a comment, confirm an address, unsubscribe.

A link carries everything it acts on in its token, signed with a key derived from the
install secret, so nothing needs storing and nobody can forge one. The token is
``<base64url JSON>.<base64url HMAC-SHA256>``; the JSON holds the purpose, the expiry and
the purpose's fields. Links open a confirmation page; the action itself happens on POST,
so mail scanners that fetch every link change nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from yorum.errors import Invalid, LinkExpired

MODERATE, CONFIRM, UNSUBSCRIBE, READER = "moderate", "confirm", "unsubscribe", "reader"
PATHS = {
    MODERATE: "/notify/moderate",
    CONFIRM: "/notify/confirm",
    UNSUBSCRIBE: "/notify/unsubscribe",
    READER: "/privacy/data",  # a reader's own data: export it, or erase it
}
MAX_TOKEN = 2048


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Links:
    """Makes and reads the signed links of mails."""

    def __init__(
        self,
        key: bytes,
        base_url: str,
        ttl: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.ttl = ttl
        self.clock = clock

    def token(self, purpose: str, ttl: float | None = None, **fields: Any) -> str:
        """A token for ``purpose`` carrying ``fields``, valid for ``ttl`` seconds."""
        body = {"p": purpose, "x": int(self.clock() + (self.ttl if ttl is None else ttl)), **fields}
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        signature = hmac.new(self.key, raw, hashlib.sha256).digest()
        return f"{_b64(raw)}.{_b64(signature)}"

    def url(self, purpose: str, ttl: float | None = None, **fields: Any) -> str:
        """The absolute URL of a link for ``purpose``."""
        token = self.token(purpose, ttl, **fields)
        return f"{self.base_url}{PATHS[purpose]}?{urlencode({'t': token})}"

    def read(self, token: str, purpose: str) -> dict[str, Any]:
        """The fields of a genuine, unexpired token for ``purpose``; ``Invalid`` otherwise."""
        try:
            raw_b64, sig_b64 = token.split(".")
            if len(token) > MAX_TOKEN:
                raise ValueError
            raw, signature = _unb64(raw_b64), _unb64(sig_b64)
        except ValueError:
            raise Invalid("This link is not complete.", field="t") from None
        expected = hmac.new(self.key, raw, hashlib.sha256).digest()
        if not hmac.compare_digest(signature, expected):
            raise Invalid("This link is not genuine.", field="t")
        body: dict[str, Any] = json.loads(raw)
        if body.get("p") != purpose:
            raise Invalid("This link is for something else.", field="t")
        if body["x"] < self.clock():
            raise LinkExpired("This link has expired.", field="t")
        return body
