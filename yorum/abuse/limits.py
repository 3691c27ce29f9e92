"""Rate limits on posting, per client and per thread, kept by the ``limits`` library.

Limits are strings like ``5/10 seconds; 20/minute`` (every part must hold). Counts live in
this process, or in Redis when ``redis.url`` is set, so that every process of an install
counts together. When Redis cannot be reached the limits fall back to this process's
memory for a while and the server keeps serving.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from yorum.errors import RateLimited

log = logging.getLogger(__name__)

_RETRY_SHARED = 30.0  # seconds before trying Redis again after it failed


def parse(text: str) -> list[RateLimitItem]:
    """The limits a setting names; none for an empty string."""
    return list(parse_many(text)) if text.strip() else []


class PostLimits:
    """How often a client may post, and how fast a thread takes comments."""

    def __init__(
        self,
        client_rate: str,
        thread_rate: str,
        redis_url: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_items = parse(client_rate)
        self.thread_items = parse(thread_rate)
        self.clock = clock
        self._memory_storage = MemoryStorage()
        self._memory = MovingWindowRateLimiter(self._memory_storage)
        self._shared_storage: Storage | None = None
        self._shared: MovingWindowRateLimiter | None = None
        if redis_url:
            self._shared_storage = RedisStorage(
                redis_url,
                key_prefix="yorum",
                wrap_exceptions=True,
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
            )
            self._shared = MovingWindowRateLimiter(self._shared_storage)
        self._shared_down_until = 0.0

    @property
    def shared(self) -> bool:
        """Whether the counts are currently kept in Redis."""
        return self._shared is not None and self.clock() >= self._shared_down_until

    def hit(self, client_key: str, thread_key: str) -> None:
        """Count one post by ``client_key`` to ``thread_key``, or raise ``RateLimited``."""
        self._take(self.client_items, "client", client_key, "You post comments too often")
        self._take(
            self.thread_items, "thread", thread_key, "This thread takes comments too quickly"
        )

    def attempts(self, site_id: str) -> int:
        """Count one comment attempt on the site and return this minute's count so far."""
        minute = int(time.time() // 60)
        key = f"attempts/{site_id}/{minute}"
        return int(self._with_storage(lambda storage: storage.incr(key, 120)))

    def _take(self, items: Sequence[RateLimitItem], kind: str, key: str, what: str) -> None:
        if not items:
            return

        def take(limiter: MovingWindowRateLimiter) -> None:
            for item in items:
                if not limiter.test(item, kind, key):
                    reset = limiter.get_window_stats(item, kind, key).reset_time
                    wait = max(1, math.ceil(reset - time.time()))
                    raise RateLimited(f"{what}; please wait {wait} s.", retry_after=wait)
            for item in items:
                limiter.hit(item, kind, key)

        self._with_limiter(take)

    def _with_limiter(self, work: Callable[[MovingWindowRateLimiter], None]) -> None:
        if self._shared is not None and self.shared:
            try:
                work(self._shared)
                return
            except RateLimited:
                raise
            except Exception as exc:  # Redis is away: count here for a while, keep serving
                self._shared_failed(exc)
        work(self._memory)

    def _with_storage(self, work: Callable[[Storage], int]) -> int:
        if self._shared_storage is not None and self.shared:
            try:
                return work(self._shared_storage)
            except Exception as exc:
                self._shared_failed(exc)
        return work(self._memory_storage)

    def _shared_failed(self, exc: Exception) -> None:
        if self.clock() >= self._shared_down_until:
            log.warning("rate limits: Redis unreachable (%s); counting per process for now", exc)
        self._shared_down_until = self.clock() + _RETRY_SHARED
