"""The thread page cache: served from memory, never stale, even across processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock, post
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.web import create_app

PARAMS = {"site": "default", "uri": "/t"}


@pytest.fixture
def second(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    """Another app on the same database and data directory: a second worker process."""
    other = build(settings, clock=clock)
    with TestClient(create_app(other)) as test_client:
        yield test_client
    other.close()


def test_repeated_reads_hit_the_cache(client: TestClient) -> None:
    post(client, "one")
    cache = client.app.state.cache  # type: ignore[attr-defined]
    client.get("/api/thread", params=PARAMS)
    hits = cache.hits
    for _ in range(5):
        client.get("/api/thread", params=PARAMS)
    assert cache.hits == hits + 5


def test_a_write_in_another_process_invalidates(client: TestClient, second: TestClient) -> None:
    post(client, "one")
    assert second.get("/api/thread", params=PARAMS).json()["total"] == 1
    assert client.get("/api/thread", params=PARAMS).json()["total"] == 1
    posted = post(second, "two")
    assert client.get("/api/thread", params=PARAMS).json()["total"] == 2
    cid = posted["comment"]["id"]  # type: ignore[index]
    second.post(f"/api/comments/{cid}/vote", json={"value": 1})
    node = client.get("/api/thread", params=PARAMS).json()["comments"][1]
    assert node["likes"] == 1
    second.patch(
        f"/api/comments/{cid}",
        json={"text": "edited"},
        headers={"X-Edit-Token": str(posted["edit_token"])},
    )
    assert client.get("/api/thread", params=PARAMS).json()["comments"][1]["html"] == "<p>edited</p>"
    second.delete(f"/api/comments/{cid}", headers={"X-Edit-Token": str(posted["edit_token"])})
    assert client.get("/api/thread", params=PARAMS).json()["total"] == 1


def test_other_threads_keep_their_entries(client: TestClient) -> None:
    post(client, "one")
    client.get("/api/thread", params=PARAMS)
    client.post("/api/comments", json={"site": "default", "uri": "/other", "text": "x"})
    cache = client.app.state.cache  # type: ignore[attr-defined]
    hits = cache.hits
    client.get("/api/thread", params=PARAMS)
    assert cache.hits == hits + 1


def test_cache_can_be_disabled(services: Services, settings: Settings) -> None:
    off = with_overrides(settings, cache={"enabled": False})
    other = build(off)
    with TestClient(create_app(other)) as c:
        post(c, "one")
        c.get("/api/thread", params=PARAMS)
        c.get("/api/thread", params=PARAMS)
        assert c.app.state.cache.hits == 0  # type: ignore[attr-defined]
        assert c.get("/api/thread", params=PARAMS).json()["total"] == 1
    other.close()
