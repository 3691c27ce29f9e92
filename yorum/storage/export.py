"""Queries that read a whole site out for ``yorum export``, as streams of rows.

Each function returns an iterator over a result fetched a batch at a time (a server-side
cursor on PostgreSQL), so a site of any size is never held in memory. Run them inside
one ``store.read()`` transaction to get one consistent snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import Select, select

from yorum.models import AuditEntry, Ban, BanKind, Comment, Reason, Thread
from yorum.storage import Tx
from yorum.storage.comments import _comment
from yorum.storage.tables import (
    audit_log,
    bans,
    comment_verdicts,
    commenters,
    comments,
    reports,
    threads,
)
from yorum.storage.threads import _thread

_BATCH = 500


class ExportedComment(NamedTuple):
    """A comment with its thread's URI and the spam scorers' verdict, if it was scored."""

    comment: Comment
    uri: str
    score: float | None
    reasons: tuple[Reason, ...]


class CommenterRow(NamedTuple):
    """A commenter's standing on a site, as stored."""

    key: str
    trusted: bool
    known: bool
    updated_at: float


class ReportRow(NamedTuple):
    """One open reader report, as stored (the reader known by a keyed address hash)."""

    comment_id: int
    reporter_hash: str
    reason: str
    note: str
    created_at: float


def _stream(tx: Tx, statement: Select[Any]) -> Iterator[Any]:
    yield from tx.execute(statement.execution_options(yield_per=_BATCH))


def site_threads(tx: Tx, site_id: str) -> Iterator[Thread]:
    """The site's threads, oldest id first."""
    statement = select(threads).where(threads.c.site_id == site_id).order_by(threads.c.id)
    return (_thread(row) for row in _stream(tx, statement))


def site_comments(tx: Tx, site_id: str) -> Iterator[ExportedComment]:
    """Every comment of the site, whatever its status, by id (a parent before its replies)."""
    statement = (
        select(comments, threads.c.uri, comment_verdicts.c.score, comment_verdicts.c.reasons)
        .join(threads, threads.c.id == comments.c.thread_id)
        .outerjoin(comment_verdicts, comment_verdicts.c.comment_id == comments.c.id)
        .where(threads.c.site_id == site_id)
        .order_by(comments.c.id)
    )
    for row in _stream(tx, statement):
        reasons = tuple(
            Reason(r["scorer"], float(r["points"]), r["text"])
            for r in (json.loads(row.reasons) if row.reasons else ())
        )
        yield ExportedComment(_comment(row), row.uri, row.score, reasons)


def threads_with_comments(tx: Tx, site_id: str) -> Iterator[tuple[Thread, Comment | None]]:
    """Each thread with each of its comments in order of id; ``None`` for a thread that
    has none. Threads come in order of id, each thread's rows together."""
    thread_columns = [c.label(f"t_{c.name}") for c in threads.columns]
    statement = (
        select(*thread_columns, *comments.columns)
        .select_from(threads)
        .outerjoin(comments, comments.c.thread_id == threads.c.id)
        .where(threads.c.site_id == site_id)
        .order_by(threads.c.id, comments.c.id)
    )
    width = len(thread_columns)
    current: Thread | None = None
    for row in _stream(tx, statement):
        if current is None or current.id != row.t_id:
            current = Thread(
                id=row.t_id,
                site_id=row.t_site_id,
                uri=row.t_uri,
                title=row.t_title,
                locked=bool(row.t_locked),
                created_at=row.t_created_at,
                version=row.t_version,
            )
        comment_row = tuple(row)[width:]
        yield current, _comment(comment_row) if comment_row[0] is not None else None


def site_bans(tx: Tx, site_id: str) -> Iterator[Ban]:
    """Every ban of the site, lifted by expiry or not, by id."""
    statement = select(bans).where(bans.c.site_id == site_id).order_by(bans.c.id)
    for r in _stream(tx, statement):
        yield Ban(r.id, r.site_id, BanKind(r.kind), r.value, r.reason, r.created_at, r.expires_at)


def site_commenters(tx: Tx, site_id: str) -> Iterator[CommenterRow]:
    """The standing of every commenter the site has recorded, by key."""
    statement = select(commenters).where(commenters.c.site_id == site_id).order_by(commenters.c.key)
    for r in _stream(tx, statement):
        yield CommenterRow(r.key, bool(r.trusted), bool(r.known), r.updated_at)


def site_reports(tx: Tx, site_id: str) -> Iterator[ReportRow]:
    """The open reader reports of the site's comments, by id."""
    statement = (
        select(reports)
        .join(comments, comments.c.id == reports.c.comment_id)
        .join(threads, threads.c.id == comments.c.thread_id)
        .where(threads.c.site_id == site_id)
        .order_by(reports.c.id)
    )
    for r in _stream(tx, statement):
        yield ReportRow(r.comment_id, r.reporter_hash, r.reason, r.note, r.created_at)


def site_audit(tx: Tx, site_id: str) -> Iterator[AuditEntry]:
    """The site's whole audit log, oldest first."""
    statement = select(audit_log).where(audit_log.c.site_id == site_id).order_by(audit_log.c.id)
    for r in _stream(tx, statement):
        yield AuditEntry(r.site_id, r.actor, r.action, r.comment_id, r.reason, r.created_at, r.uri)
