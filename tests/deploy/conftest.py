"""Fixtures for the deployment tests: two ``yorum serve`` processes on one PostgreSQL
schema and one Redis, behind the shipped nginx site file.

Everything here skips cleanly without nginx (``make test`` installs it when it may) or
without ``YORUM_TEST_DATABASE_URL`` and ``YORUM_TEST_REDIS_URL``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest

from tests.deploy.nginx import Nginx, nginx_binary
from tests.servers import Server
from yorum.keys import SECRET_FILE
from yorum.storage import normalize_url

PG_URL = os.environ.get("YORUM_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("YORUM_TEST_REDIS_URL", "")
THREAD = "/deploy"


@pytest.fixture(scope="module")
def nginx_path() -> str:
    found = nginx_binary()
    if found is None:
        pytest.skip("nginx not installed (make test installs it from Debian's packages)")
    return found


@contextlib.contextmanager
def fresh_schema() -> Iterator[tuple[str, str]]:
    """A new PostgreSQL schema: (the URL yorum is given, the schema's name); dropped after."""
    if not PG_URL or not REDIS_URL:
        pytest.skip("YORUM_TEST_DATABASE_URL and YORUM_TEST_REDIS_URL are both needed")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield normalize_url(PG_URL) + f"{sep}options=-csearch_path%3D{schema}", schema
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


class Cluster:
    """Processes A and B (as on two machines: own data directories, one copied secret)
    behind nginx."""

    def __init__(self, root: Path, database_url: str, schema: str, env: dict[str, str]) -> None:
        self.schema = schema
        secret = secrets.token_hex(32) + "\n"
        servers = []
        for name in ("a", "b"):
            data = root / name / "data"
            data.mkdir(mode=0o700, parents=True)
            (data / SECRET_FILE).write_text(secret)
            (data / SECRET_FILE).chmod(0o600)
            servers.append(Server(data, database_url, env={"YORUM_REDIS_URL": REDIS_URL, **env}))
        self.a, self.b = servers
        (root / "nginx").mkdir()
        self.nginx = Nginx(root / "nginx", [f"127.0.0.1:{s.port}" for s in servers])

    def start(self, nginx: str) -> None:
        # Both at once on an empty database: one migrates and adds the first site while
        # the other waits for it (tests/test_processes.py has three).
        failures: list[BaseException] = []

        def start(server: Server) -> None:
            try:
                server.start()
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)

        threads = [threading.Thread(target=start, args=(s,)) for s in (self.a, self.b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        self.nginx.start(nginx)

    def client(self) -> httpx.Client:
        """A client of nginx over HTTPS."""
        return httpx.Client(
            base_url=self.nginx.url,
            verify=self.nginx.ssl_context(),
            timeout=httpx.Timeout(10, read=30),
        )

    def stored_texts(self) -> list[str]:
        """Every comment text in the database, read with SQL, not through yorum."""
        plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            return [row[0] for row in conn.execute("SELECT text_raw FROM comments")]

    def stop(self) -> None:
        self.nginx.stop()
        running = [s for s in (self.a, self.b) if s.process and s.process.poll() is None]
        for server in running:  # both stop at once: a test's teardown is not a stop test
            assert server.process is not None
            server.process.send_signal(signal.SIGTERM)
        for server in running:
            server.stop()


@pytest.fixture
def cluster_with(tmp_path: Path, nginx_path: str) -> Iterator[Callable[..., Cluster]]:
    """Start a cluster, on a schema of its own, with extra ``YORUM_*`` settings."""
    with contextlib.ExitStack() as stack:

        def make(**env: str) -> Cluster:
            cluster = Cluster(tmp_path, *stack.enter_context(fresh_schema()), env)
            stack.callback(cluster.stop)
            cluster.start(nginx_path)
            return cluster

        yield make


@pytest.fixture
def cluster(cluster_with: Callable[..., Cluster]) -> Cluster:
    """A cluster for one test, which may kill or stop its processes."""
    return cluster_with()


@pytest.fixture(scope="module")
def shared_cluster(tmp_path_factory: pytest.TempPathFactory, nginx_path: str) -> Iterator[Cluster]:
    """A cluster for the tests of a module that neither stop a process nor store a comment
    another of them could see (starting one costs seconds)."""
    with fresh_schema() as (url, schema):
        cluster = Cluster(tmp_path_factory.mktemp("cluster"), url, schema, {})
        try:
            cluster.start(nginx_path)
            yield cluster
        finally:
            cluster.stop()
