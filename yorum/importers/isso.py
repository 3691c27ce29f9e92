"""Isso's SQLite database (``comments.db``): its ``threads`` and ``comments`` tables.

The database is opened read-only and read in order of comment id with a cursor, never
all at once. A stream that is not a file on disk is copied to a temporary file first,
since SQLite reads files. Isso's ``mode`` is 1 (published), 2 (held) or 4 (deleted);
its ``remote_addr`` is already cut short by Isso (the last part zeroed) and is kept only
as its keyed hash like any address.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped
from yorum.models import Status

MODES = {1: Status.APPROVED, 2: Status.PENDING, 4: Status.DELETED}
QUERY = """
    SELECT c.id, c.parent, c.created, c.modified, c.mode, c.remote_addr, c.text, c.author,
           c.email, c.website, c.likes, c.dislikes, t.uri, t.title
    FROM comments AS c JOIN threads AS t ON t.id = c.tid
    ORDER BY c.id
"""


class IssoImporter:
    """Isso's SQLite database."""

    name = "isso"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        path = getattr(source, "name", None)
        if isinstance(path, str) and Path(path).is_file():
            yield from self._read(Path(path))
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "comments.db"
            with copy.open("wb") as out:
                shutil.copyfileobj(source, out)
            yield from self._read(copy)

    def _read(self, path: Path) -> Iterator[Record]:
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise BrokenInput(f"Cannot open the Isso database: {exc}", field="file") from None
        try:
            rows = db.execute(QUERY)
            for row in rows:
                yield self._comment(row)
        except sqlite3.DatabaseError as exc:
            raise BrokenInput(
                f"This is not an Isso database, or it is damaged: {exc}", field="file"
            ) from None
        finally:
            db.close()

    @staticmethod
    def _comment(row: tuple[object, ...]) -> Record:
        (comment_id, parent, created, modified, mode, remote_addr, text, author, email,
         website, likes, dislikes, uri, title) = row  # fmt: skip
        source_id = str(comment_id)
        status = MODES.get(int(mode or 0))  # type: ignore[call-overload]
        if status is None:
            return Skipped(source_id, f"unknown Isso mode {mode!r}")
        if not isinstance(created, (int, float)):
            return Skipped(source_id, "no creation time")
        return ImportedComment(
            source_id=source_id,
            thread=str(uri or ""),
            title=str(title or ""),
            parent=str(parent) if parent is not None else None,
            author=str(author or ""),
            email=str(email or ""),
            website=str(website or ""),
            text=str(text or ""),
            created_at=float(created),
            status=status,
            likes=int(likes or 0),  # type: ignore[call-overload]
            dislikes=int(dislikes or 0),  # type: ignore[call-overload]
            ip=str(remote_addr or ""),
            edited_at=float(modified) if isinstance(modified, (int, float)) else None,
        )
