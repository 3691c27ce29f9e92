"""Schema migrations, driven from code so installed packages migrate without an alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from yorum.storage import Store

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK = 0x79_6F_72_75_6D  # "yorum": serializes concurrent start-ups on PostgreSQL


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(store: Store) -> None:
    """Bring the database to the newest schema; a no-op when it is there already.

    Safe when several processes start at once: SQLite takes its write lock up front and
    PostgreSQL an advisory lock, so one migrates while the others wait and find it done.
    """
    config = _config()
    with store.engine.connect() as conn:
        conn.execution_options(yorum_begin="BEGIN IMMEDIATE")
        with conn.begin():
            if not store.is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


def current(store: Store) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    """The newest revision this version of yorum knows."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision
