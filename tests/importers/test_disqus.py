"""The Disqus importer: a real-shaped export in, records out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, available, load
from yorum.importers.disqus import DisqusImporter
from yorum.models import Status

DATA = Path(__file__).parent / "data"


def records(name: str) -> list[ImportedComment | Skipped]:
    with (DATA / name).open("rb") as source:
        return list(load("disqus").parse(source))


def by_id(name: str = "disqus.xml") -> dict[str, ImportedComment | Skipped]:
    return {r.source_id: r for r in records(name)}


def test_it_is_registered() -> None:
    assert available()["disqus"] is DisqusImporter


def test_every_post_becomes_a_record_in_file_order() -> None:
    ids = [r.source_id for r in records("disqus.xml")]
    assert ids == ["9001", "9003", "9002", *(str(n) for n in range(9004, 9016))]


def test_a_post_carries_its_thread_author_date_and_markdown() -> None:
    post = by_id()["9001"]
    assert post == ImportedComment(
        source_id="9001",
        thread="https://blog.example.org/2019/green-tea/",
        title="Green tea & its temperatures",
        parent=None,
        author="Ann Brewer",
        email="ann@example.net",
        website="",
        text="Lovely article. I brew at **80°C** & it is never bitter.\n\n"
        "See [my notes](https://example.net/brewing).",
        created_at=1551518100.0,  # 2019-03-02T09:15:00Z
        status=Status.APPROVED,
        ip="198.51.100.7",
    )


def test_replies_name_their_parent_even_when_it_comes_later() -> None:
    posts = by_id()
    assert isinstance(posts["9003"], ImportedComment) and posts["9003"].parent == "9002"
    assert isinstance(posts["9002"], ImportedComment) and posts["9002"].parent == "9001"


@pytest.mark.parametrize(
    ("post_id", "status"),
    [("9004", Status.DELETED), ("9006", Status.DELETED), ("9007", Status.SPAM),
     ("9008", Status.PENDING), ("9005", Status.APPROVED)],
)  # fmt: skip
def test_flags_become_the_status(post_id: str, status: Status) -> None:
    post = by_id()[post_id]
    assert isinstance(post, ImportedComment) and post.status is status


def test_odd_encodings_come_through() -> None:
    posts = by_id()
    cay = posts["9010"]
    assert isinstance(cay, ImportedComment)
    assert cay.thread == "https://blog.example.org/çay/"
    assert cay.title == "Çay, demlik & semaver"  # CDATA
    assert cay.text == "Çok güzel bir yazı — teşekkürler! 🍵 <script> stays text."
    assert cay.created_at == 1555045200.0  # +03:00 taken into account
    assert cay.author == "" and cay.email == ""  # no <author> at all


def test_records_that_cannot_be_used_are_skipped_with_a_reason() -> None:
    posts = by_id()
    assert posts["9011"] == Skipped("9011", "no valid date (createdAt)")
    assert posts["9012"] == Skipped("9012", "its thread is not in the export")
    assert posts["9013"] == Skipped("9013", "its thread has no link")
    assert posts["9015"] == Skipped("9015", "empty message")


def test_a_truncated_file_yields_what_came_before_then_breaks() -> None:
    source = (DATA / "disqus_truncated.xml").open("rb")
    stream = load("disqus").parse(source)
    assert [next(stream).source_id, next(stream).source_id] == ["9001", "9003"]
    with pytest.raises(BrokenInput, match=r"breaks off or is malformed: .*line 82"):
        next(stream)
    source.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "breaks off or is malformed"),
        (b"<rss><channel/></rss>", "not a Disqus export"),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><disqus/>', "does not read"),
    ],
)
def test_what_is_not_a_disqus_export_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(BrokenInput, match=message):
        list(load("disqus").parse(io.BytesIO(content)))
