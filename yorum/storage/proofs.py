"""Used proof-of-work solutions, so that each is accepted once, in every process."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from yorum.storage import Tx
from yorum.storage.tables import used_proofs


def use(tx: Tx, signature: str, expires_at: float) -> bool:
    """Record a solution as used; False if it was used already."""
    values = {"signature": signature, "expires_at": expires_at}
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(used_proofs).values(values).on_conflict_do_nothing()
    # RETURNING rather than rowcount, which psycopg leaves at -1 for this statement.
    inserted = tx.execute(statement.returning(used_proofs.c.signature)).first()
    return inserted is not None


def forget_expired(tx: Tx, now: float) -> int:
    """Drop solutions whose challenges have expired (they are refused anyway)."""
    return tx.execute(delete(used_proofs).where(used_proofs.c.expires_at < now)).rowcount
