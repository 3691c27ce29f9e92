"""The WordPress importer: a real-shaped WXR export in, records out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, available, load
from yorum.importers.wordpress import WordPressImporter
from yorum.models import Status

DATA = Path(__file__).parent / "data"


def records(name: str = "wordpress.xml") -> list[ImportedComment | Skipped]:
    with (DATA / name).open("rb") as source:
        return list(load("wordpress").parse(source))


def by_id() -> dict[str, ImportedComment | Skipped]:
    return {r.source_id: r for r in records()}


def test_it_is_registered() -> None:
    assert available()["wordpress"] is WordPressImporter


def test_every_comment_of_every_item_in_file_order() -> None:
    assert [r.source_id for r in records()] == [
        "102", "101", "103", "104", "105", "201", "202", "203", "204", "205", "206", "301"
    ]  # fmt: skip


def test_a_comment_carries_its_post_author_date_and_markdown() -> None:
    assert by_id()["101"] == ImportedComment(
        source_id="101",
        thread="https://bikes.example.org/2021/05/truing-a-wheel/",
        title="Truing a wheel & other dark arts",
        parent=None,
        author="Kim",
        email="kim@example.org",
        website="",
        # WordPress's blank lines are paragraphs, its single line breaks are kept.
        text="First paragraph with **bold** & an ampersand.\n\nSecond paragraph,  \n"
        "with a line break.",
        created_at=1619866800.0,  # comment_date_gmt 2021-05-01 11:00:00
        status=Status.APPROVED,
        ip="203.0.113.9",
    )


def test_a_reply_listed_before_its_parent_names_it() -> None:
    reply = by_id()["102"]
    assert isinstance(reply, ImportedComment)
    assert reply.parent == "101" and reply.website == "https://jo.example.net"


@pytest.mark.parametrize(
    ("comment_id", "status"),
    [("104", Status.PENDING), ("105", Status.SPAM), ("201", Status.DELETED),
     ("203", Status.DELETED), ("202", Status.APPROVED)],
)  # fmt: skip
def test_comment_approved_becomes_the_status(comment_id: str, status: Status) -> None:
    comment = by_id()[comment_id]
    assert isinstance(comment, ImportedComment) and comment.status is status


def test_odd_encodings_and_missing_fields() -> None:
    comments = by_id()
    held = comments["104"]
    assert isinstance(held, ImportedComment)
    assert held.text == "Held for moderation: bisiklet sürmek güzel — ça roule! 🚲"
    assert held.created_at == 1620028800.0  # no GMT date: the local one, read as UTC
    flat = comments["206"]
    assert isinstance(flat, ImportedComment)
    assert flat.title == "Fixing a flat – fast"  # a character reference
    assert flat.author == "" and flat.email == "" and flat.parent == "777"


def test_pingbacks_trackbacks_and_unusable_comments_are_skipped() -> None:
    comments = by_id()
    assert comments["103"] == Skipped("103", "a pingback, not a comment")
    assert comments["205"] == Skipped("205", "a trackback, not a comment")
    assert comments["204"] == Skipped("204", "no valid date (comment_date_gmt)")
    assert comments["301"] == Skipped("301", "its post has no link")


def test_a_truncated_file_yields_what_came_before_then_breaks() -> None:
    with (DATA / "wordpress_truncated.xml").open("rb") as source:
        stream = load("wordpress").parse(source)
        assert [next(stream).source_id for _ in range(3)] == ["102", "101", "103"]
        with pytest.raises(BrokenInput, match=r"breaks off or is malformed: .*line 82"):
            next(stream)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "breaks off or is malformed"),
        (b"<disqus/>", "not a WordPress export"),
        (b"<rss/>", "no <channel>"),
        (b'<!DOCTYPE rss [<!ENTITY a "a">]><rss/>', "does not read"),
    ],
)
def test_what_is_not_a_wxr_export_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(BrokenInput, match=message):
        list(load("wordpress").parse(io.BytesIO(content)))
