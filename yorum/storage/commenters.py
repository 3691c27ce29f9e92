"""Commenter standing queries: who a moderator trusts, and who has had a comment approved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from yorum.models import Commenter
from yorum.storage import Tx
from yorum.storage.tables import commenters


def _commenter(row: Any) -> Commenter:
    return Commenter(row.site_id, row.key, bool(row.trusted), bool(row.known))


def get(tx: Tx, site_id: str, key: str) -> Commenter | None:
    """The standing of the commenter ``key`` on the site, if any was recorded."""
    row = tx.execute(
        select(commenters).where(commenters.c.site_id == site_id, commenters.c.key == key)
    ).first()
    return _commenter(row) if row else None


def mark(
    tx: Tx,
    site_id: str,
    key: str,
    *,
    now: float,
    trusted: bool | None = None,
    known: bool | None = None,
) -> None:
    """Set a commenter's trusted or known flag (``None`` leaves it), creating the row."""
    current = get(tx, site_id, key)
    if current is None:
        tx.execute(
            commenters.insert().values(
                site_id=site_id,
                key=key,
                trusted=bool(trusted),
                known=bool(known),
                updated_at=now,
            )
        )
        return
    values: dict[str, Any] = {"updated_at": now}
    if trusted is not None:
        values["trusted"] = trusted
    if known is not None:
        values["known"] = known
    tx.execute(
        update(commenters)
        .where(commenters.c.site_id == site_id, commenters.c.key == key)
        .values(**values)
    )


def trusted(tx: Tx, site_id: str) -> list[Commenter]:
    """The site's trusted commenters, by key."""
    rows = tx.execute(
        select(commenters)
        .where(commenters.c.site_id == site_id, commenters.c.trusted.is_(True))
        .order_by(commenters.c.key)
    )
    return [_commenter(r) for r in rows]
