"""Rate limits: how often one client may do a thing, as token buckets held in memory.

A bucket holds up to ``burst`` tokens and refills at ``per_minute`` tokens a minute; each
hit takes one. Keys are whatever the caller counts by (yorum passes the keyed hash of the
client's address, never the address). The buckets live in this process: with several
worker processes each keeps its own, so a client gets up to that many times the rate.
"""

from __future__ import annotations

import math
import threading

from yorum.errors import RateLimited

_MAX_KEYS = 100_000  # beyond this, buckets that have refilled completely are forgotten


class RateLimiter:
    """Token buckets of one kind of action, keyed by client."""

    def __init__(self, per_minute: int, burst: int, what: str) -> None:
        self.rate = per_minute / 60.0  # tokens a second; 0 switches the limit off
        self.burst = max(1, burst)
        self.what = what
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, as of when)
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> None:
        """Take a token for ``key``, or raise ``RateLimited`` saying when one will be there."""
        if self.rate <= 0:
            return
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise RateLimited(
                    f"You {self.what} too often; please wait {wait} s.", retry_after=wait
                )
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > _MAX_KEYS:
                self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, (tokens, since) in self._buckets.items()
            if tokens + (now - since) * self.rate >= self.burst
        ]
        for key in full:
            del self._buckets[key]
