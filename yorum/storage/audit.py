"""The moderators' audit log: one row per action, kept when the comment is gone."""

from __future__ import annotations

from sqlalchemy import select

from yorum.models import AuditEntry
from yorum.storage import Tx
from yorum.storage.tables import audit_log


def record(
    tx: Tx, *, site_id: str, actor: str, action: str, comment_id: int, reason: str, at: float
) -> None:
    """Write down one moderation action."""
    tx.execute(
        audit_log.insert().values(
            site_id=site_id,
            actor=actor,
            action=action,
            comment_id=comment_id,
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
        AuditEntry(r.site_id, r.actor, r.action, r.comment_id, r.reason, r.created_at) for r in rows
    ]
