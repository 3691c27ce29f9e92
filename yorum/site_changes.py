"""Hearing of site changes made by other processes, so each process's site cache stays true.

Every process keeps the sites it serves in memory (``SiteService``). On SQLite a change
token tells it at once when anything was committed anywhere. On PostgreSQL there is no
such token, so each ``yorum serve`` process runs ``follow`` beside the app: it listens on
the database's ``yorum_sites`` channel (writers ``NOTIFY`` in the transaction that changes
a site) or, with ``redis.url`` set, on Redis, where writers publish after the commit. A
change made through one process is then seen by all within milliseconds, instead of after
the cache's ten seconds.

With Redis set up, the database channel is not used even while Redis is down: Redis is
set up precisely where ``LISTEN`` may not work (PostgreSQL behind a transaction-pooling
proxy, which accepts ``LISTEN`` and never delivers). While nothing is heard the cache
falls back to keeping sites for ten seconds, and ``follow`` tries again every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from yorum.changes import SITES_CHANNEL, RedisChanges
from yorum.sites import SiteService
from yorum.storage import Store
from yorum.storage.sites import CHANNEL

log = logging.getLogger("yorum.site_changes")

RETRY_SECONDS = 2.0


async def follow(
    sites: SiteService, store: Store, changes: RedisChanges | None, stop: asyncio.Event
) -> None:
    """Tell ``sites`` of every change other processes make, until ``stop`` is set."""
    if store.has_change_token:
        return  # SQLite: the change token already tells
    while not stop.is_set():
        source: AsyncIterator[str]
        if changes is not None:
            source = changes.messages(SITES_CHANNEL, connected=lambda: sites.listening(True))
        else:
            source = store.notifications(CHANNEL, connected=lambda: sites.listening(True))
        try:
            async for site_id in source:
                sites.heard(site_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any failure: fall back to the short cache, try again
            log.warning("not hearing of other processes' site changes: %s", type(exc).__name__)
        finally:
            sites.listening(False)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
