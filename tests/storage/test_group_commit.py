"""Group commit: writers that arrive together share one transaction, and nothing is mixed up."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from yorum.errors import StorageBusy
from yorum.storage import Store, Tx, migrate
from yorum.storage.group_commit import GroupCommit


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'db.sqlite3'}", busy_timeout=1)
    migrate.upgrade(opened)
    yield opened
    opened.close()


NEW_SITE = text(
    "INSERT INTO sites (id, name, origins, language, policy, created_at)"
    " VALUES (:id, :id, '[]', 'en', 'open', 0)"
)


def insert_site(site_id: str) -> Callable[[Tx], str]:
    def work(tx: Tx) -> str:
        tx.execute(
            NEW_SITE,
            {"id": site_id},
        )
        return site_id

    return work


def site_ids(store: Store) -> set[str]:
    with store.read() as tx:
        return {row[0] for row in tx.execute(text("SELECT id FROM sites"))}


def queued(group: GroupCommit) -> int:
    return len(group._queue)


def run_together(store: Store, works: list[Callable[[Tx], str]]) -> list[object]:
    """Hold the first writer inside its transaction until all the others have queued."""
    group = store.group_commit
    assert group is not None
    entered, release = threading.Event(), threading.Event()

    def first(tx: Tx) -> str:
        entered.set()
        release.wait(10)
        return insert_site("first")(tx)

    outcomes: list[object] = [None] * len(works)

    def submit(i: int) -> None:
        try:
            outcomes[i] = store.write_grouped(works[i])
        except Exception as exc:
            outcomes[i] = exc

    leader = threading.Thread(target=store.write_grouped, args=(first,))
    leader.start()
    assert entered.wait(10)  # the leader's transaction is under way, holding the lock
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(works))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while queued(group) < len(works) and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    leader.join(10)
    for t in threads:
        t.join(10)
    return outcomes


def test_waiting_writers_share_one_transaction(store: Store) -> None:
    outcomes = run_together(store, [insert_site(f"s{i}") for i in range(20)])
    assert outcomes == [f"s{i}" for i in range(20)]  # each caller got its own result
    group = store.group_commit
    assert group is not None
    assert group.jobs == 21
    assert group.transactions == 2  # the held leader's, then all twenty together
    assert site_ids(store) == {"first"} | {f"s{i}" for i in range(20)}


def test_a_failing_writer_is_rolled_back_alone(store: Store) -> None:
    def fails(tx: Tx) -> str:
        insert_site("doomed")(tx)
        raise ValueError("no")

    outcomes = run_together(store, [insert_site("a"), fails, insert_site("b")])
    assert outcomes[0] == "a" and outcomes[2] == "b"
    assert isinstance(outcomes[1], ValueError)
    assert site_ids(store) == {"first", "a", "b"}


def test_when_the_transaction_cannot_start_every_writer_hears_it(
    store: Store, tmp_path: Path
) -> None:
    blocker = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    errors: list[BaseException] = []

    def submit(site_id: str) -> None:
        try:
            store.write_grouped(insert_site(site_id))
        except StorageBusy as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(f"x{i}",)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(errors) == 5
    blocker.execute("ROLLBACK")
    blocker.close()
    assert store.write_grouped(insert_site("after")) == "after"
    assert site_ids(store) == {"after"}


def test_many_threads_many_writes_nothing_lost(store: Store) -> None:
    results: dict[int, list[str]] = {}

    def writer(n: int) -> None:
        results[n] = [store.write_grouped(insert_site(f"w{n}-{i}")) for i in range(25)]

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    expected = {n: [f"w{n}-{i}" for i in range(25)] for n in range(8)}
    assert results == expected
    assert site_ids(store) == {s for ids in expected.values() for s in ids}
    group = store.group_commit
    assert group is not None and group.jobs == 200
