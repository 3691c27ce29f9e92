"""Form stamps: when the plain (no-JavaScript) comment form was shown, signed.

The page puts a stamp in a hidden field; on submit the server learns from it how long the
reader had the form in front of them, and refuses forms sent back faster than a person
writes. A stamp is ``<unix time>.<site>.<hmac>`` and cannot be made up without the key.
"""

from __future__ import annotations

import hashlib
import hmac


class FormStamps:
    """Signs and reads the render times of the plain page's comment forms."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def issue(self, site_id: str, now: float) -> str:
        """A stamp saying the form for ``site_id`` is shown at ``now``."""
        body = f"{int(now)}.{site_id}"
        return f"{body}.{self._sign(body)}"

    def shown_at(self, stamp: str, site_id: str) -> float | None:
        """When the form carrying ``stamp`` was shown, or None if the stamp is not genuine."""
        body, _, signature = stamp.rpartition(".")
        when, _, site = body.partition(".")
        if site != site_id or not when.isdigit() or len(stamp) > 200:
            return None
        if not hmac.compare_digest(self._sign(body), signature):
            return None
        return float(when)

    def _sign(self, body: str) -> str:
        return hmac.new(self.key, b"form " + body.encode(), hashlib.sha256).hexdigest()[:32]
