"""Admin accounts: users, their roles per site, login sessions and API tokens."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from yorum.models import Role, User
from yorum.storage import Tx
from yorum.storage.tables import (
    admin_sessions,
    api_tokens,
    login_failures,
    site_moderators,
    users,
)


def _user(tx: Tx, row: Any) -> User:
    roles = {
        r.site_id: Role(r.role)
        for r in tx.execute(select(site_moderators).where(site_moderators.c.user_id == row.id))
    }
    return User(row.id, row.name, row.is_admin, row.totp_secret is not None, row.created_at, roles)


def add_user(tx: Tx, name: str, password_hash: str, is_admin: bool, at: float) -> int:
    """Insert a user; returns its id."""
    result = tx.execute(
        insert(users)
        .values(name=name, password_hash=password_hash, is_admin=is_admin, created_at=at)
        .returning(users.c.id)
    )
    return int(result.scalar_one())


def find(tx: Tx, name: str) -> tuple[User, str, str | None] | None:
    """A user by name, with its password hash and TOTP secret (for signing in)."""
    row = tx.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    return _user(tx, row), row.password_hash, row.totp_secret


def get(tx: Tx, user_id: int) -> User | None:
    row = tx.execute(select(users).where(users.c.id == user_id)).first()
    return None if row is None else _user(tx, row)


def all_users(tx: Tx) -> list[User]:
    return [_user(tx, r) for r in tx.execute(select(users).order_by(users.c.name))]


def remove(tx: Tx, user_id: int) -> None:
    tx.execute(delete(users).where(users.c.id == user_id))


def set_password(tx: Tx, user_id: int, password_hash: str) -> None:
    tx.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def set_totp(tx: Tx, user_id: int, secret: str | None) -> None:
    tx.execute(update(users).where(users.c.id == user_id).values(totp_secret=secret))


def set_role(tx: Tx, user_id: int, site_id: str, role: Role | None) -> None:
    """Give the user ``role`` on the site, or take every role there away (None)."""
    where = (site_moderators.c.user_id == user_id) & (site_moderators.c.site_id == site_id)
    tx.execute(delete(site_moderators).where(where))
    if role is not None:
        tx.execute(insert(site_moderators).values(user_id=user_id, site_id=site_id, role=role))


def moderators(tx: Tx, site_id: str) -> list[tuple[str, Role]]:
    """The site's users and their roles, by name."""
    rows = tx.execute(
        select(users.c.name, site_moderators.c.role)
        .join(users, users.c.id == site_moderators.c.user_id)
        .where(site_moderators.c.site_id == site_id)
        .order_by(users.c.name)
    )
    return [(r.name, Role(r.role)) for r in rows]


def add_session(
    tx: Tx, token_hash: str, user_id: int, csrf: str, verified: bool, at: float
) -> None:
    tx.execute(
        insert(admin_sessions).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf=csrf,
            verified=verified,
            created_at=at,
            last_seen=at,
        )
    )


def session(tx: Tx, token_hash: str) -> Any:
    """The session row (user_id, csrf, verified, created_at, last_seen), or None."""
    return tx.execute(
        select(admin_sessions).where(admin_sessions.c.token_hash == token_hash)
    ).first()


def touch_session(tx: Tx, token_hash: str, at: float, *, verified: bool | None = None) -> None:
    values: dict[str, Any] = {"last_seen": at}
    if verified is not None:
        values["verified"] = verified
    tx.execute(
        update(admin_sessions).where(admin_sessions.c.token_hash == token_hash).values(**values)
    )


def end_session(tx: Tx, token_hash: str) -> None:
    tx.execute(delete(admin_sessions).where(admin_sessions.c.token_hash == token_hash))


def end_stale_sessions(tx: Tx, idle_since: float, created_since: float) -> None:
    """Delete sessions idle since before ``idle_since`` or made before ``created_since``."""
    tx.execute(
        delete(admin_sessions).where(
            (admin_sessions.c.last_seen < idle_since)
            | (admin_sessions.c.created_at < created_since)
        )
    )


def end_sessions_of(tx: Tx, user_id: int) -> None:
    tx.execute(delete(admin_sessions).where(admin_sessions.c.user_id == user_id))


def add_token(tx: Tx, user_id: int, token_hash: str, label: str, at: float) -> None:
    tx.execute(
        insert(api_tokens).values(
            user_id=user_id, token_hash=token_hash, label=label, created_at=at
        )
    )


def token_user(tx: Tx, token_hash: str) -> int | None:
    row = tx.execute(select(api_tokens.c.user_id).where(api_tokens.c.token_hash == token_hash))
    value = row.scalar_one_or_none()
    return None if value is None else int(value)


def failures(tx: Tx, key: str) -> tuple[int, float]:
    """How many wrong passwords ``key`` has had, and until when it must wait."""
    row = tx.execute(select(login_failures).where(login_failures.c.key == key)).first()
    return (0, 0.0) if row is None else (int(row._mapping["count"]), float(row.until))


def set_failures(tx: Tx, key: str, count: int, until: float) -> None:
    tx.execute(delete(login_failures).where(login_failures.c.key == key))
    tx.execute(insert(login_failures).values(key=key, count=count, until=until))


def clear_failures(tx: Tx, keys: tuple[str, ...]) -> None:
    tx.execute(delete(login_failures).where(login_failures.c.key.in_(keys)))
