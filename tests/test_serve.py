"""``yorum serve`` for real: several worker processes, restarts, and ``kill -9``.

Each test starts the server as a child process on a free loopback port and stops it by
its PID.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.servers import Server
from yorum.storage import Store
from yorum.storage.tables import threads


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    srv = Server(tmp_path / "data", database_url)
    yield srv
    srv.stop()


def test_concurrent_clients_on_four_workers_each_get_their_own_comment(
    tmp_path: Path, database_url: str
) -> None:
    srv = Server(tmp_path / "data", database_url, workers=4)
    srv.start()
    uri = "/fresh-thread"

    def client_run(n: int) -> list[tuple[str, int, str, dict[str, object]]]:
        results = []
        with httpx.Client(base_url=srv.url, timeout=60) as http:
            for i in range(40):
                text = f"client {n} comment {i}"
                body = {"site": "default", "uri": uri, "text": text, "author": f"c{n}"}
                r = http.post("/api/comments", json=body)
                results.append((text, r.status_code, f"c{n}", r.json()))
        return results

    try:
        with ThreadPoolExecutor(8) as pool:
            outcomes = [r for batch in pool.map(client_run, range(8)) for r in batch]
        ids = set()
        with httpx.Client(base_url=srv.url, timeout=60) as http:
            for text, status, author, data in outcomes:
                assert status == 201, data
                comment = data["comment"]
                assert isinstance(comment, dict)
                assert comment["html"] == f"<p>{text}</p>" and comment["author"] == author
                ids.add(comment["id"])
                # the token is for this client's comment and no other
                source = http.get(
                    f"/api/comments/{comment['id']}",
                    headers={"X-Edit-Token": str(data["edit_token"])},
                )
                assert source.json()["text"] == text
            page = http.get("/api/thread", params={"site": "default", "uri": uri, "limit": 200})
            assert page.json()["total"] == 320
        assert len(ids) == 320
        store = Store.open(database_url)
        with store.read() as tx:
            rows = tx.execute(threads.select().where(threads.c.uri == uri)).all()
        store.close()
        assert len(rows) == 1
    finally:
        srv.stop()


def post_many(url: str, n: int, prefix: str) -> list[int]:
    ids = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for i in range(n):
            r = http.post(
                "/api/comments", json={"site": "default", "uri": "/d", "text": f"{prefix} {i}"}
            )
            assert r.status_code == 201
            ids.append(r.json()["comment"]["id"])
    return ids


def listed(url: str) -> set[int]:
    r = httpx.get(f"{url}/api/thread", params={"site": "default", "uri": "/d", "limit": 200})
    return {c["id"] for c in r.json()["comments"]}


def test_restart_keeps_every_acknowledged_comment(server: Server) -> None:
    server.start()
    ids = post_many(server.url, 30, "before restart")
    server.stop()
    server.start()
    assert listed(server.url) == set(ids)


def test_kill_9_loses_no_acknowledged_comment(server: Server) -> None:
    server.start()
    ids = post_many(server.url, 50, "before crash")
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    server.start()
    assert listed(server.url) == set(ids)


def test_a_worker_process_freezes_what_it_built_out_of_full_collections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``serve`` hands each worker process: the app, with the heap built so far frozen
    (full garbage collections then skip it; see ``yorum.cli._freeze_the_heap``)."""
    import dataclasses
    import gc
    import json
    import logging

    from yorum import cli
    from yorum.settings import Settings, with_overrides

    settings = with_overrides(
        Settings(),
        server={"data_dir": str(tmp_path / "data")},
        database={"url": f"sqlite:///{tmp_path / 'yorum.sqlite3'}"},
        metrics={"enabled": False},
    )
    services = cli.services_for(settings)  # migrates, as serve does before its workers start
    services.close()
    monkeypatch.setenv(cli._SERVE_SETTINGS, json.dumps(dataclasses.asdict(settings)))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # app_factory sets up yorum's logging
    gc.unfreeze()
    app = None
    try:
        app = cli.app_factory()
        assert gc.get_freeze_count() > 10_000
        assert app.state.services.store is not None
    finally:
        gc.unfreeze()
        if app is not None:
            app.state.services.close()
        root.handlers[:], root.level = handlers, level
