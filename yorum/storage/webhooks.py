"""Webhook endpoint queries: each site's endpoints, their secrets and the events they take."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update

from yorum.models import Webhook
from yorum.storage import Tx
from yorum.storage.tables import webhooks


def _webhook(row: Any) -> Webhook:
    return Webhook(
        id=row.id,
        site_id=row.site_id,
        url=row.url,
        secret=row.secret,
        events=tuple(row.events.split(",")),
        active=bool(row.active),
        created_at=row.created_at,
    )


def add(
    tx: Tx, *, site_id: str, url: str, secret: str, events: Sequence[str], now: float
) -> Webhook:
    """Store a new, active endpoint; returns it with its id."""
    values = {"site_id": site_id, "url": url, "secret": secret, "events": ",".join(events),
              "active": True, "created_at": now}  # fmt: skip
    new_id: int = tx.execute(
        webhooks.insert().values(**values).returning(webhooks.c.id)
    ).scalar_one()
    return Webhook(new_id, site_id, url, secret, tuple(events), True, now)


def get(tx: Tx, hook_id: int) -> Webhook | None:
    """The endpoint with this id, or None."""
    row = tx.execute(select(webhooks).where(webhooks.c.id == hook_id)).first()
    return None if row is None else _webhook(row)


def list_for_site(tx: Tx, site_id: str, *, active_only: bool = False) -> list[Webhook]:
    """A site's endpoints, oldest first; ``active_only`` leaves out the switched-off ones."""
    query = select(webhooks).where(webhooks.c.site_id == site_id)
    if active_only:
        query = query.where(webhooks.c.active.is_(True))
    return [_webhook(r) for r in tx.execute(query.order_by(webhooks.c.id))]


def remove(tx: Tx, site_id: str, hook_id: int) -> bool:
    """Delete a site's endpoint; False if the site has no such endpoint."""
    result = tx.execute(
        delete(webhooks).where(webhooks.c.site_id == site_id, webhooks.c.id == hook_id)
    )
    return result.rowcount > 0


def set_active(tx: Tx, site_id: str, hook_id: int, active: bool) -> bool:
    """Switch a site's endpoint on or off; False if the site has no such endpoint."""
    result = tx.execute(
        update(webhooks)
        .where(webhooks.c.site_id == site_id, webhooks.c.id == hook_id)
        .values(active=active)
    )
    return result.rowcount > 0
