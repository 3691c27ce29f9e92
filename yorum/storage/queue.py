"""The admin's views of comments: the filtered, paged queue across sites, and daily stats."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from yorum.models import DayStats, QueueFilter, QueueItem, Status
from yorum.storage import Tx
from yorum.storage.comments import _comment
from yorum.storage.tables import comments, reports, threads

S = TypeVar("S", bound=Select[Any])


def _where(query: S, f: QueueFilter) -> S:
    sites = [f.site_id] if f.site_id and f.site_id in f.sites else list(f.sites)
    if f.site_id and f.site_id not in f.sites:
        sites = []
    query = query.where(threads.c.site_id.in_(sites))
    if f.status is None:
        query = query.where(comments.c.status != Status.DELETED.value)
    else:
        query = query.where(comments.c.status == f.status.value)
    if f.reported:
        query = query.where(comments.c.id.in_(select(reports.c.comment_id)))
    if f.uri:
        query = query.where(threads.c.uri == f.uri)
    if f.author:
        query = query.where(
            func.lower(comments.c.author).contains(f.author.lower(), autoescape=True)
        )
    if f.text:
        query = query.where(
            func.lower(comments.c.text_raw).contains(f.text.lower(), autoescape=True)
        )
    return query


def search(tx: Tx, f: QueueFilter) -> tuple[list[QueueItem], int]:
    """One page of the comments ``f`` selects (oldest first) and how many there are in all."""
    base = select(comments, threads.c.site_id, threads.c.uri, threads.c.title).join(
        threads, comments.c.thread_id == threads.c.id
    )
    rows = tx.execute(
        _where(base, f)
        .order_by(comments.c.created_at, comments.c.id)
        .offset(f.offset)
        .limit(f.limit)
    )
    items = [QueueItem(_comment(r), r.site_id, r.uri, r.title) for r in rows]
    counted = select(func.count()).select_from(
        comments.join(threads, comments.c.thread_id == threads.c.id)
    )
    total = int(tx.execute(_where(counted, f)).scalar_one())
    return items, total


def site_of(tx: Tx, comment_id: int) -> str | None:
    """The site a comment belongs to, or None when there is no such comment."""
    row = tx.execute(
        select(threads.c.site_id)
        .join(comments, comments.c.thread_id == threads.c.id)
        .where(comments.c.id == comment_id)
    )
    value = row.scalar_one_or_none()
    return None if value is None else str(value)


def daily(tx: Tx, sites: tuple[str, ...], since: float) -> list[DayStats]:
    """Comments posted since ``since`` per UTC day and status (days without any left out)."""
    rows = tx.execute(
        select(comments.c.created_at, comments.c.status)
        .join(threads, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id.in_(sites), comments.c.created_at >= since)
    )
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for created_at, status in rows:
        day = datetime.fromtimestamp(created_at, UTC).strftime("%Y-%m-%d")
        days[day][status] += 1
    return [DayStats(day, dict(counts)) for day, counts in sorted(days.items())]
