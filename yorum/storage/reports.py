"""Reader report queries."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yorum.models import Comment, Status
from yorum.storage import Tx
from yorum.storage.comments import _comment
from yorum.storage.tables import comments, reports, threads

# Two reports of one comment from one reader at once: the second is simply not stored.
_ADD = {
    "postgresql": pg_insert(reports)
    .on_conflict_do_nothing(index_elements=["comment_id", "reporter_hash"])
    .returning(reports.c.id),
    "sqlite": sqlite_insert(reports)
    .on_conflict_do_nothing(index_elements=["comment_id", "reporter_hash"])
    .returning(reports.c.id),
}


def add(tx: Tx, comment_id: int, reporter_hash: str, reason: str, note: str, now: float) -> bool:
    """Store a report; ``False`` if this reporter has reported this comment already."""
    values = {
        "comment_id": comment_id,
        "reporter_hash": reporter_hash,
        "reason": reason,
        "note": note,
        "created_at": now,
    }
    return tx.execute(_ADD[tx.dialect.name], values).first() is not None


def count(tx: Tx, comment_id: int) -> int:
    """How many open reports a comment has."""
    n = tx.execute(
        select(func.count(reports.c.id)).where(reports.c.comment_id == comment_id)
    ).scalar_one()
    return int(n)


def dismiss(tx: Tx, comment_id: int) -> int:
    """Drop a comment's reports; returns how many there were."""
    result = tx.execute(delete(reports).where(reports.c.comment_id == comment_id))
    return int(result.rowcount or 0)


ReportRows = list[tuple[Comment, str, str, list[tuple[str, str]]]]


def reported(tx: Tx, site_id: str, limit: int) -> ReportRows:
    """The site's comments with open reports, most reported first.

    Each item: ``(comment, uri, title, [(reason, note), ...])``.
    """
    rows = tx.execute(
        select(comments, threads.c.uri, threads.c.title, reports.c.reason, reports.c.note)
        .join(threads, comments.c.thread_id == threads.c.id)
        .join(reports, reports.c.comment_id == comments.c.id)
        .where(threads.c.site_id == site_id, comments.c.status != Status.DELETED.value)
        .order_by(comments.c.id, reports.c.created_at, reports.c.id)
    )
    grouped: dict[int, tuple[Comment, str, str, list[tuple[str, str]]]] = {}
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        if r.id not in grouped:
            grouped[r.id] = (_comment(r), r.uri, r.title, found[r.id])
        found[r.id].append((r.reason, r.note))
    items = sorted(grouped.values(), key=lambda item: -len(item[3]))
    return items[:limit]


def of_comments(tx: Tx, comment_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The open reports of these comments: ``(reason, note)`` each, oldest first."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not comment_ids:
        return found
    rows = tx.execute(
        select(reports.c.comment_id, reports.c.reason, reports.c.note)
        .where(reports.c.comment_id.in_(comment_ids))
        .order_by(reports.c.created_at, reports.c.id)
    )
    for comment_id, reason, note in rows:
        found[comment_id].append((reason, note))
    return found
