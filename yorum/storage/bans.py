"""Ban-list queries."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from yorum.models import Ban, BanKind
from yorum.storage import Tx
from yorum.storage.tables import bans


def add(
    tx: Tx, *, site_id: str, kind: BanKind, value: str, reason: str, now: float,
    expires_at: float | None,
) -> int:  # fmt: skip
    """Store a ban; returns its id."""
    values = {"site_id": site_id, "kind": kind.value, "value": value, "reason": reason,
              "created_at": now, "expires_at": expires_at}  # fmt: skip
    new_id: int = tx.execute(bans.insert().values(**values).returning(bans.c.id)).scalar_one()
    return new_id


def active(tx: Tx, site_id: str, now: float) -> list[Ban]:
    """The site's bans that have not expired."""
    rows = tx.execute(
        select(bans)
        .where(bans.c.site_id == site_id, or_(bans.c.expires_at.is_(None), bans.c.expires_at > now))
        .order_by(bans.c.id)
    )
    return [
        Ban(r.id, r.site_id, BanKind(r.kind), r.value, r.reason, r.created_at, r.expires_at)
        for r in rows
    ]


def remove(tx: Tx, site_id: str, ban_id: int) -> bool:
    """Lift a ban; False if the site has no such ban."""
    result = tx.execute(delete(bans).where(bans.c.site_id == site_id, bans.c.id == ban_id))
    return result.rowcount > 0
