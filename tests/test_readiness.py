"""/readyz: not ready without the database; degraded, but serving, without Redis."""

from __future__ import annotations

import os

import pytest
from starlette.testclient import TestClient

from tests.servers import free_port
from yorum.readiness import ReadinessProbe
from yorum.services import Services
from yorum.settings import with_overrides
from yorum.storage import Store
from yorum.web import create_app

REDIS_URL = os.environ.get("YORUM_TEST_REDIS_URL", "")


def readyz(services: Services, redis_url: str) -> tuple[int, dict[str, object]]:
    services.settings = with_overrides(services.settings, redis={"url": redis_url})
    with TestClient(create_app(services)) as client:
        response = client.get("/readyz")
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_without_redis_set_up_only_the_database_is_named(services: Services) -> None:
    assert readyz(services, "") == (200, {"status": "ready", "database": "ok"})


@pytest.mark.skipif(not REDIS_URL, reason="YORUM_TEST_REDIS_URL not set")
def test_with_redis_answering_the_process_is_ready(services: Services) -> None:
    assert readyz(services, REDIS_URL) == (
        200,
        {"status": "ready", "database": "ok", "redis": "ok"},
    )


def test_with_redis_away_the_process_is_degraded_and_the_url_stays_secret(
    services: Services,
) -> None:
    port = free_port()
    status, body = readyz(services, f"redis://:hunter2@127.0.0.1:{port}/0")
    assert (status, body) == (200, {"status": "degraded", "database": "ok", "redis": "unreachable"})


def test_without_the_database_the_process_is_not_ready() -> None:
    store = Store.open(f"postgresql://nobody@127.0.0.1:{free_port()}/gone")
    try:
        state = ReadinessProbe(store, f"redis://127.0.0.1:{free_port()}/0").check()
    finally:
        store.close()
    assert not state.ready and state.status == "not_ready"
    assert state.database == "StorageUnavailable" and state.redis == "unreachable"
