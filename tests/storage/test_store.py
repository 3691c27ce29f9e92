"""The store's durability settings and its change probe."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from yorum.errors import StorageBusy
from yorum.storage import Store, migrate

NEW_SITE = text(
    "INSERT INTO sites (id, name, origins, language, policy, created_at)"
    " VALUES (:id, :id, '[]', 'en', 'open', 0)"
)


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
        tx.execute(NEW_SITE, {"id": "s"})
    assert store.change_token() != before
    store.close()
    other.close()


def test_ping_answers(database_url: str) -> None:
    store = Store.open(database_url)
    store.ping()
    assert (store.change_token() is None) == (not store.is_sqlite)
    store.close()


def test_writers_of_two_stores_take_turns_on_the_lock_file(tmp_path: Path) -> None:
    """Two stores on one file stand for two processes: the second waits, then gives up."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first, second = Store.open(url, busy_timeout=1), Store.open(url, busy_timeout=1)
    migrate.upgrade(first)
    with first.write() as tx:
        assert (tmp_path / "db.sqlite3-writer.lock").exists()
        tx.execute(NEW_SITE, {"id": "a"})
        started = time.monotonic()
        with pytest.raises(StorageBusy), second.write():
            pass
        assert 0.9 < time.monotonic() - started < 5
    with second.write() as tx:  # the turn is free again
        tx.execute(NEW_SITE, {"id": "b"})
    with first.read() as tx:
        assert {r[0] for r in tx.execute(text("SELECT id FROM sites"))} == {"a", "b"}
    first.close()
    second.close()
