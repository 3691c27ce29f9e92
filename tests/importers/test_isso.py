"""The Isso importer: a database made here with Isso's tables, read and imported."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Policy, Status
from yorum.services import Services

SCHEMA = """
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
INSERT INTO threads VALUES (1, '/blog/hello/', 'Hello, İstanbul');
INSERT INTO comments VALUES (1, 1, NULL, 1700000000.5, NULL, 1, '198.51.100.0',
    'First, with **Markdown**', 'Ayşe', 'ayse@example.org', 'https://ayse.example', 3, 1, x'', 0);
INSERT INTO comments VALUES (1, 2, 1, 1700000100.0, 1700000200.0, 1, '203.0.113.0',
    'A reply', NULL, NULL, NULL, 0, 0, x'', 0);
INSERT INTO comments VALUES (1, 3, NULL, 1700000300.0, NULL, 4, '', '', NULL, NULL, NULL,
    0, 0, x'', 0);
INSERT INTO comments VALUES (1, 4, 3, 1700000400.0, NULL, 2, '', 'waiting under a deleted one',
    'Can', NULL, NULL, 0, 0, x'', 0);
INSERT INTO comments VALUES (1, 5, NULL, 1700000500.0, NULL, 8, '', 'odd mode', NULL, NULL,
    NULL, 0, 0, x'', 0);
"""


@pytest.fixture
def isso_db(tmp_path: Path) -> Path:
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
    return path


def test_rows_become_records(isso_db: Path) -> None:
    with isso_db.open("rb") as source:
        found = {r.source_id: r for r in load("isso").parse(source)}
    first = found["1"]
    assert isinstance(first, ImportedComment)
    assert (first.thread, first.title, first.text) == (
        "/blog/hello/", "Hello, İstanbul", "First, with **Markdown**",
    )  # fmt: skip
    assert (first.likes, first.dislikes, first.ip) == (3, 1, "198.51.100.0")
    assert found["2"].parent == "1" and found["2"].edited_at == 1700000200.0  # type: ignore[union-attr]
    assert found["3"].status is Status.DELETED  # type: ignore[union-attr]
    assert found["5"] == Skipped("5", "unknown Isso mode 8")


def test_a_stream_is_copied_and_a_non_database_refused(isso_db: Path) -> None:
    records = list(load("isso").parse(io.BytesIO(isso_db.read_bytes())))
    assert len(records) == 5
    with pytest.raises(BrokenInput) as caught:
        list(load("isso").parse(io.BytesIO(b"this is no database" * 200)))
    assert "not an Isso database" in caught.value.message


def test_imported_with_votes_and_held_comments(services: Services, isso_db: Path) -> None:
    services.sites.add("blog", origins=["*"], policy=Policy.OPEN)
    with isso_db.open("rb") as source:
        report = services.imports.run("blog", load("isso").parse(source), source="isso")
    assert report.imported == 4 and report.skipped["unknown Isso mode 8"] == 1
    # readers see the first comment and its reply; the deleted one only holds Can's
    # comment, which waits for a moderator, so it is not shown
    [top] = services.comments.page("blog", "/blog/hello/").nodes
    assert (top.comment.likes, top.comment.dislikes) == (3, 1)
    assert [r.comment.text_raw for r in top.replies] == ["A reply"]
    [held] = services.moderation.pending("blog")
    assert held.comment.author == "Can" and held.comment.parent_id is not None
