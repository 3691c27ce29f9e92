"""Storage: one ``Store`` over SQLite or PostgreSQL, reached through SQLAlchemy Core.

``Store.open(url)`` connects; ``store.read()`` and ``store.write()`` hand out a
transaction (``Tx``) that the query modules beside this one (``sites``, ``threads``,
``comments``) take as their first argument. Nothing outside this package imports
SQLAlchemy.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from yorum.errors import StorageBusy, StorageFull, StorageUnavailable
from yorum.storage.group_commit import GroupCommit
from yorum.storage.writer_lock import WriterLock

Tx = Connection
"""An open transaction, passed to the query functions of the storage modules."""

T = TypeVar("T")

log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def redact_url(url: str) -> str:
    """A database URL fit for printing: the password hidden."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


class Store:
    """The database: transactions, health, and a cheap 'has anything changed?' probe."""

    def __init__(self, engine: Engine, busy_timeout: float = 30) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.busy_timeout = busy_timeout
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self._writer: WriterLock | None = None
        if self.is_sqlite:
            database = engine.url.database
            on_disk = Path(database) if database and database != ":memory:" else None
            self._writer = WriterLock(on_disk, busy_timeout)
        self.group_commit = GroupCommit(self.write) if self.is_sqlite else None

    @classmethod
    def open(cls, url: str, *, busy_timeout: int = 30) -> Store:
        """Connect to ``url``; SQLite gets WAL, ``synchronous=FULL`` and foreign keys."""
        url = normalize_url(url)
        if make_url(url).get_backend_name() == "sqlite":
            engine = create_engine(
                url,
                pool_size=8,
                max_overflow=8,
                connect_args={"timeout": busy_timeout, "check_same_thread": False},
                hide_parameters=True,  # errors must not carry comments' text into logs
            )
            _configure_sqlite(engine, busy_timeout)
        else:
            engine = create_engine(
                url, pool_size=8, max_overflow=16, pool_pre_ping=True, hide_parameters=True
            )
        return cls(engine, busy_timeout)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (a consistent snapshot)."""
        with self._translate_errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, bulk: bool = False) -> Iterator[Tx]:
        """A write transaction; on SQLite it takes the write lock up front.

        ``bulk``: one of many batches of a bulk load (``yorum import``), which can be run
        again if the machine fails: on SQLite its commit skips the fsync of the WAL
        (``synchronous=NORMAL``: still atomic and consistent, only perhaps not on disk
        yet when it returns). Comments posted by readers never take this path.
        """
        if self._writer is None:
            with self._translate_errors(), self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._writer.held() as turn:
            if not turn:
                raise StorageBusy("The database is busy; please try again.")
            with self._translate_errors(), self.engine.connect() as conn:
                conn.execution_options(yorum_begin="BEGIN IMMEDIATE")
                raw: Any = conn.connection.dbapi_connection
                if bulk:  # outside the transaction: SQLite refuses it inside one
                    raw.execute("PRAGMA synchronous=NORMAL")
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if bulk:
                        raw.execute("PRAGMA synchronous=FULL")

    def write_grouped(self, work: Callable[[Tx], T]) -> T:
        """Run ``work(tx)`` in a write transaction, possibly shared with other threads' work.

        On SQLite, writes that arrive together commit together, with one fsync
        (``group_commit``); ``work`` runs in a savepoint, so if it raises, only its own
        changes are undone. Returns ``work``'s result once the commit is on disk. Elsewhere
        this is ``work`` in a transaction of its own. ``work`` must only touch the database
        through ``tx``: it may run on another thread.
        """
        if self.group_commit is None:
            with self.write() as tx:
                return work(tx)
        return self.group_commit.run(work)

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """Failures of the database itself as domain errors, which answer 503 or 507.

        SQLite: locked (``busy``), or its disk full (``storage_full``). PostgreSQL: the
        server cannot be reached or dropped the connection (``unavailable``); the pool's
        next connection finds it again once it is back.
        """
        try:
            yield
        except OperationalError as exc:
            if self.is_sqlite and "locked" in str(exc.orig):
                raise StorageBusy("The database is busy; please try again.") from exc
            if self.is_sqlite and "disk is full" in str(exc.orig):
                log.error("database: the disk is full (%s)", exc.orig)
                raise StorageFull("The server's disk is full; nothing was stored.") from exc
            if not self.is_sqlite:
                log.warning("database unavailable: %s", str(exc.orig).strip())
                raise StorageUnavailable(
                    "The database cannot be reached; please try again."
                ) from exc
            raise
        except DBAPIError as exc:
            if exc.connection_invalidated and not self.is_sqlite:
                log.warning("database connection lost: %s", str(exc.orig).strip())
                raise StorageUnavailable(
                    "The database cannot be reached; please try again."
                ) from exc
            raise

    @property
    def has_change_token(self) -> bool:
        """Whether ``change_token`` gives numbers (SQLite) rather than None."""
        return self.is_sqlite

    def change_token(self) -> int | None:
        """A number that changes whenever any connection commits, or None if unknown.

        On SQLite this is ``PRAGMA data_version`` read on a connection of its own, which
        changes when any other connection (in this process or another) commits; it costs
        microseconds, so caches can check it on every request. Other databases return
        None, and callers ask the database directly.
        """
        if not self.is_sqlite:
            return None
        with self._watch_lock:
            if self._watch is None:
                database = self.engine.url.database or ""
                self._watch = sqlite3.connect(
                    database, check_same_thread=False, isolation_level=None
                )
            row = self._watch.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    async def changed_threads(self) -> AsyncIterator[int]:
        """Ids of threads as writers in any process commit changes to them (PostgreSQL).

        Listens on its own connection; ends when the connection is lost (the caller may
        listen again). SQLite has no such channel: watch ``change_token`` instead.
        """
        from yorum.storage.threads import CHANNEL

        async for payload in self.notifications(CHANNEL):
            if payload.isdigit():
                yield int(payload)

    async def notifications(
        self, channel: str, connected: Callable[[], None] | None = None
    ) -> AsyncIterator[str]:
        """The payloads of PostgreSQL ``NOTIFY`` on ``channel``, from any process, as they come.

        Listens on a connection of its own, outside the pool; ``connected`` is called once
        it listens. Ends when the connection is lost (raising ``OSError`` or a psycopg
        error); the caller may listen again.
        """
        import psycopg

        url = self.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
            await conn.execute(f"LISTEN {channel}")
            if connected is not None:
                connected()
            async for note in conn.notifies():
                yield note.payload

    def ping(self) -> None:
        """Run a trivial query; raises if the database cannot answer."""
        with self.read() as tx:
            tx.execute(text("SELECT 1"))

    def close(self) -> None:
        """Release every connection."""
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        if self._writer is not None:
            self._writer.close()
        self.engine.dispose()


def _configure_sqlite(engine: Engine, busy_timeout: int) -> None:
    """Take over transaction control from pysqlite and set the durability pragmas."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout) * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("yorum_begin", "BEGIN"))
