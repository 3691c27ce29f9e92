"""Commento exports in, records out: commenters joined, states, deletions, broken input."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.importers.test_remark42 import Pipe
from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Status

EXPORT = Path(__file__).parent / "data" / "commento-export.json"


def at(text: str) -> float:
    return datetime.fromisoformat(text).astimezone(UTC).timestamp()


EXPECTED = [
    ImportedComment(
        "b2", "/posts/hello/", "", "a1", "Zoë", "zoe@example.org", "",
        "Reply to a later comment", at("2020-01-27T14:10:00.5+00:00"), Status.APPROVED,
    ),
    ImportedComment(
        "a1", "/posts/hello/", "", None, "Çağlar", "caglar@example.org",
        "https://caglar.example", "Hello **there** — ilk yorum",
        at("2020-01-27T14:08:44.061525+00:00"), Status.APPROVED, likes=3,
    ),
    ImportedComment(
        "c3", "/posts/hello/", "", None, "", "", "", "Waiting for a moderator",
        at("2020-02-01T00:00:00+00:00"), Status.PENDING, dislikes=2,
    ),
    ImportedComment(
        "d4", "/posts/hello/", "", None, "Zoë", "zoe@example.org", "", "Buy cheap watches",
        at("2020-02-02T00:00:00+00:00"), Status.SPAM,
    ),
    ImportedComment(
        "e5", "/posts/ağaç/", "", None, "Çağlar", "caglar@example.org",
        "https://caglar.example", "", at("2020-03-01T09:00:00+02:00"), Status.DELETED,
    ),
    ImportedComment(
        "f6", "/posts/ağaç/", "", "e5", "", "", "", "Only **HTML** here",
        at("2020-03-01T10:00:00+00:00"), Status.APPROVED,
    ),
    Skipped("g7", "no valid creationDate (None)"),
    Skipped("h8", "unknown state 'shadowbanned'"),
    ImportedComment(
        "i9", "/posts/ağaç/", "", None, "Çağlar", "caglar@example.org",
        "https://caglar.example", "", at("2020-03-03T00:00:00+00:00"), Status.DELETED,
    ),
]  # fmt: skip


def test_an_export_becomes_records_in_file_order() -> None:
    with EXPORT.open("rb") as source:
        assert list(load("commento").parse(source)) == EXPECTED


def test_a_gzip_export_from_a_stream_is_read_too() -> None:
    packed = io.BytesIO(gzip.compress(EXPORT.read_bytes()))
    assert list(load("commento").parse(packed)) == EXPECTED


def test_a_gzip_export_on_disk_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "commento-export.json.gz"
    path.write_bytes(gzip.compress(EXPORT.read_bytes()))
    with path.open("rb") as source:
        assert list(load("commento").parse(source)) == EXPECTED


def test_a_truncated_export_is_broken_input() -> None:
    data = EXPORT.read_bytes()
    with pytest.raises(BrokenInput, match="Not a readable Commento export"):
        list(load("commento").parse(io.BytesIO(data[: len(data) // 2])))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"version": 2, "comments": [], "commenters": []}', "version 2"),
        (b'{"comments": []}', "version None"),
        (b"<?xml version='1.0'?><disqus/>", "Not a readable Commento export"),
    ],
)
def test_what_is_not_a_commento_export_is_broken_input(content: bytes, message: str) -> None:
    with pytest.raises(BrokenInput, match=message):
        list(load("commento").parse(io.BytesIO(content)))


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_an_export_piped_in_is_read_from_a_temporary_copy(packed: bool) -> None:
    data = EXPORT.read_bytes()
    pipe = Pipe(gzip.compress(data) if packed else data)
    assert list(load("commento").parse(pipe)) == EXPECTED  # type: ignore[arg-type]
