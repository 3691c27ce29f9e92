"""The store's durability settings and its change probe."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from yorum.storage import Store, migrate


def test_sqlite_is_durable_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with store.read() as tx:
        assert tx.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert tx.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert tx.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_change_token_moves_when_another_connection_commits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store, other = Store.open(url), Store.open(url)
    migrate.upgrade(store)
    before = store.change_token()
    assert store.change_token() == before
    with other.write() as tx:
        tx.execute(text("INSERT INTO sites VALUES ('s', 's', '[]', 'en', 'open', 0)"))
    assert store.change_token() != before
    store.close()
    other.close()


def test_ping_answers(database_url: str) -> None:
    store = Store.open(database_url)
    store.ping()
    assert (store.change_token() is None) == (not store.is_sqlite)
    store.close()
