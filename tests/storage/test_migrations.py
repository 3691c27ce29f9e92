"""The migrations build exactly the schema ``tables.py`` declares, on every database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from yorum.storage import Store, migrate
from yorum.storage.tables import metadata


def test_upgrade_from_empty_reaches_head_and_matches_tables(empty_database_url: str) -> None:
    store = Store.open(empty_database_url)
    assert migrate.current(store) is None
    migrate.upgrade(store)
    assert migrate.current(store) == migrate.head()
    with store.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []
    store.close()


def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    store = Store.open(empty_database_url)
    migrate.upgrade(store)
    migrate.upgrade(store)
    assert migrate.current(store) == migrate.head()
    store.close()
