"""Import queries: the ``imported`` table (source record -> comment), and the bulk writes
``yorum import`` makes (threads, comments, parents resolved after the fact)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, text, update

from yorum.importers import (
    RestoredAction,
    RestoredBan,
    RestoredCommenter,
    RestoredReport,
    RestoredWord,
)
from yorum.models import Reason, Site, Status
from yorum.storage import Tx
from yorum.storage import sites as site_rows
from yorum.storage.tables import (
    audit_log,
    bans,
    comment_verdicts,
    commenters,
    comments,
    imported,
    reports,
    sites,
    spam_words,
    threads,
)
from yorum.storage.threads import announce

_KNOWN = select(imported.c.source_id).where(
    imported.c.site_id == bindparam("site_id"),
    imported.c.source == bindparam("source"),
    imported.c.source_id.in_(bindparam("ids", expanding=True)),
)
_KEPT = (
    select(imported.c.source_id, comments.c.id, comments.c.depth, comments.c.parent_id)
    .join(comments, comments.c.id == imported.c.comment_id)
    .where(
        imported.c.site_id == bindparam("site_id"),
        imported.c.source == bindparam("source"),
        imported.c.source_id.in_(bindparam("ids", expanding=True)),
    )
)
_BUMP = (
    threads.update()
    .where(threads.c.id == bindparam("thread_id"))
    .values(version=threads.c.version + 1)
)
_SET_PARENT = (
    update(comments)
    .where(comments.c.id == bindparam("child"))
    .values(parent_id=bindparam("parent"), depth=bindparam("new_depth"))
)


IMPORT_CACHE_KIB = 32768
"""SQLite's page cache while importing: a million comments' indexes outgrow the default
2 MiB, and each batch then rereads pages it just wrote (measured in bench/README.md)."""


def prepare(tx: Tx) -> None:
    """Ready a write transaction for bulk inserts (SQLite: a larger page cache)."""
    if tx.dialect.name == "sqlite":
        tx.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")


def known(tx: Tx, site_id: str, source: str, source_ids: Sequence[str]) -> set[str]:
    """Which of these source ids were imported before (kept or not)."""
    params = {"site_id": site_id, "source": source, "ids": list(source_ids)}
    return set(tx.execute(_KNOWN, params).scalars())


def kept(
    tx: Tx, site_id: str, source: str, source_ids: Sequence[str]
) -> dict[str, tuple[int, int, int | None]]:
    """``source id -> (comment id, depth, parent id)`` for those of these records that are
    comments."""
    params = {"site_id": site_id, "source": source, "ids": list(source_ids)}
    return {row[0]: (row[1], row[2], row[3]) for row in tx.execute(_KEPT, params)}


def threads_of(tx: Tx, site_id: str, uris: Sequence[str]) -> dict[str, tuple[int, str]]:
    """``uri -> (thread id, title)`` for those of these pages that have a thread."""
    rows = tx.execute(
        select(threads.c.uri, threads.c.id, threads.c.title).where(
            threads.c.site_id == site_id, threads.c.uri.in_(list(uris))
        )
    )
    return {uri: (thread_id, title) for uri, thread_id, title in rows}


def create_threads(tx: Tx, site_id: str, pages: dict[str, str], now: float) -> None:
    """Create a thread for each ``uri -> title`` (none of which has one yet)."""
    rows = [
        {
            "site_id": site_id,
            "uri": uri,
            "title": title,
            "locked": False,
            "created_at": now,
            "version": 0,
        }
        for uri, title in pages.items()
    ]
    if rows:
        tx.execute(threads.insert(), rows)


def set_titles(tx: Tx, titles: dict[int, str]) -> None:
    """Give threads that had no title the one the source knows."""
    if titles:
        rows = [{"thread_id": k, "new_title": v} for k, v in titles.items()]
        tx.execute(
            threads.update()
            .where(threads.c.id == bindparam("thread_id"), threads.c.title == "")
            .values(title=bindparam("new_title")),
            rows,
        )


def allocate_ids(tx: Tx, n: int) -> list[int]:
    """``n`` fresh comment ids, so a batch of comments goes in with one plain executemany.

    On SQLite the transaction holds the write lock, so the ids past the largest are free;
    on PostgreSQL they are drawn from the table's sequence.
    """
    if n <= 0:
        return []
    if tx.dialect.name == "sqlite":
        top = tx.execute(select(func.max(comments.c.id))).scalar_one() or 0
        return list(range(top + 1, top + 1 + n))
    return list(
        tx.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('comments', 'id'))"
                " FROM generate_series(1, :n)"
            ),
            {"n": n},
        ).scalars()
    )


def _bulk_insert(tx: Tx, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows with the driver's own executemany: a million rows spend seconds less
    than through SQLAlchemy's per-row parameter processing, which these plain values
    (str, int, float, bool, None) do not need."""
    if not rows:
        return
    compiled = table.insert().compile(dialect=tx.dialect, column_keys=list(rows[0]))
    if compiled.positional:
        order = compiled.positiontup or []
        tx.exec_driver_sql(str(compiled), [tuple(row[key] for key in order) for row in rows])
    else:
        tx.exec_driver_sql(str(compiled), rows)


def insert_comments(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Insert these comments: full rows of the ``comments`` table, ids included."""
    _bulk_insert(tx, comments, rows)


def remember(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Record which source record became which comment (``imported`` rows)."""
    _bulk_insert(tx, imported, rows)


def bump(tx: Tx, thread_ids: Iterable[int]) -> None:
    """Mark threads changed, so caches and live readers see the new comments."""
    rows = [{"thread_id": thread_id} for thread_id in thread_ids]
    if rows:
        tx.execute(_BUMP, rows)
        for row in rows:
            announce(tx, row["thread_id"])


def pending(tx: Tx, site_id: str, source: str) -> list[tuple[int, str]]:
    """``(comment id, parent's source id)`` of the comments whose parent was not seen yet."""
    rows = tx.execute(
        select(imported.c.comment_id, imported.c.parent_source_id).where(
            imported.c.site_id == site_id,
            imported.c.source == source,
            imported.c.parent_source_id.is_not(None),
        )
    )
    return [(comment_id, parent) for comment_id, parent in rows if comment_id is not None]


def link(tx: Tx, links: list[tuple[int, int]]) -> None:
    """Set ``(child, parent)`` comment ids; depths are fixed afterwards (``tree``)."""
    if links:
        rows = [{"child": c, "parent": p, "new_depth": 1} for c, p in links]
        tx.execute(_SET_PARENT, rows)


def settle(tx: Tx, site_id: str, source: str) -> None:
    """Forget the parents still waited for: they are linked, or never came (orphans)."""
    tx.execute(
        update(imported)
        .where(
            imported.c.site_id == site_id,
            imported.c.source == source,
            imported.c.parent_source_id.is_not(None),
        )
        .values(parent_source_id=None)
    )


def thread_ids(tx: Tx, comment_ids: Sequence[int]) -> set[int]:
    """The threads of these comments."""
    found: set[int] = set()
    for start in range(0, len(comment_ids), 5000):
        chunk = list(comment_ids[start : start + 5000])
        found.update(
            tx.execute(select(comments.c.thread_id).where(comments.c.id.in_(chunk))).scalars()
        )
    return found


def tree(tx: Tx, thread_ids: Sequence[int]) -> list[tuple[int, int | None, int]]:
    """``(id, parent id, depth)`` of every comment of these threads."""
    rows = tx.execute(
        select(comments.c.id, comments.c.parent_id, comments.c.depth).where(
            comments.c.thread_id.in_(list(thread_ids))
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


def set_tree(tx: Tx, changes: list[tuple[int, int | None, int]]) -> None:
    """Store ``(id, parent id, depth)`` for comments whose place in the tree changed."""
    if changes:
        rows = [{"child": c, "parent": p, "new_depth": d} for c, p, d in changes]
        tx.execute(_SET_PARENT, rows)


def drop_childless(tx: Tx, site_id: str, source: str, comment_ids: Sequence[int]) -> list[str]:
    """Remove those of these deleted comments that no comment replies to; their source ids.

    Their ``imported`` rows stay (without a comment), so a new import skips them too.
    """
    if not comment_ids:
        return []
    replied = comments.alias("replied")
    childless = (
        select(comments.c.id)
        .where(
            comments.c.id.in_(list(comment_ids)),
            comments.c.status == Status.DELETED.value,
            ~select(replied.c.id).where(replied.c.parent_id == comments.c.id).exists(),
        )
        .scalar_subquery()
    )
    ids = list(tx.execute(select(comments.c.id).where(comments.c.id.in_(childless))).scalars())
    if not ids:
        return []
    where = (
        imported.c.site_id == site_id,
        imported.c.source == source,
        imported.c.comment_id.in_(ids),
    )
    source_ids = list(tx.execute(select(imported.c.source_id).where(*where)).scalars())
    tx.execute(update(imported).where(*where).values(comment_id=None))
    tx.execute(delete(comments).where(comments.c.id.in_(ids)))
    return source_ids


def count(tx: Tx, site_id: str, source: str) -> int:
    """How many records of this source were imported into this site."""
    return int(
        tx.execute(
            select(func.count())
            .select_from(imported)
            .where(imported.c.site_id == site_id, imported.c.source == source)
        ).scalar_one()
    )


# -- a full backup restored (yorum's own format) ------------------------------------------


def add_verdicts(tx: Tx, verdicts: list[tuple[int, float, tuple[Reason, ...]]]) -> None:
    """Store restored spam verdicts: ``(comment id, score, reasons)``."""
    rows = [
        {
            "comment_id": comment_id,
            "score": score,
            "reasons": json.dumps(
                [{"scorer": r.scorer, "points": r.points, "text": r.text} for r in reasons],
                ensure_ascii=False,
            ),
        }
        for comment_id, score, reasons in verdicts
    ]
    _bulk_insert(tx, comment_verdicts, rows)


def restore_site(tx: Tx, site: Site) -> None:
    """Give the site ``site.id`` every setting of ``site``, its creation time included."""
    site_rows.update(tx, site)
    tx.execute(sites.update().where(sites.c.id == site.id).values(created_at=site.created_at))


def restore_threads(tx: Tx, states: dict[int, tuple[bool, float]]) -> None:
    """Set ``thread id -> (locked, created_at)``."""
    if states:
        tx.execute(
            threads.update()
            .where(threads.c.id == bindparam("thread_id"))
            .values(locked=bindparam("is_locked"), created_at=bindparam("created")),
            [
                {"thread_id": thread_id, "is_locked": locked, "created": created}
                for thread_id, (locked, created) in states.items()
            ],
        )


def _missing(tx: Tx, table: Table, row: dict[str, Any], keys: Sequence[str]) -> bool:
    where = [
        table.c[key].is_(None) if row[key] is None else table.c[key] == row[key] for key in keys
    ]
    return tx.execute(select(func.count()).select_from(table).where(*where)).scalar_one() == 0


def _insert_missing(tx: Tx, table: Table, rows: list[dict[str, Any]], keys: Sequence[str]) -> int:
    """Insert those rows that no row matches on ``keys``; how many were."""
    fresh = [row for row in rows if _missing(tx, table, row, keys)]
    _bulk_insert(tx, table, fresh)
    return len(fresh)


def restore_bans(tx: Tx, site_id: str, restored: Sequence[RestoredBan]) -> int:
    """Add the bans the site does not have yet; how many were added."""
    rows = [
        {"site_id": site_id, "kind": b.kind.value, "value": b.value, "reason": b.reason,
         "created_at": b.created_at, "expires_at": b.expires_at}
        for b in restored
    ]  # fmt: skip
    return _insert_missing(tx, bans, rows, ("site_id", "kind", "value", "created_at"))


def restore_words(tx: Tx, site_id: str, restored: Sequence[tuple[RestoredWord, str]]) -> int:
    """Add ``(word, folded)`` to the site's lists where the folded word is not on one."""
    rows = [
        {"site_id": site_id, "kind": w.kind.value, "word": w.word, "folded": folded,
         "created_at": w.created_at}
        for w, folded in restored
    ]  # fmt: skip
    return _insert_missing(tx, spam_words, rows, ("site_id", "folded"))


def restore_commenters(tx: Tx, site_id: str, restored: Sequence[RestoredCommenter]) -> int:
    """Add the commenters the site does not know yet (those it knows keep their flags)."""
    rows = [
        {"site_id": site_id, "key": c.key, "trusted": c.trusted, "known": c.known,
         "updated_at": c.updated_at}
        for c in restored
    ]  # fmt: skip
    return _insert_missing(tx, commenters, rows, ("site_id", "key"))


def restore_reports(tx: Tx, restored: Sequence[tuple[int, RestoredReport]]) -> int:
    """Add ``(comment id, report)`` where that reader has not reported that comment."""
    rows = [
        {"comment_id": comment_id, "reporter_hash": r.reporter_hash, "reason": r.reason.value,
         "note": r.note, "created_at": r.created_at}
        for comment_id, r in restored
    ]  # fmt: skip
    return _insert_missing(tx, reports, rows, ("comment_id", "reporter_hash"))


def restore_audit(
    tx: Tx, site_id: str, restored: Sequence[tuple[int | None, RestoredAction]]
) -> int:
    """Add ``(comment id, entry)`` to the audit log unless the same entry is there."""
    rows = [
        {"site_id": site_id, "actor": a.actor, "action": a.action, "comment_id": comment_id,
         "uri": a.uri, "reason": a.reason, "created_at": a.created_at}
        for comment_id, a in restored
    ]  # fmt: skip
    keys = ("site_id", "actor", "action", "comment_id", "uri", "created_at")
    return _insert_missing(tx, audit_log, rows, keys)
