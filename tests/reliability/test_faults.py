"""Fault injection on a real ``yorum serve``: its database, Redis, mail server and disk fail.

- PostgreSQL stops in the middle of a load (a private one, started for the test and
  stopped by its PID): requests fail fast with ``503`` and a problem body, and once
  PostgreSQL is back the server recovers by itself and has lost no acknowledged comment.
- Redis is unreachable: rate limits fall back to counting per process; comments are served.
- The mail server is down: the outbox keeps the mail, and delivers it once the server is up.
- The disk holding a SQLite database is full: posts get a clear ``507`` problem body, the
  database stays intact, and posting works again once space is freed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest

from tests.servers import Server, free_port
from tests.smtp import SmtpServer
from yorum.services import build
from yorum.settings import Settings, with_overrides

LOREM = " ".join(["lorem ipsum"] * 700)
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))


def comment(uri: str, text: str) -> dict[str, object]:
    return {"site": "default", "uri": uri, "text": text}


def assert_problem(r: httpx.Response, statuses: tuple[int, ...]) -> dict[str, object]:
    """A problem body with one of ``statuses``: never a 500, never anything else."""
    assert r.status_code in statuses, (r.status_code, r.text)
    body: dict[str, object] = r.json()
    assert set(body) == {"error", "message", "field"}, body
    assert isinstance(body["error"], str) and body["error"] != "internal"
    return body


# -- PostgreSQL goes away ---------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of this test's own, run as the ``postgres`` user, on a free port."""

    def __init__(self, root: Path) -> None:
        self.root, self.data, self.port = root, root / "data", free_port()
        self.bin = PG_BIN[-1].parent
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self) -> dict[str, object]:
        return {"user": "postgres", "group": "postgres", "extra_groups": []}

    def init(self) -> None:
        subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
             "--no-sync", "--no-instructions"],
            check=True, capture_output=True, **self._as_postgres(),  # type: ignore[arg-type]
        )  # fmt: skip

    def start(self) -> None:
        log = open(self.root / "postgres.log", "ab")  # noqa: SIM115 -- the child holds it
        with log:
            self.process = subprocess.Popen(
                [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                 "-k", str(self.root), "-h", "127.0.0.1"],
                stdout=log, stderr=log, **self._as_postgres(),  # type: ignore[arg-type]
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.root / "postgres.log").read_text()
            try:
                psycopg.connect(self.url, connect_timeout=1).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("private PostgreSQL did not start")

    def stop(self, sig: int = signal.SIGINT) -> None:
        """Shut down (SIGINT: PostgreSQL's fast shutdown, which drops every connection)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not PG_BIN:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres user to run a private PostgreSQL as")
    if os.geteuid() != 0:
        pytest.skip("starting PostgreSQL as the postgres user needs root")
    # Not under pytest's tmp_path: its directories are closed to other users.
    root = Path(tempfile.mkdtemp(prefix="yorum-pg-"))
    shutil.chown(root, "postgres", "postgres")
    pg = PrivatePostgres(root)
    try:
        pg.init()
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_down_mid_load_fails_fast_and_recovers(
    tmp_path: Path, private_postgres: PrivatePostgres
) -> None:
    server = Server(tmp_path / "data", private_postgres.url)
    server.start()
    acked: dict[int, str] = {}
    outcomes: list[tuple[int, float, str]] = []  # status, seconds, error code
    lock = threading.Lock()
    stop = threading.Event()

    def load(n: int) -> None:
        i = 0
        with httpx.Client(base_url=server.url, timeout=30) as http:
            while not stop.is_set():
                text = f"client {n} comment {i}"
                i += 1
                began = time.monotonic()
                r = http.post("/api/comments", json=comment("/pg", text))
                took = time.monotonic() - began
                with lock:
                    if r.status_code in (201, 202):
                        acked[r.json()["comment"]["id"]] = text
                        outcomes.append((r.status_code, took, ""))
                    else:
                        outcomes.append((r.status_code, took, r.text))
                time.sleep(0.02)

    try:
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(load, n) for n in range(4)]
            time.sleep(1.5)
            before = len(acked)
            private_postgres.stop()
            down_at = time.monotonic()
            # While it is down: every API request answers quickly, with 503 and a body.
            with httpx.Client(base_url=server.url, timeout=30) as http:
                for path in ("/api/comments", "/api/thread", "/readyz"):
                    began = time.monotonic()
                    if path == "/api/comments":
                        r = http.post(path, json=comment("/pg", "while down"))
                    else:
                        r = http.get(path, params={"site": "default", "uri": "/pg"})
                    assert time.monotonic() - began < 5, f"{path} took too long"
                    assert_problem(r, (503,))
                    assert r.headers["retry-after"] == "1"
            time.sleep(max(0.0, 2.0 - (time.monotonic() - down_at)))
            private_postgres.start()
            up_at = time.monotonic()
            # Recovery by itself: the load's own posts succeed again, no restart of yorum.
            deadline = up_at + 30
            while time.monotonic() < deadline:
                with lock:
                    if outcomes and outcomes[-1][0] in (201, 202) and len(acked) > before + 5:
                        break
                time.sleep(0.1)
            recovered_after = time.monotonic() - up_at
            stop.set()
            for f in futures:
                f.result()
        failures = [o for o in outcomes if o[0] not in (201, 202)]
        for status, took, body in failures:
            assert status == 503, (status, body)
            assert took < 5, f"a request hung {took:.1f} s while PostgreSQL was down"
            assert '"error"' in body
        assert failures, "no request saw PostgreSQL down"
        assert recovered_after < 30, "the server did not recover by itself"
        with httpx.Client(base_url=server.url, timeout=30) as http:
            r = http.post("/api/comments", json=comment("/pg", "after recovery"))
            assert r.status_code == 201, r.text
        with psycopg.connect(private_postgres.url) as conn:
            stored = dict(conn.execute("SELECT id, text_raw FROM comments").fetchall())
        lost = [cid for cid, text in acked.items() if stored.get(cid) != text]
        assert not lost, f"acknowledged comments lost: {lost[:10]}"
        print(
            f"\nPostgreSQL down: {len(acked)} acknowledged, {len(failures)} answered 503 "
            f"(slowest {max(t for _, t, _ in failures):.2f} s), recovered "
            f"{recovered_after:.1f} s after PostgreSQL came back"
        )
    finally:
        stop.set()
        server.stop()


# -- Redis goes away ----------------------------------------------------------------------


def post_until_limited(url: str, uri: str, n: int, tag: str = "") -> list[int]:
    """Post ``n`` comments from one client; the statuses in order."""
    statuses = []
    with httpx.Client(base_url=url, timeout=10) as http:
        for i in range(n):
            began = time.monotonic()
            r = http.post("/api/comments", json=comment(uri, f"{uri} comment {tag}{i}"))
            assert time.monotonic() - began < 5, "a post waited on Redis"
            if r.status_code == 429:
                assert_problem(r, (429,))
                assert r.json()["error"] == "rate_limited" and int(r.headers["retry-after"]) > 0
            statuses.append(r.status_code)
    return statuses


def test_redis_unreachable_from_the_start_limits_count_per_process(tmp_path: Path) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    env = {"YORUM_REDIS_URL": dead, "YORUM_ABUSE_CLIENT_RATE": "4/minute"}
    server = Server(tmp_path / "data", f"sqlite:///{tmp_path / 'y.sqlite3'}", env=env)
    server.start()
    try:
        # The limit still holds, counted in this process; every other post is served.
        assert post_until_limited(server.url, "/r", 6) == [201] * 4 + [429] * 2
        r = httpx.get(f"{server.url}/api/thread", params={"site": "default", "uri": "/r"})
        assert r.status_code == 200 and r.json()["total"] == 4
    finally:
        server.stop()


def test_redis_killed_while_serving_limits_fall_back_to_the_process(tmp_path: Path) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    redis = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    env = {"YORUM_REDIS_URL": f"redis://127.0.0.1:{port}/0", "YORUM_ABUSE_CLIENT_RATE": "3/minute"}
    server = Server(tmp_path / "data", f"sqlite:///{tmp_path / 'y.sqlite3'}", env=env)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket_to(port):
                    break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        server.start()
        assert post_until_limited(server.url, "/k", 2) == [201, 201]  # counted in Redis
        redis.kill()
        redis.wait()
        # Redis is gone: the counts start again in this process, and posting goes on.
        assert post_until_limited(server.url, "/k", 5, "after ") == [201, 201, 201, 429, 429]
        r = httpx.get(f"{server.url}/api/thread", params={"site": "default", "uri": "/k"})
        assert r.status_code == 200 and r.json()["total"] == 5
        assert httpx.get(f"{server.url}/readyz").status_code == 200
    finally:
        server.stop()
        if redis.poll() is None:
            redis.kill()
            redis.wait()


def socket_to(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=1)


# -- The mail server is down --------------------------------------------------------------


def outbox_rows(db: Path) -> list[tuple[str, str, int, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT recipient, status, attempts, last_error FROM outbox").fetchall()
    conn.close()
    return [tuple(r) for r in rows]


def test_mail_server_down_the_outbox_keeps_the_mail_until_it_is_up(
    tmp_path: Path, smtp_servers: Callable[..., SmtpServer]
) -> None:
    smtp = smtp_servers()
    smtp.stop()  # down from the start; it comes back on the same port
    db = tmp_path / "y.sqlite3"
    settings = with_overrides(
        Settings(), server={"data_dir": str(tmp_path / "data")}, database={"url": f"sqlite:///{db}"}
    )
    services = build(settings)
    services.sites.ensure_default()
    services.sites.update("default", notify_emails=("mod@example.org",))
    services.close()
    env = {
        "YORUM_SMTP_HOST": smtp.host,
        "YORUM_SMTP_PORT": str(smtp.port),
        "YORUM_SMTP_SECURITY": "none",
        "YORUM_SMTP_TIMEOUT": "2",
        "YORUM_NOTIFY_POLL_INTERVAL": "1",
        "YORUM_NOTIFY_RETRY_BASE": "1",
        "YORUM_NOTIFY_RETRY_MAX": "2",
    }
    server = Server(tmp_path / "data", f"sqlite:///{db}", env=env)
    server.start()
    try:
        r = httpx.post(f"{server.url}/api/comments", json=comment("/m", "mail me"), timeout=10)
        assert r.status_code == 201, r.text  # posting does not wait for the mail server
        deadline = time.monotonic() + 30
        while True:
            rows = outbox_rows(db)
            if rows and rows[0][2] >= 2:
                break
            assert time.monotonic() < deadline, f"no failed attempt recorded: {rows}"
            time.sleep(0.2)
        [(recipient, status, attempts, last_error)] = rows
        assert recipient == "mod@example.org"
        assert status == "pending" and last_error, rows  # kept for a retry, not dead
        smtp.start()
        [mail] = smtp.wait_for(1, timeout=30)
        assert "mail me" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        deadline = time.monotonic() + 10
        while outbox_rows(db)[0][1] != "sent":
            assert time.monotonic() < deadline, outbox_rows(db)
            time.sleep(0.2)
        print(f"\nmail server down: {attempts} failed attempts kept, then delivered once")
        time.sleep(2.5)  # no second copy after it was sent
        assert len(smtp.messages) == 1
    finally:
        server.stop()


# -- The disk is full ---------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MB tmpfs, mounted for this test and unmounted after it."""
    disk = tmp_path / "data"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(path: Path) -> int:
    """Write ``path`` until the disk has no byte left; its size."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            while True:
                try:
                    written += f.write(b"\0" * chunk)
                except OSError:
                    break
    return written


def integrity(db: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_disk_full_answers_507_and_posting_resumes_once_space_is_freed(
    tmp_path: Path, small_disk: Path
) -> None:
    db = small_disk / "yorum.sqlite3"
    server = Server(small_disk, f"sqlite:///{db}")
    server.start()
    acked: dict[int, str] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:

            def post(text: str) -> httpx.Response:
                r = http.post("/api/comments", json=comment("/full", text))
                if r.status_code in (201, 202):
                    acked[r.json()["comment"]["id"]] = text
                return r

            for i in range(20):
                assert post(f"before the disk fills {i}").status_code == 201
            filler = small_disk / "filler"
            size = fill(filler)
            refused = None
            for i in range(200):
                r = post(f"while the disk is full {i} " + LOREM)
                if r.status_code not in (201, 202):
                    refused = r
                    break
            assert refused is not None, "the full disk took 200 posts"
            body = assert_problem(refused, (507,))
            assert body["error"] == "storage_full", body
            for i in range(3):  # and again: it stays a clear answer
                r = post(f"still full {i} " + LOREM)
                assert r.status_code == 507 and r.json()["error"] == "storage_full", r.text
            # Reading goes on; the database is intact.
            r = http.get("/api/thread", params={"site": "default", "uri": "/full", "limit": 1})
            assert r.status_code == 200 and r.json()["total"] == len(acked)
            assert httpx.get(f"{server.url}/readyz").status_code == 200
            assert integrity(db) == [("ok",)]
            filler.unlink()
            # Space is back: posting works again, without a restart.
            r = post("after space was freed " + LOREM)
            assert r.status_code == 201, r.text
        server.stop()
        assert integrity(db) == [("ok",)]
        with sqlite3.connect(db) as conn:
            stored = dict(conn.execute("SELECT id, text_raw FROM comments").fetchall())
        conn.close()
        assert {cid: stored.get(cid) for cid in acked} == acked
        print(f"\ndisk full: filled {size} bytes, {len(acked)} acknowledged, refusal 507")
    finally:
        server.stop()
