"""Shared fixtures: settings on a temporary data directory, services, an HTTP client.

Storage and API tests run on SQLite always, and on PostgreSQL too when
``YORUM_TEST_DATABASE_URL`` is set (each test then gets a schema of its own).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from starlette.testclient import TestClient

from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import Store, migrate, normalize_url
from yorum.web import create_app

# Fixtures that live in modules of their own, for any test to use: a webhook receiver,
# and the smtp_server and smtp_servers fixtures.
pytest_plugins = ["tests.receiver", "tests.smtp"]

PG_URL = os.environ.get("YORUM_TEST_DATABASE_URL", "")

# Abuse settings that let every comment through the gate.
OPEN_GATE = {"client_rate": "", "thread_rate": "", "proof_of_work": False, "min_submit_seconds": 0}


class FakeClock:
    """A clock tests move by hand, so windows and ages need no sleeping."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


DATABASES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="YORUM_TEST_DATABASE_URL not set"),
    ),
]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for a database of each kind under test, with yorum's schema and
    nothing else (copied from one migrated once per test process: migrating every
    test's database took a fifth of the suite)."""
    if request.param == "sqlite":
        path = tmp_path / "yorum.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    with postgresql_schema(migrated=True) as url:
        yield url


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty database of each kind under test (no schema yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yorum.sqlite3'}"
        return
    with postgresql_schema() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated to the newest schema, for tests to copy."""
    path = tmp_path_factory.mktemp("template") / "yorum.sqlite3"
    store = Store.open(f"sqlite:///{path}")
    migrate.upgrade(store)
    store.close()
    return path


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A URL for an empty PostgreSQL database (a schema of its own); skips without one."""
    if not PG_URL:
        pytest.skip("YORUM_TEST_DATABASE_URL not set")
    with postgresql_schema() as url:
        yield url


_PG_PLAIN = PG_URL.replace("postgresql+psycopg://", "postgresql://")
_pg_schema_sql: list[str] = []  # yorum's schema as SQL, made once per test process
_TEMPLATE = "yorum_template_schema"


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return normalize_url(PG_URL) + f"{sep}options=-csearch_path%3D{schema}"


def _pg_schema_script() -> str:
    """The SQL that creates yorum's newest schema in the schema ``_TEMPLATE``, read with
    pg_dump from a schema that the migrations made."""
    if not _pg_schema_sql:
        schema = f"{_TEMPLATE}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_PG_PLAIN, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            store = Store.open(_schema_url(schema))
            migrate.upgrade(store)
            store.close()
            dump = subprocess.run(
                ["pg_dump", "--schema", schema, "--inserts", "--no-owner", "--no-privileges",
                 _PG_PLAIN],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
        finally:
            with psycopg.connect(_PG_PLAIN, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        lines = [  # psql's own commands (\\restrict) and the schema, which is made apart
            line for line in dump.splitlines() if not line.startswith(("\\", "CREATE SCHEMA"))
        ]
        _pg_schema_sql.append("\n".join(lines).replace(schema, _TEMPLATE))
    return _pg_schema_sql[0]


@contextmanager
def postgresql_schema(*, migrated: bool = False) -> Iterator[str]:
    """A fresh schema in the test PostgreSQL database, dropped afterwards, as a URL; with
    ``migrated``, holding yorum's newest schema."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    script = _pg_schema_script().replace(_TEMPLATE, schema) if migrated else ""
    with psycopg.connect(_PG_PLAIN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        if script:
            conn.execute(script.encode())
    try:
        yield _schema_url(schema)
    finally:
        with psycopg.connect(_PG_PLAIN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Default settings on a temporary data directory and the database under test.

    Posting is not rate-limited here and needs no proof of work, since tests post fast
    from one address; the gate has tests of its own (tests/test_abuse.py).
    """
    return with_overrides(
        Settings(),
        server={"data_dir": str(tmp_path / "data")},
        database={"url": database_url},
        abuse=OPEN_GATE,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    """Services with the ``default`` site, on a fresh database."""
    svc = build(settings, clock=clock)
    svc.sites.ensure_default()
    yield svc
    svc.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    """An HTTP client for the app built on ``services``."""
    with TestClient(create_app(services)) as test_client:
        yield test_client


def post(client: TestClient, text: str = "Hello", **fields: object) -> dict[str, object]:
    """Post a comment to ``/t`` of the default site and return the response body."""
    body = {"site": "default", "uri": "/t", "text": text, **fields}
    response = client.post("/api/comments", json=body)
    assert response.status_code in (201, 202), response.text
    data: dict[str, object] = response.json()
    return data
