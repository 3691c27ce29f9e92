"""Online backups of a SQLite install, and restoring one.

``backup`` copies the database with SQLite's backup API while the server runs: readers and
writers go on, and the copy is one consistent moment of the database (the API restarts a
step when a writer changes a page it already copied). The copy is checked with
``PRAGMA integrity_check`` and the install secret is copied beside it, because edit
tokens, address hashes and mail links only work with the secret they were made with.

``restore`` puts a backup in place of the data directory's database (and secret), for a
server that is stopped. It checks the backup first and writes it under a temporary name
before renaming, so a failed restore leaves the old database as it was.

PostgreSQL installs back up with PostgreSQL's own tools (``pg_dump``), or with
``yorum export``; this module says so rather than half-doing it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from yorum.errors import Invalid
from yorum.keys import SECRET_FILE
from yorum.settings import Settings

PAGES_PER_STEP = 1024  # pages copied between yields to writers
DATABASE_FILE = "yorum.sqlite3"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    secret: Path | None  # the copied install secret, if the install has one


def _sqlite_path(settings: Settings) -> Path:
    url = settings.database_url
    if not url.startswith("sqlite:///"):
        raise Invalid(
            "yorum backup copies SQLite databases. For PostgreSQL use pg_dump (for example "
            "pg_dump --format=custom --file=yorum.dump DBNAME) or yorum export for each site.",
            field="database",
        )
    return Path(url.removeprefix("sqlite:///"))


def _secret_beside(path: Path) -> Path:
    return path.with_name(path.name + ".secret.key")


def check(path: Path) -> None:
    """Refuse a file that is not a sound yorum database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise Invalid(f"{path} is not a SQLite database ({exc}).", field="path") from None
    if result != "ok":
        raise Invalid(f"{path} fails SQLite's integrity check: {result}", field="path")
    if not {"sites", "comments", "alembic_version"} <= tables:
        raise Invalid(f"{path} is not a yorum database.", field="path")


def backup(settings: Settings, target: Path) -> BackupResult:
    """Copy the live database to ``target`` (a new file), and the secret beside it."""
    source = _sqlite_path(settings)
    if not source.exists():
        raise Invalid(f"There is no database at {source} to back up.", field="database")
    if target.exists():
        raise Invalid(f"{target} exists already; give a new file name.", field="path")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source, timeout=settings.database.busy_timeout) as live:
        with sqlite3.connect(partial) as copy:
            live.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")
    check(partial)
    os.replace(partial, target)
    secret = settings.data_path / SECRET_FILE
    copied = None
    if secret.exists():
        copied = _secret_beside(target)
        shutil.copyfile(secret, copied)
        os.chmod(copied, 0o600)
    return BackupResult(target, target.stat().st_size, copied)


def restore(settings: Settings, source: Path, *, force: bool = False) -> Path:
    """Put the backup ``source`` in place of the install's database (the server stopped)."""
    target = _sqlite_path(settings)
    check(source)
    if target.exists() and not force:
        raise Invalid(
            f"{target} exists; stop yorum serve and pass --force to replace it.", field="path"
        )
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # they belong to the database being replaced
    os.replace(partial, target)
    secret = _secret_beside(source)
    if secret.exists():
        installed = settings.data_path / SECRET_FILE
        shutil.copyfile(secret, installed)
        os.chmod(installed, 0o600)
    return target
