"""Thread queries: one thread per (site, URI), created on first comment."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yorum.models import Thread
from yorum.storage import Tx
from yorum.storage.tables import threads


def _thread(row: Any) -> Thread:
    return Thread(
        id=row.id,
        site_id=row.site_id,
        uri=row.uri,
        title=row.title,
        locked=bool(row.locked),
        created_at=row.created_at,
        version=row.version,
    )


# The statements of the hot paths are built once: building one costs more than running it.
_BY_ID = select(threads).where(threads.c.id == bindparam("id"))
_BY_PAGE = select(threads).where(
    threads.c.site_id == bindparam("site_id"), threads.c.uri == bindparam("uri")
)
_VERSION = select(threads.c.id, threads.c.version, threads.c.created_at).where(
    threads.c.site_id == bindparam("site_id"), threads.c.uri == bindparam("uri")
)
_CREATE = {
    "postgresql": pg_insert(threads).on_conflict_do_nothing(index_elements=["site_id", "uri"]),
    "sqlite": sqlite_insert(threads).on_conflict_do_nothing(index_elements=["site_id", "uri"]),
}
_BUMP = (
    threads.update()
    .where(threads.c.id == bindparam("thread_id"))
    .values(version=threads.c.version + 1)
)
_BUMP_TITLE = _BUMP.values(title=bindparam("new_title"))
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
CHANNEL = "yorum_threads"
"""The PostgreSQL notification channel that carries the ids of changed threads."""


def get(tx: Tx, thread_id: int) -> Thread | None:
    """The thread with this id, if any."""
    row = tx.execute(_BY_ID, {"id": thread_id}).first()
    return _thread(row) if row else None


def find(tx: Tx, site_id: str, uri: str) -> Thread | None:
    """The thread of this page, if it has one yet."""
    row = tx.execute(_BY_PAGE, {"site_id": site_id, "uri": uri}).first()
    return _thread(row) if row else None


def get_or_create(tx: Tx, site_id: str, uri: str, title: str, now: float) -> Thread:
    """The thread of this page, created if missing; safe against concurrent creators."""
    thread = find(tx, site_id, uri)
    if thread is not None:
        return thread
    values = {
        "site_id": site_id,
        "uri": uri,
        "title": title,
        "locked": False,
        "created_at": now,
        "version": 0,
    }
    tx.execute(_CREATE[tx.dialect.name], values)
    thread = find(tx, site_id, uri)
    assert thread is not None  # inserted above or by a concurrent writer
    return thread


def version(tx: Tx, site_id: str, uri: str) -> tuple[int, int, float] | None:
    """``(thread id, version, created at)`` of this page's thread, if it has one."""
    row = tx.execute(_VERSION, {"site_id": site_id, "uri": uri}).first()
    return (row.id, row.version, row.created_at) if row else None


def bump(tx: Tx, thread_id: int, *, title: str | None = None) -> None:
    """Mark the thread changed (and fill in its title if it had none)."""
    if title:
        tx.execute(_BUMP_TITLE, {"thread_id": thread_id, "new_title": title})
    else:
        tx.execute(_BUMP, {"thread_id": thread_id})
    announce(tx, thread_id)


def announce(tx: Tx, thread_id: int) -> None:
    """On PostgreSQL, tell listeners (``Store.changed_threads``) at commit that it changed."""
    if tx.dialect.name == "postgresql":
        tx.execute(_NOTIFY, {"channel": CHANNEL, "payload": str(thread_id)})


def set_locked(tx: Tx, thread_id: int, locked: bool) -> None:
    """Lock or unlock a thread."""
    tx.execute(
        threads.update()
        .where(threads.c.id == thread_id)
        .values(locked=locked, version=threads.c.version + 1)
    )
    announce(tx, thread_id)
