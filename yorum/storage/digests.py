"""Digest bookkeeping: when each site's last digest went out, and what a period holds."""

from __future__ import annotations

from sqlalchemy import select
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


def mark(tx: Tx, site_id: str, at: float) -> None:
    """Remember that the site's digest up to ``at`` is queued."""
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(digests).values(site_id=site_id, last_at=at)
    tx.execute(statement.on_conflict_do_update(index_elements=["site_id"], set_={"last_at": at}))


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
