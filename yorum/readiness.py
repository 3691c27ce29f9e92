"""Whether this process can serve: the database must answer; Redis, when set up, should.

Without the database nothing works, so the process is not ready. Without Redis yorum still
takes comments (rate limits count per process, live updates come from the database), so
it is ready but degraded. A failure is named by its kind only, never by its message,
which would carry the server's address.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from yorum.storage import Store

REDIS_TIMEOUT = 0.5  # seconds; a readiness probe must answer well inside its own timeout


@dataclass(frozen=True)
class Readiness:
    """The answer to a readiness probe: ``database`` and ``redis`` are ``ok`` or the kind
    of failure; ``redis`` is None when no Redis is set up."""

    database: str
    redis: str | None

    @property
    def ready(self) -> bool:
        """The database answers: the process can serve."""
        return self.database == "ok"

    @property
    def status(self) -> str:
        """``ready``, ``degraded`` (Redis is set up and does not answer) or ``not_ready``."""
        if not self.ready:
            return "not_ready"
        return "ready" if self.redis in (None, "ok") else "degraded"


def redis_failure(exc: Exception) -> str:
    """The kind of a Redis failure, fit to show anyone."""
    if isinstance(exc, redis.TimeoutError):
        return "timeout"
    if isinstance(exc, redis.AuthenticationError):
        return "auth_failed"
    if isinstance(exc, redis.ConnectionError):
        return "unreachable"
    return type(exc).__name__


class ReadinessProbe:
    """Pings the database and, when ``redis_url`` is set, Redis."""

    def __init__(self, store: Store, redis_url: str) -> None:
        self.store = store
        self._redis = (
            redis.Redis.from_url(
                redis_url,
                socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            if redis_url
            else None
        )

    def check(self) -> Readiness:
        """Ping both; never raises."""
        try:
            self.store.ping()
            database = "ok"
        except Exception as exc:  # any failure means "not ready"; its kind goes in the body
            database = type(exc).__name__
        return Readiness(database, self._ping_redis())

    def _ping_redis(self) -> str | None:
        if self._redis is None:
            return None
        try:
            self._redis.ping()
        except Exception as exc:  # any failure: degraded, whatever it was
            return redis_failure(exc)
        return "ok"

    def close(self) -> None:
        """Release the Redis connection."""
        if self._redis is not None:
            self._redis.close()
