"""Digest bookkeeping: when each site's last digest went out, and what a period holds."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from yorum.models import Comment, Status, Thread
from yorum.storage import Tx
from yorum.storage.comments import _comment
from yorum.storage.tables import comments, digests, threads

MAX_ITEMS = 500  # a digest lists the first of these; the mail says how many more


def last(tx: Tx, site_id: str) -> float | None:
    """When the site's last digest was queued; None before the first."""
    row = tx.execute(select(digests.c.last_at).where(digests.c.site_id == site_id)).first()
    return None if row is None else float(row.last_at)


def start(tx: Tx, site_id: str, at: float) -> None:
    """Start the site's first digest period at ``at`` (unless another process did)."""
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(digests).values(site_id=site_id, last_at=at)
    tx.execute(statement.on_conflict_do_nothing(index_elements=["site_id"]))


def advance(tx: Tx, site_id: str, last: float, at: float) -> bool:
    """Move the site's period on from ``last`` to ``at``; False if another process did so
    first (then that one queues the digest, not this one)."""
    result = tx.execute(
        update(digests)
        .where(digests.c.site_id == site_id, digests.c.last_at == last)
        .values(last_at=at)
        .returning(digests.c.site_id)
    )
    return result.first() is not None


def comments_between(
    tx: Tx, site_id: str, since: float, until: float
) -> list[tuple[Comment, Thread]]:
    """The site's comments posted in ``(since, until]`` (not deleted), by thread and time."""
    rows = tx.execute(
        select(comments, threads.c.id.label("t_id"), threads.c.site_id, threads.c.uri,
               threads.c.title, threads.c.locked.label("t_locked"),
               threads.c.created_at.label("t_created_at"), threads.c.version)
        .join(threads, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id == site_id, comments.c.created_at > since,
               comments.c.created_at <= until, comments.c.status != Status.DELETED.value)
        .order_by(threads.c.id, comments.c.created_at, comments.c.id)
        .limit(MAX_ITEMS)
    )  # fmt: skip
    out = []
    for r in rows:
        thread = Thread(
            id=r.t_id, site_id=r.site_id, uri=r.uri, title=r.title, locked=bool(r.t_locked),
            created_at=r.t_created_at, version=r.version,
        )  # fmt: skip
        out.append((_comment(r[: len(comments.columns)]), thread))
    return out
