"""Crash consistency: ``kill -9`` a real ``yorum serve`` under load, again and again.

Several client threads post comments (some of them replies) while the server is killed
with SIGKILL at a random moment; it is started again on the same data directory, and the
cycle repeats. At the end every comment the server acknowledged (``201``/``202``) must be
stored with its text intact, and the database must hold nothing half-written: no comment
without its thread or parent, no verdict without its comment, thread versions at least
the number of comments they hold, and on SQLite ``PRAGMA integrity_check`` says ``ok``.

The default run does a few cycles on each database; the full 20 cycles are marked
``slow`` (``pytest -m slow``).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text as sql

from tests.servers import Server
from yorum.storage import Store

URIS = ("/crash/a", "/crash/b", "/crash/c")
WORDS = "yorum ağaç şeker ılık öğle çiçek günaydın merhaba كلمة تعليق comment écrit".split()
CLIENTS = 6


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged."""

    sent: set[str] = field(default_factory=set)
    acked: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id: uri, text, token
    unexpected: list[tuple[int, str]] = field(default_factory=list)
    lost_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def comment_text(rng: random.Random, tag: str) -> str:
    """A unique text, long enough (up to a few KB) that a torn write would show."""
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 400)))
    return f"{tag} {body} {tag}"


def client(url: str, n: str, cycle: int, ledger: Ledger, stop: threading.Event) -> None:
    """Post until the server dies or ``stop`` is set; record every acknowledgement."""
    rng = random.Random(f"{cycle}-{n}")
    mine: list[tuple[int, str]] = []  # acknowledged (id, uri), for replies
    i = 0
    with httpx.Client(base_url=url, timeout=20) as http:
        while not stop.is_set():
            uri = rng.choice(URIS)
            body: dict[str, object] = {"site": "default", "uri": uri, "author": f"c{n}"}
            if mine and rng.random() < 0.3:
                parent, uri = rng.choice(mine)
                body.update(uri=uri, parent=parent)
            text = comment_text(rng, f"[cycle{cycle}-client{n}-{i}]")
            body["text"] = text
            i += 1
            with ledger.lock:
                ledger.sent.add(text)
            try:
                r = http.post("/api/comments", json=body)
            except httpx.TransportError:
                with ledger.lock:
                    ledger.lost_in_flight += 1
                return  # the server is gone
            if r.status_code in (201, 202):
                data = r.json()
                cid = data["comment"]["id"]
                with ledger.lock:
                    ledger.acked[cid] = (uri, text, data["edit_token"])
                mine.append((cid, uri))
            elif r.status_code == 422 and r.json().get("field") == "parent":
                continue  # a reply to a comment the moderation held: not a failure
            else:
                with ledger.lock:
                    ledger.unexpected.append((r.status_code, r.text[:300]))
                return


def crash_cycles(server: Server, cycles: int, seed: int, ledger: Ledger) -> None:
    """Run ``cycles`` of: start, load, SIGKILL at a random moment."""
    rng = random.Random(seed)
    for cycle in range(cycles):
        server.start()
        assert server.process is not None
        stop = threading.Event()
        threads = [
            threading.Thread(target=client, args=(server.url, f"{seed}.{n}", cycle, ledger, stop))
            for n in range(CLIENTS)
        ]
        with ledger.lock:
            before = len(ledger.acked)
        for t in threads:
            t.start()
        # The random moment counts from the cycle's first acknowledgement, so that even a
        # slow machine has something at stake in every cycle.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(ledger.acked) == before:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
            assert not t.is_alive(), "a client hung after the server died"


def check_database(database_url: str, ledger: Ledger) -> None:
    """Every acknowledged comment stored intact; nothing half-written."""
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        sqlite3.connect(path).close()
    store = Store.open(database_url)
    try:
        with store.read() as tx:
            stored = {
                row.id: (row.uri, row.text_raw)
                for row in tx.execute(
                    sql(
                        "SELECT c.id, t.uri, c.text_raw FROM comments c "
                        "JOIN threads t ON t.id = c.thread_id"
                    )
                )
            }
            orphans = tx.execute(
                sql(
                    "SELECT count(*) FROM comments c WHERE NOT EXISTS "
                    "(SELECT 1 FROM threads t WHERE t.id = c.thread_id)"
                )
            ).scalar_one()
            bad_parents = tx.execute(
                sql(
                    "SELECT count(*) FROM comments c WHERE c.parent_id IS NOT NULL AND NOT "
                    "EXISTS (SELECT 1 FROM comments p WHERE p.id = c.parent_id "
                    "AND p.thread_id = c.thread_id AND c.depth = p.depth + 1)"
                )
            ).scalar_one()
            lone_verdicts = tx.execute(
                sql(
                    "SELECT count(*) FROM comment_verdicts v WHERE NOT EXISTS "
                    "(SELECT 1 FROM comments c WHERE c.id = v.comment_id)"
                )
            ).scalar_one()
            behind = tx.execute(
                sql(
                    "SELECT t.uri, t.version, count(c.id) FROM threads t "
                    "LEFT JOIN comments c ON c.thread_id = t.id "
                    "GROUP BY t.id, t.uri, t.version HAVING t.version < count(c.id)"
                )
            ).all()
    finally:
        store.close()
    assert orphans == 0, "comments without their thread"
    assert bad_parents == 0, "replies without their parent, or at the wrong depth"
    assert lone_verdicts == 0, "spam verdicts without their comment"
    assert behind == [], f"thread versions behind their comment count: {behind}"
    missing = sorted(set(ledger.acked) - set(stored))
    assert not missing, f"{len(missing)} acknowledged comments lost: {missing[:10]}"
    for cid, (uri, text, _token) in ledger.acked.items():
        assert stored[cid] == (uri, text), f"comment {cid} changed"
    strangers = [cid for cid, (_, text) in stored.items() if text not in ledger.sent]
    assert not strangers, f"stored comments nobody sent: {strangers[:10]}"


def check_api(server: Server, ledger: Ledger, sample: int = 40) -> None:
    """Read a sample of acknowledged comments back through the API of a restarted server."""
    server.start()
    rng = random.Random(0)
    ids = rng.sample(sorted(ledger.acked), min(sample, len(ledger.acked)))
    with httpx.Client(base_url=server.url, timeout=20) as http:
        for cid in ids:
            _uri, text, token = ledger.acked[cid]
            r = http.get(f"/api/comments/{cid}", headers={"X-Edit-Token": token})
            assert r.status_code == 200, r.text
            assert r.json()["text"] == text
        listed = 0
        for uri in URIS:
            r = http.get("/api/thread", params={"site": "default", "uri": uri, "limit": 1})
            assert r.status_code == 200, r.text
            listed += r.json()["total"]
    assert listed >= 1


def run(tmp_path: Path, database_url: str, cycles: int, lanes: int = 1) -> Ledger:
    """``cycles`` kill -9 cycles in all, shared by ``lanes`` servers on one database.

    Servers in lanes of their own run side by side on the same data directory (as
    ``--workers`` or several machines would), each killed at moments of its own; this keeps
    the long run short, since a start of ``yorum serve`` takes seconds.
    """
    started = time.monotonic()
    ledger = Ledger()
    servers = [Server(tmp_path / "data", database_url) for _ in range(lanes)]
    errors: list[BaseException] = []

    def lane(i: int) -> None:
        try:
            share = cycles // lanes + (i < cycles % lanes)
            crash_cycles(servers[i], share, seed=1000 * cycles + i, ledger=ledger)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    workers = [threading.Thread(target=lane, args=(i,)) for i in range(lanes)]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        if errors:
            raise errors[0]
        assert not ledger.unexpected, ledger.unexpected[:5]
        assert len(ledger.acked) > cycles, "too few comments acknowledged to prove anything"
        check_api(servers[0], ledger)  # recovery after the last kill, then a clean stop
        servers[0].stop()
        check_database(database_url, ledger)
    finally:
        for srv in servers:
            srv.stop()
    print(
        f"\n{cycles} kill -9 cycles on {database_url.split(':')[0]} ({lanes} lane(s)): "
        f"{len(ledger.acked)} acknowledged, {ledger.lost_in_flight} in flight at a kill, "
        f"{time.monotonic() - started:.1f} s"
    )
    return ledger


def test_kill_9_under_load_loses_nothing_acknowledged(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, cycles=3)


@pytest.mark.slow
def test_kill_9_under_load_twenty_times(tmp_path: Path, database_url: str) -> None:
    run(tmp_path, database_url, cycles=20, lanes=2)
