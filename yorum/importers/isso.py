"""Isso's SQLite database (``comments.db``) as ``ImportedComment`` records.

Isso keeps a ``threads`` table (id, uri, title) and a ``comments`` table whose ``mode`` is
1 (accepted), 2 (waiting for moderation) or 4 (deleted; Isso keeps such a row only while
it has replies). Text is Markdown, as yorum stores it; ``remote_addr`` is already
anonymized by Isso (the last part zeroed) and is carried as the address to hash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped
from yorum.importers.sources import on_disk
from yorum.models import Status

_MODES = {1: Status.APPROVED, 2: Status.PENDING, 4: Status.DELETED}
_REQUIRED = {
    "threads": ("id", "uri"),
    "comments": ("id", "tid", "parent", "created", "mode", "text"),
}
# Columns some Isso versions lack, and what a comment has when they are missing.
_OPTIONAL = {
    "title": "NULL",
    "modified": "NULL",
    "remote_addr": "''",
    "author": "''",
    "email": "''",
    "website": "''",
    "likes": "0",
    "dislikes": "0",
}
_THREAD_COLUMNS = {"title"}


class IssoImporter:
    """Reads an Isso database file, comment by comment in order of id."""

    name = "isso"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """Isso's comments, oldest id first, read with a cursor (never all at once)."""
        with on_disk(source) as path:
            yield from self._read(path)

    def _read(self, path: Path) -> Iterator[Record]:
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise BrokenInput(f"Cannot open the Isso database: {exc}", field="file") from exc
        # Text that is not UTF-8 (written by an old client) is kept, with U+FFFD for what
        # cannot be decoded, instead of stopping the import.
        db.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            query = _query(db)
            try:
                rows = db.execute(query)
            except sqlite3.Error as exc:
                raise BrokenInput(f"Cannot read the Isso database: {exc}", field="file") from exc
            while True:
                try:
                    row = rows.fetchone()
                except sqlite3.Error as exc:
                    raise BrokenInput(f"The Isso database is damaged: {exc}", field="file") from exc
                if row is None:
                    return
                yield _record(row)
        finally:
            db.close()


def _query(db: sqlite3.Connection) -> str:
    """The SELECT over Isso's tables, with defaults for the columns this version lacks."""
    columns: dict[str, set[str]] = {}
    try:
        for table in _REQUIRED:
            found = db.execute(f"PRAGMA table_info({table})").fetchall()
            columns[table] = {str(r[1]) for r in found}
    except sqlite3.DatabaseError as exc:
        raise BrokenInput(f"Not an Isso database (not SQLite at all): {exc}", field="file") from exc
    for table, required in _REQUIRED.items():
        if not columns[table]:
            raise BrokenInput(f"Not an Isso database: it has no table {table!r}.", field="file")
        missing = [c for c in required if c not in columns[table]]
        if missing:
            raise BrokenInput(
                f"Not an Isso database: table {table!r} lacks {', '.join(missing)}.", field="file"
            )
    optional = []
    for column, default in _OPTIONAL.items():
        table, alias = ("threads", "t") if column in _THREAD_COLUMNS else ("comments", "c")
        present = column in columns[table]
        optional.append(f"{alias}.{column}" if present else f"{default} AS {column}")
    return (
        "SELECT c.id, c.tid, t.uri, c.parent, c.created, c.mode, c.text, "
        + ", ".join(optional)
        + " FROM comments AS c LEFT JOIN threads AS t ON t.id = c.tid ORDER BY c.id"
    )


def _record(row: tuple[Any, ...]) -> Record:
    """One row of ``_query`` as a record."""
    (cid, tid, uri, parent, created, mode, text, title, modified, addr, author, email,
     website, likes, dislikes) = row  # fmt: skip
    source_id = str(cid)
    if uri is None:
        return Skipped(source_id, f"its thread {tid} is not in the threads table")
    status = _MODES.get(mode)
    if status is None:
        return Skipped(source_id, f"unknown moderation mode {mode!r}")
    if not isinstance(created, int | float):
        return Skipped(source_id, f"no valid creation time ({created!r})")
    return ImportedComment(
        source_id=source_id,
        thread=str(uri),
        title=str(title or ""),
        parent=str(parent) if parent is not None else None,
        author=str(author or ""),
        email=str(email or ""),
        website=str(website or ""),
        text="" if status is Status.DELETED else str(text or ""),
        created_at=float(created),
        status=status,
        likes=_count(likes),
        dislikes=_count(dislikes),
        ip=str(addr or ""),
        edited_at=float(modified) if isinstance(modified, int | float) else None,
    )


def _count(value: Any) -> int:
    """A vote count as stored, or 0 when it is missing or not a number."""
    return max(0, int(value)) if isinstance(value, int | float) else 0
