"""Several yorum processes on one PostgreSQL database behave as one server.

Real ``yorum serve`` processes (and the ``yorum`` command, a process too) on one
PostgreSQL database: a site's settings changed through any of them reach the others'
caches at once, through the database's notifications or through Redis; processes that
start together migrate the database once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest

from tests.servers import Server
from yorum.storage import migrate

REDIS_URL = os.environ.get("YORUM_TEST_REDIS_URL", "")
SEEN_WITHIN = 2.0  # seconds
TTL = 10  # seconds a process keeps a site when it hears of no changes (yorum.sites._TTL)


def through(server: Server, origin: str) -> int:
    """The status of a thread read from a browser at ``origin``."""
    params = {"site": "default", "uri": "/shared"}
    headers = {"origin": origin}
    return httpx.get(f"{server.url}/api/thread", params=params, headers=headers).status_code


@pytest.fixture(params=["notify", pytest.param("redis", marks=pytest.mark.skipif(
    not REDIS_URL, reason="YORUM_TEST_REDIS_URL not set"))])  # fmt: skip
def pair(request: pytest.FixtureRequest, tmp_path: Path, pg_database_url: str) -> Iterator[
    tuple[Server, Server, dict[str, str]]
]:  # fmt: skip
    """Two processes sharing a database and a data directory (the install's keys)."""
    env = {"YORUM_REDIS_URL": REDIS_URL} if request.param == "redis" else {}
    data = tmp_path / "data"
    first = Server(data, pg_database_url, env=env)
    first.start()
    second = Server(data, pg_database_url, env=env)
    try:
        second.start()
        yield first, second, {**env, "YORUM_DATABASE_URL": pg_database_url}
    finally:
        second.stop()
        first.stop()


def test_a_site_change_made_anywhere_reaches_every_process_at_once(
    pair: tuple[Server, Server, dict[str, str]],
) -> None:
    first, second, env = pair
    # Without the listener a process keeps a site for the rest of a ten-second window
    # (the time divided by 10): start at the beginning of one, so only hearing of the
    # change can explain seeing it before the window ends.
    while time.time() % TTL > 0.3:
        time.sleep(0.05)
    window = int(time.time() // TTL)
    for server in (first, second):  # both have the site cached, allowing any origin
        assert through(server, "https://old.example") == 200
        assert through(server, "https://old.example") == 200

    # The yorum command, a third process, narrows the site's origins.
    subprocess.run(
        [sys.executable, "-m", "yorum", "site", "set", "default", "--origin",
         "https://new.example", "--data-dir", str(first.data_dir)],
        env={**os.environ, **env}, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    changed = time.monotonic()
    pending = {first.url: first, second.url: second}
    while pending and time.monotonic() - changed < SEEN_WITHIN:
        for url, server in list(pending.items()):
            if through(server, "https://old.example") == 403:
                del pending[url]
        time.sleep(0.02)
    assert not pending, f"still allowing the old origin after {SEEN_WITHIN} s: {list(pending)}"
    assert int(time.time() // TTL) == window, "too slow to tell hearing from the cache expiring"
    for server in (first, second):
        assert through(server, "https://new.example") == 200


def test_processes_started_together_migrate_the_database_once(
    tmp_path: Path, pg_database_url: str
) -> None:
    servers = [Server(tmp_path / "data", pg_database_url) for _ in range(3)]
    failures: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.start()
        except BaseException as exc:  # noqa: BLE001 - reported below, with the log
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not failures, failures
        for server in servers:
            assert httpx.get(f"{server.url}/readyz").json()["status"] == "ready"
    finally:
        for server in servers:
            server.stop()
    plain = pg_database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    assert rows == [(migrate.head(),)]
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
