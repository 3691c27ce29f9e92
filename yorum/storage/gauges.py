"""Numbers for monitoring: queue lengths and the outbox, read when metrics are scraped,
and the connection pool's use, reported as connections are taken and given back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import distinct, event, func, select

from yorum.models import Status
from yorum.storage import Store, Tx
from yorum.storage.outbox import DEAD, PENDING
from yorum.storage.tables import comments, outbox, reports, sites, threads


@dataclass(frozen=True)
class Backlog:
    """What waits: per site, comments held for a moderator and comments reported;
    per channel, outbox messages still to deliver and dead ones; the oldest waiting."""

    sites: list[str]
    pending: dict[str, int]
    reported: dict[str, int]
    undelivered: dict[str, int]
    dead: dict[str, int]
    oldest_undelivered: float | None  # created_at of the oldest undelivered message


def backlog(tx: Tx) -> Backlog:
    """Read the backlog: one query each, every one led by an index (pending comments
    through the index on thread and status)."""
    pending = tx.execute(
        select(threads.c.site_id, func.count())
        .select_from(threads.join(comments, comments.c.thread_id == threads.c.id))
        .where(comments.c.status == Status.PENDING.value)
        .group_by(threads.c.site_id)
    )
    reported = tx.execute(
        select(threads.c.site_id, func.count(distinct(reports.c.comment_id)))
        .select_from(
            reports.join(comments, comments.c.id == reports.c.comment_id).join(
                threads, comments.c.thread_id == threads.c.id
            )
        )
        .where(comments.c.status != Status.DELETED.value)
        .group_by(threads.c.site_id)
    )
    by_channel = tx.execute(
        select(outbox.c.status, outbox.c.channel, func.count(), func.min(outbox.c.created_at))
        .where(outbox.c.status.in_([PENDING, DEAD]))
        .group_by(outbox.c.status, outbox.c.channel)
    )
    undelivered: dict[str, int] = {}
    dead: dict[str, int] = {}
    oldest: float | None = None
    for status, channel, count, first in by_channel:
        if status == PENDING:
            undelivered[channel] = int(count)
            oldest = first if oldest is None else min(oldest, first)
        else:
            dead[channel] = int(count)
    return Backlog(
        sites=[str(site) for site in tx.execute(select(sites.c.id)).scalars()],
        pending={site: int(n) for site, n in pending},
        reported={site: int(n) for site, n in reported},
        undelivered=undelivered,
        dead=dead,
        oldest_undelivered=oldest,
    )


def watch_pool(store: Store, report: Callable[[int, int, int], None]) -> None:
    """Call ``report(size, checked_out, overflow)`` whenever a connection of ``store``'s
    pool is taken or given back, and once now."""
    pool: Any = store.engine.pool

    def usage(*_args: Any) -> None:
        report(pool.size(), pool.checkedout(), max(0, pool.overflow()))

    event.listen(pool, "checkout", usage)
    event.listen(pool, "checkin", usage)
    usage()
