"""Metrics of a real ``yorum serve --workers 2``: a scrape of either worker reports both."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.servers import Server
from tests.test_metrics import Samples, samples, value
from yorum.scrape import prepare_multiprocess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    srv = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}", workers=2)
    srv.start()
    yield srv
    srv.stop()


def scrape(server: Server) -> Samples:
    response = httpx.get(f"{server.url}/metrics", headers={"connection": "close"}, timeout=10)
    assert response.status_code == 200, response.text
    return samples(response.text)


def pool_pids(found: Samples) -> set[str]:
    return {dict(labels)["pid"] for name, labels in found if name == "yorum_db_pool_size"}


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_every_scrape_counts_the_requests_of_both_workers(server: Server) -> None:
    assert server.process is not None
    metrics_dirs = list(Path("/dev/shm").glob(f"yorum-metrics-{server.process.pid}-*"))
    assert len(metrics_dirs) == 1 or not Path("/dev/shm").is_dir()
    before = scrape(server)
    for _ in range(40):  # a connection each: the workers take turns accepting them
        response = httpx.get(f"{server.url}/healthz", headers={"connection": "close"})
        assert response.status_code == 200
    labels = {"method": "GET", "route": "/healthz", "status": "200"}
    expected = value(before, "yorum_http_requests_total", **labels) + 40
    # Each worker hands its counts over every second; then every scrape agrees.
    wait_for(lambda: value(scrape(server), "yorum_http_requests_total", **labels) == expected)
    time.sleep(1.2)  # both have flushed by now
    scrapes = [scrape(server) for _ in range(8)]
    assert [value(s, "yorum_http_requests_total", **labels) for s in scrapes] == [expected] * 8
    assert len(pool_pids(scrapes[-1])) == 2  # both workers write where a scrape reads

    # A worker killed outright: its live gauges go, its counts stay, its successor reports.
    dead = sorted(pool_pids(scrapes[-1]))[0]
    os.kill(int(dead), signal.SIGKILL)
    wait_for(lambda: (pids := pool_pids(scrape(server))) != set() and dead not in pids
             and len(pids) == 2)  # fmt: skip
    assert value(scrape(server), "yorum_http_requests_total", **labels) == expected

    server.stop()
    for path in metrics_dirs:
        assert not path.exists()  # removed when the server stops


def test_open_live_streams_are_summed_over_the_workers(server: Server) -> None:
    params = {"site": "default", "uri": "/live"}
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client:
        streams, readers = [], []
        for _ in range(3):
            request = client.build_request(
                "GET", f"{server.url}/api/events", params=params, headers={"connection": "close"}
            )
            response = client.send(request, stream=True)
            assert response.status_code == 200
            lines = response.iter_lines()  # kept: a dropped iterator closes the response
            assert next(lines).startswith("retry:")  # the stream is open
            streams.append(response)
            readers.append(lines)
        wait_for(lambda: value(scrape(server), "yorum_live_streams_open") == 3)
        found = scrape(server)
        assert value(found, "yorum_live_streams_total") >= 3
        for response in streams:
            response.close()
    wait_for(lambda: value(scrape(server), "yorum_live_streams_open") == 0)


def test_a_new_server_start_clears_the_directories_of_servers_gone(tmp_path: Path) -> None:
    gone = tmp_path / "yorum-metrics-999999999-abc"  # no such process
    gone.mkdir()
    (gone / "counter_1.db").write_bytes(b"")
    environ: dict[str, str] = {}
    fresh = prepare_multiprocess(environ, base=tmp_path)
    assert not gone.exists()
    assert environ["PROMETHEUS_MULTIPROC_DIR"] == str(fresh) and fresh.is_dir()
    assert list(fresh.iterdir()) == []
    mine = prepare_multiprocess({}, base=tmp_path)  # this process is alive: kept
    assert fresh.exists() and mine.exists() and mine != fresh
