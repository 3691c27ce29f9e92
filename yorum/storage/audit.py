"""The moderators' audit log: one row per action, kept when the comment is gone."""

from __future__ import annotations

from sqlalchemy import select

from yorum.models import AuditEntry
from yorum.storage import Tx
from yorum.storage.tables import audit_log


def record(
    tx: Tx,
    *,
    site_id: str,
    actor: str,
    action: str,
    reason: str,
    at: float,
    comment_id: int | None = None,
    uri: str | None = None,
) -> None:
    """Write down one moderation action, on a comment or on a whole thread (``uri``)."""
    tx.execute(
        audit_log.insert().values(
            site_id=site_id,
            actor=actor,
            action=action,
            comment_id=comment_id,
            uri=uri,
            reason=reason,
            created_at=at,
        )
    )


def recent(tx: Tx, site_id: str, limit: int) -> list[AuditEntry]:
    """The site's latest moderation actions, newest first."""
    rows = tx.execute(
        select(audit_log)
        .where(audit_log.c.site_id == site_id)
        .order_by(audit_log.c.created_at.desc(), audit_log.c.id.desc())
        .limit(limit)
    )
    return [
        AuditEntry(r.site_id, r.actor, r.action, r.comment_id, r.reason, r.created_at, r.uri)
        for r in rows
    ]
