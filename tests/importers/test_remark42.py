"""Remark42 backups in, records out: plain and gzip, nesting, deletions, broken lines."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Status

BACKUP = Path(__file__).parent / "data" / "remark42-backup.jsonl"
HELLO = "https://blog.example.org/hello/"
CAY = "https://blog.example.org/çay/"


def at(text: str) -> float:
    return datetime.fromisoformat(text).astimezone(UTC).timestamp()


EXPECTED = [
    ImportedComment(
        "c2", HELLO, "Hello, world", "c3", "Ümit Öz", "", "", "Reply **first**",
        at("2023-05-01T10:20:30.123456+03:00"), Status.APPROVED, likes=2,
    ),
    ImportedComment(
        "c3", HELLO, "Hello, world", None, "Jane", "jane@example.org", "",
        "A _top-level_ comment with a [link](https://example.org/x)",
        at("2023-05-01T07:00:00+00:00"), Status.APPROVED, likes=1, dislikes=2,
        ip="192.0.2.10", edited_at=at("2023-05-01T07:05:00.5+00:00"),
    ),
    ImportedComment(
        "c4", CAY, "", None, "deleted", "", "", "", at("2023-06-02T12:00:00+00:00"),
        Status.DELETED,
    ),
    ImportedComment(
        "c5", CAY, "", "c4", "سلمى", "", "", "مرحبا 👋 — çok güzel",
        at("2023-06-02T12:30:00+00:00"), Status.APPROVED,
    ),
    ImportedComment(
        "c6", CAY, "", None, "Bob", "", "", "", at("2023-06-03T08:00:00+00:00"), Status.DELETED
    ),
    ImportedComment(
        "c7", "/bare/", "", None, "", "", "", "", at("2023-07-01T00:00:00+00:00"),
        Status.APPROVED,
    ),
    Skipped("c8", "line 9: no page URL (locator.url)"),
    Skipped("c9", "line 10: no valid time ('0001-01-01T00:00:00Z')"),
]  # fmt: skip


def test_a_backup_becomes_records_in_file_order() -> None:
    with BACKUP.open("rb") as source:
        assert list(load("remark42").parse(source)) == EXPECTED


def test_a_gzip_backup_is_read_as_it_is_decompressed() -> None:
    packed = io.BytesIO(gzip.compress(BACKUP.read_bytes()))
    assert list(load("remark42").parse(packed)) == EXPECTED


def test_a_truncated_line_is_broken_input_after_the_lines_before_it() -> None:
    lines = BACKUP.read_bytes().splitlines(keepends=True)
    cut = b"".join(lines[:3]) + lines[3][:40]
    records = load("remark42").parse(io.BytesIO(cut))
    assert [r.source_id for r in (next(records), next(records))] == ["c2", "c3"]
    with pytest.raises(BrokenInput, match="Line 4 is not valid JSON"):
        next(records)


def test_a_truncated_gzip_file_is_broken_input() -> None:
    packed = gzip.compress(BACKUP.read_bytes() * 50)
    with pytest.raises(BrokenInput, match="gzip file is damaged or truncated"):
        list(load("remark42").parse(io.BytesIO(packed[: len(packed) // 2])))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"hello": "world"}\n', "first line is not its header"),
        (b"SQLite format 3\x00\x10\x00\x01\x01", "Line 1 is not valid JSON"),
        (b'["version", 1]\n', "Line 1 is not a JSON object"),
        (b"\n\n", "The file is empty"),
    ],
)
def test_what_is_not_a_backup_is_broken_input(content: bytes, message: str) -> None:
    with pytest.raises(BrokenInput, match=message):
        list(load("remark42").parse(io.BytesIO(content)))


class Pipe(io.RawIOBase):
    """A stream that cannot seek, as standard input from a pipe."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        return self.data.readinto(buffer)


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_backup_piped_in_is_read_without_seeking(packed: bool) -> None:
    data = BACKUP.read_bytes()
    pipe = Pipe(gzip.compress(data) if packed else data)
    assert not pipe.seekable()
    assert list(load("remark42").parse(pipe)) == EXPECTED  # type: ignore[arg-type]
