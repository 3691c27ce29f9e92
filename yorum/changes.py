"""Telling other processes, through Redis, that a thread or a site changed.

Threads for live updates; sites so that every process drops its cached copy of a site
whose settings changed.

Without Redis, processes learn of changes from the database itself (SQLite's change
probe, PostgreSQL's ``LISTEN``). With ``redis.url`` set, writers also publish each changed
thread on a Redis channel and every process subscribes to it: the way to go when
``LISTEN`` is not available (PostgreSQL behind a transaction-pooling proxy, say) or to
spare the database the listeners. Publishing is best effort: a comment is stored and
acknowledged whether or not Redis answers, and live updates then fall back to the
database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable

import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger("yorum.changes")

CHANNEL = "yorum:threads"
SITES_CHANNEL = "yorum:sites"
_SEPARATOR = "\x1f"  # cannot occur in a site id or a URI: both refuse control characters


class RedisChanges:
    """Publishes and hears ``(site, uri)`` of changed threads, and ids of changed sites."""

    PAUSE_SECONDS = 5.0  # after a failure, how long posts skip Redis instead of waiting on it

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
        )
        self._paused_until = 0.0

    def publish(self, site_id: str, uri: str) -> None:
        """Announce that a thread changed; a Redis failure is logged, never raised."""
        self._publish(CHANNEL, f"{site_id}{_SEPARATOR}{uri}")

    def publish_site(self, site_id: str) -> None:
        """Announce that a site's settings changed; a Redis failure is logged, never raised."""
        self._publish(SITES_CHANNEL, site_id)

    def _publish(self, channel: str, message: str) -> None:
        if time.monotonic() < self._paused_until:
            return
        try:
            self._client.publish(channel, message)
        except redis.RedisError as exc:
            self._paused_until = time.monotonic() + self.PAUSE_SECONDS
            log.warning("could not announce a change through Redis: %s", exc)

    async def changes(self) -> AsyncIterator[tuple[str, str]]:
        """``(site, uri)`` of each change announced by any process, as they come.

        Raises ``ConnectionError`` when Redis cannot be reached or goes away.
        """
        async for text in self.messages(CHANNEL):
            site_id, _, uri = text.partition(_SEPARATOR)
            yield site_id, uri

    async def messages(
        self, channel: str, connected: Callable[[], None] | None = None
    ) -> AsyncIterator[str]:
        """Each message published on ``channel`` by any process, as they come.

        ``connected`` is called once the subscription holds. Raises ``ConnectionError``
        when Redis cannot be reached or goes away.
        """
        client = redis.asyncio.Redis.from_url(
            self.url, socket_connect_timeout=2, retry=AsyncRetry(NoBackoff(), 0)
        )
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel)
                async for message in pubsub.listen():
                    kind = message.get("type")
                    if kind == "message":
                        yield message["data"].decode("utf-8", "replace")
                    elif kind == "subscribe" and connected is not None:
                        connected()
        except redis.RedisError as exc:
            raise ConnectionError(f"Redis: {exc}") from exc
        finally:
            await client.aclose()

    def close(self) -> None:
        """Release the publishing connection."""
        self._client.close()
