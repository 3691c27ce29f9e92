"""Reply-notification subscribers: a reader's address per site, after double opt-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from yorum.models import Subscriber
from yorum.storage import Tx
from yorum.storage.tables import subscribers


def _subscriber(row: Any) -> Subscriber:
    return Subscriber(row.site_id, row.email, row.confirmed_at, row.unsubscribed_at, row.asked_at)


def get(tx: Tx, site_id: str, email: str) -> Subscriber | None:
    row = tx.execute(
        select(subscribers).where(subscribers.c.site_id == site_id, subscribers.c.email == email)
    ).first()
    return None if row is None else _subscriber(row)


def ask(tx: Tx, site_id: str, email: str, now: float) -> None:
    """Record that a confirmation mail goes out now: unconfirmed until the reader says yes."""
    values = {"site_id": site_id, "email": email, "confirmed_at": None,
              "unsubscribed_at": None, "asked_at": now}  # fmt: skip
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(subscribers).values(values)
    tx.execute(
        statement.on_conflict_do_update(
            index_elements=["site_id", "email"],
            set_={"confirmed_at": None, "unsubscribed_at": None, "asked_at": now},
        )
    )


def confirm(tx: Tx, site_id: str, email: str, now: float) -> bool:
    """Mark an address confirmed (again); False if it never asked."""
    result = tx.execute(
        update(subscribers)
        .where(subscribers.c.site_id == site_id, subscribers.c.email == email)
        .values(confirmed_at=now, unsubscribed_at=None)
        .returning(subscribers.c.email)
    )
    return result.first() is not None


def unsubscribe(tx: Tx, site_id: str, email: str, now: float) -> bool:
    """Stop mailing an address; False if it was not subscribed."""
    result = tx.execute(
        update(subscribers)
        .where(subscribers.c.site_id == site_id, subscribers.c.email == email)
        .values(unsubscribed_at=now)
        .returning(subscribers.c.email)
    )
    return result.first() is not None
