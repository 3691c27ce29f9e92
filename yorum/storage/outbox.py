"""Outbox queries: queue a message, claim due ones, record how delivery went.

A claim moves the message's ``due_at`` ahead by a lease and counts the attempt in the
claiming transaction. A worker that dies while delivering leaves the message to be claimed
again when the lease runs out, so delivery is at least once. On PostgreSQL the claim locks
the rows it takes with ``FOR UPDATE SKIP LOCKED``, so concurrent workers take different
messages; SQLite has one writer at a time, which serializes claims anyway.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from yorum.models import OutboxMessage
from yorum.storage import Tx
from yorum.storage.tables import outbox

PENDING, SENT, DEAD = "pending", "sent", "dead"


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        id=row.id, channel=row.channel, kind=row.kind, site_id=row.site_id,
        recipient=row.recipient, payload=json.loads(row.payload), status=row.status,
        attempts=row.attempts, due_at=row.due_at, last_error=row.last_error,
        created_at=row.created_at, sent_at=row.sent_at,
    )  # fmt: skip


def add(
    tx: Tx,
    *,
    channel: str,
    kind: str,
    site_id: str,
    recipient: str,
    payload: dict[str, Any],
    now: float,
) -> int:
    """Queue one message, due at once; returns its id."""
    row = tx.execute(
        outbox.insert()
        .values(
            channel=channel,
            kind=kind,
            site_id=site_id,
            recipient=recipient,
            payload=json.dumps(payload, separators=(",", ":")),
            status=PENDING,
            attempts=0,
            due_at=now,
            last_error="",
            created_at=now,
            sent_at=None,
        )  # fmt: skip
        .returning(outbox.c.id)
    )
    return int(row.scalar_one())


def claim(tx: Tx, now: float, lease: float, limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for ``lease`` seconds, counting the attempt."""
    query = (
        select(outbox)
        .where(outbox.c.status == PENDING, outbox.c.due_at <= now)
        .order_by(outbox.c.due_at, outbox.c.id)
        .limit(limit)
    )
    if tx.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken = [_message(r) for r in tx.execute(query)]
    if taken:
        tx.execute(
            update(outbox)
            .where(outbox.c.id.in_([m.id for m in taken]))
            .values(due_at=now + lease, attempts=outbox.c.attempts + 1)
        )
    return [m._replace(attempts=m.attempts + 1, due_at=now + lease) for m in taken]


def sent(tx: Tx, message_id: int, now: float, note: str = "") -> None:
    """Record a delivery (or, with a ``note`` saying why, a message set aside)."""
    tx.execute(
        update(outbox)
        .where(outbox.c.id == message_id)
        .values(status=SENT, sent_at=now, last_error=note)
    )


def failed(tx: Tx, message_id: int, error: str, retry_at: float | None) -> None:
    """Record a failed attempt: try again at ``retry_at``, or never (dead) when None."""
    values: dict[str, Any] = {"last_error": error[:2000]}
    if retry_at is None:
        values["status"] = DEAD
    else:
        values["due_at"] = retry_at
    tx.execute(update(outbox).where(outbox.c.id == message_id).values(**values))


def resend(tx: Tx, message_id: int, now: float) -> bool:
    """Queue a message again (a dead one, or one sent already), due at once."""
    result = tx.execute(
        update(outbox)
        .where(outbox.c.id == message_id)
        .values(status=PENDING, attempts=0, due_at=now, sent_at=None)
        .returning(outbox.c.id)
    )
    return result.first() is not None


def get(tx: Tx, message_id: int) -> OutboxMessage | None:
    row = tx.execute(select(outbox).where(outbox.c.id == message_id)).first()
    return None if row is None else _message(row)


def recent(
    tx: Tx, sites: Sequence[str], *, status: str = "", channel: str = "", limit: int = 100
) -> list[OutboxMessage]:
    """The latest messages of these sites, newest first, optionally of one status/channel."""
    query = select(outbox).where(outbox.c.site_id.in_(list(sites)))
    if status:
        query = query.where(outbox.c.status == status)
    if channel:
        query = query.where(outbox.c.channel == channel)
    rows = tx.execute(query.order_by(outbox.c.id.desc()).limit(limit))
    return [_message(r) for r in rows]


def forget_sent(tx: Tx, before: float) -> int:
    """Drop messages delivered before ``before`` (the dead are kept for the admin)."""
    result = tx.execute(outbox.delete().where(outbox.c.status == SENT, outbox.c.sent_at < before))
    return int(result.rowcount)
