"""Isso's SQLite database in, records out."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Status

DATA = Path(__file__).parent / "data"


def isso_db(tmp_path: Path, script: str = "isso.sql") -> Path:
    """An Isso database file built from one of the SQL scripts in data/."""
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as db:
        db.executescript((DATA / script).read_text(encoding="utf-8"))
    db.close()
    return path


EXPECTED = [
    ImportedComment(
        "1", "/blog/hello/", "Hello, world", None, "Ayşe Yılmaz", "ayse@example.org",
        "https://ayse.example", "First **comment**", 1500000000.5, Status.APPROVED,
        likes=3, dislikes=1, ip="203.0.113.0",
    ),
    ImportedComment(
        "2", "/blog/çay-saati/", "", "5", "Omar", "", "", "Replying to a later id",
        1500000300.0, Status.APPROVED, ip="198.51.100.0",
    ),
    ImportedComment(
        "3", "/blog/hello/", "Hello, world", None, "", "", "", "", 1500000100.0,
        Status.DELETED, ip="203.0.113.0",
    ),
    ImportedComment(
        "4", "/blog/hello/", "Hello, world", "3", "Anonymous", "", "", "Pending reply",
        1500000200.0, Status.PENDING, ip="2001:db8::",
    ),
    ImportedComment(
        "5", "/blog/çay-saati/", "", None, "سلمى", "salma@example.org", "", "مرحبا بالعالم",
        1500000250.0, Status.APPROVED, dislikes=2, ip="192.0.2.0", edited_at=1500000260.25,
    ),
    ImportedComment(
        "6", "/blog/çay-saati/", "", None, "Zoë", "", "", "Caf\ufffd con croissant",
        1500000270.0, Status.APPROVED, ip="192.0.2.0",
    ),
    Skipped("7", "its thread 99 is not in the threads table"),
    Skipped("8", "unknown moderation mode 3"),
    ImportedComment(
        "9", "/blog/hello/", "Hello, world", None, "", "", "", "", 1500000295.0, Status.DELETED
    ),
]  # fmt: skip


def test_an_isso_database_becomes_records_in_order_of_id(tmp_path: Path) -> None:
    path = isso_db(tmp_path)
    with path.open("rb") as source:
        records = list(load("isso").parse(source))
    assert records == EXPECTED


def test_a_stream_that_is_not_a_file_is_read_from_a_temporary_copy(tmp_path: Path) -> None:
    data = isso_db(tmp_path).read_bytes()
    records = list(load("isso").parse(io.BytesIO(data)))
    assert records == EXPECTED
    assert not list(tmp_path.glob("yorum-import-*"))


def test_the_database_is_opened_read_only(tmp_path: Path) -> None:
    path = isso_db(tmp_path)
    before = path.read_bytes()
    with path.open("rb") as source:
        list(load("isso").parse(source))
    assert path.read_bytes() == before


def test_an_early_isso_database_without_vote_columns(tmp_path: Path) -> None:
    path = isso_db(tmp_path, "isso-old.sql")
    with path.open("rb") as source:
        records = list(load("isso").parse(source))
    assert records == [
        ImportedComment(
            "1", "/old/", "", None, "Ann", "", "", "Old one", 1400000000.0, Status.APPROVED,
            ip="192.0.2.0",
        )
    ]  # fmt: skip


def test_a_file_that_is_not_a_database_is_broken_input(tmp_path: Path) -> None:
    path = tmp_path / "comments.db"
    path.write_bytes(b"<?xml version='1.0'?><disqus></disqus>" * 200)
    with path.open("rb") as source, pytest.raises(BrokenInput, match="not SQLite"):
        list(load("isso").parse(source))


def test_a_sqlite_file_without_isso_tables_is_broken_input(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY, uri TEXT)")
    db.close()
    with path.open("rb") as source, pytest.raises(BrokenInput, match="no table 'comments'"):
        list(load("isso").parse(source))


def test_a_comments_table_missing_a_needed_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY, uri TEXT)")
        db.execute("CREATE TABLE comments (id INTEGER PRIMARY KEY, tid INTEGER, text TEXT)")
    db.close()
    with path.open("rb") as source, pytest.raises(BrokenInput, match="lacks parent, created, mode"):
        list(load("isso").parse(source))
