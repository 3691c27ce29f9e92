"""Each process's site cache on PostgreSQL: kept briefly, or until another process's change
is heard (``yorum.site_changes``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.conftest import FakeClock
from tests.servers import free_port
from yorum.changes import RedisChanges
from yorum.models import Policy
from yorum.site_changes import follow
from yorum.sites import SiteService
from yorum.storage import Store, migrate


@pytest.fixture
def processes(pg_database_url: str) -> Iterator[tuple[SiteService, SiteService, FakeClock]]:
    """Two site services on stores of their own, as two processes would have."""
    clock = FakeClock()
    writer_store, reader_store = Store.open(pg_database_url), Store.open(pg_database_url)
    migrate.upgrade(writer_store)
    writer, reader = SiteService(writer_store, clock), SiteService(reader_store, clock)
    writer.add("blog")
    yield writer, reader, clock
    writer_store.close()
    reader_store.close()


def test_unheard_changes_are_seen_when_the_cache_expires(
    processes: tuple[SiteService, SiteService, FakeClock],
) -> None:
    writer, reader, clock = processes
    clock.now = 1_800_000_000.0  # the start of a ten-second window
    assert reader.get("blog").policy is Policy.OPEN
    writer.update("blog", policy=Policy.HOLD_ALL)
    clock.advance(9)
    assert reader.get("blog").policy is Policy.OPEN  # not heard of: cached
    clock.advance(1)
    assert reader.get("blog").policy is Policy.HOLD_ALL


def test_while_listening_a_site_is_kept_until_a_change_is_heard(
    processes: tuple[SiteService, SiteService, FakeClock],
) -> None:
    writer, reader, clock = processes
    reader.listening(True)
    assert reader.get("blog").policy is Policy.OPEN
    writer.update("blog", policy=Policy.HOLD_ALL)
    clock.advance(3600)
    assert reader.get("blog").policy is Policy.OPEN  # nothing heard yet
    reader.heard("blog")
    assert reader.get("blog").policy is Policy.HOLD_ALL
    reader.listening(False)  # a gap in hearing: the cache starts over, then expires again
    writer.update("blog", policy=Policy.OPEN)
    assert reader.get("blog").policy is Policy.OPEN


def test_follow_hears_the_database_notify_of_another_process(
    processes: tuple[SiteService, SiteService, FakeClock],
) -> None:
    writer, reader, _ = processes

    async def scenario() -> Policy:
        stop = asyncio.Event()
        task = asyncio.create_task(follow(reader, reader.store, None, stop))
        while not reader._listening:
            await asyncio.sleep(0.01)
        assert reader.get("blog").policy is Policy.OPEN
        await asyncio.to_thread(writer.update, "blog", policy=Policy.HOLD_ALL)
        for _ in range(200):
            if reader.get("blog").policy is Policy.HOLD_ALL:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return reader.get("blog").policy

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) is Policy.HOLD_ALL
    assert not reader._listening


def test_with_redis_down_the_cache_falls_back_to_expiring(
    processes: tuple[SiteService, SiteService, FakeClock],
) -> None:
    _, reader, _ = processes
    closed = RedisChanges(f"redis://127.0.0.1:{free_port()}/0")

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(follow(reader, reader.store, closed, stop))
        await asyncio.sleep(0.5)
        assert not reader._listening  # and not on the database either: see the module
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
    closed.close()
