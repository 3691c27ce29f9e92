"""Remark42 backups (``remark42 backup`` or the daily files in ``var/backup``) as records.

A backup is JSON, one value per line: first a header (``{"version": 1, "users": [...],
"posts": [...]}``), then one comment per line: ``id``, ``pid`` (the parent's id, "" for
top level), ``text`` (rendered HTML), ``orig`` (the Markdown as typed, in recent
versions), ``user`` (``name``, ``id``, ``ip``, ``email``...), ``locator`` (``site``,
``url``), ``score``, ``votes`` (voter id -> up or down), ``time`` and ``edit.time``
(RFC 3339), ``delete``, ``title``. Backups are usually gzip files; both are read.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.importers.sources import decompressed, rfc3339
from yorum.models import Status


class Remark42Importer:
    """Reads a Remark42 backup file, plain or gzip, line by line."""

    name = "remark42"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The backup's comments in file order."""
        lines = decompressed(source)
        header_seen = False
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw.decode("utf-8", "replace"))
            except json.JSONDecodeError as exc:
                raise BrokenInput(
                    f"Line {number} is not valid JSON (is the file truncated?): {exc.msg}.",
                    field="file",
                ) from exc
            if not isinstance(value, dict):
                raise BrokenInput(f"Line {number} is not a JSON object.", field="file")
            if not header_seen:
                header_seen = True
                if "locator" not in value:
                    _check_header(value)
                    continue
            yield _record(value, number)
        if not header_seen:
            raise BrokenInput("The file is empty: not a Remark42 backup.", field="file")


def _check_header(header: dict[str, Any]) -> None:
    """The first line: Remark42 writes version 1 (older backups, version 0)."""
    version = header.get("version")
    if version not in (0, 1):
        raise BrokenInput(
            f"Not a Remark42 backup: the first line is not its header (version {version!r}).",
            field="file",
        )


def _record(comment: dict[str, Any], line: int) -> Record:
    """One comment line as a record."""
    source_id = comment.get("id")
    if not isinstance(source_id, str) or not source_id:
        return Skipped("", f"line {line}: a comment without an id")
    locator = comment.get("locator")
    url = locator.get("url") if isinstance(locator, dict) else None
    if not isinstance(url, str) or not url:
        return Skipped(source_id, f"line {line}: no page URL (locator.url)")
    created = rfc3339(comment.get("time"))
    if created is None:
        return Skipped(source_id, f"line {line}: no valid time ({comment.get('time')!r})")
    user = comment.get("user") if isinstance(comment.get("user"), dict) else {}
    assert isinstance(user, dict)
    deleted = comment.get("delete") is True
    edit = comment.get("edit")
    likes, dislikes = _votes(comment)
    parent = comment.get("pid")
    return ImportedComment(
        source_id=source_id,
        thread=url,
        title=_text(comment.get("title")),
        parent=parent if isinstance(parent, str) and parent else None,
        author=_text(user.get("name")),
        email=_text(user.get("email")),
        website="",
        text="" if deleted else _markdown(comment),
        created_at=created,
        status=Status.DELETED if deleted else Status.APPROVED,
        likes=likes,
        dislikes=dislikes,
        ip=_address(user.get("ip")),
        edited_at=rfc3339(edit.get("time")) if isinstance(edit, dict) else None,
    )


def _markdown(comment: dict[str, Any]) -> str:
    """The text as its author wrote it (``orig``), else the rendered HTML converted."""
    orig = comment.get("orig")
    if isinstance(orig, str) and orig.strip():
        return orig
    return html_to_markdown(_text(comment.get("text")))


def _votes(comment: dict[str, Any]) -> tuple[int, int]:
    """Likes and dislikes from the voters, or from the score when voters are not kept."""
    votes = comment.get("votes")
    if isinstance(votes, dict) and votes:
        up = sum(1 for v in votes.values() if v is True)
        return up, len(votes) - up
    score = comment.get("score")
    if isinstance(score, int):
        return max(score, 0), max(-score, 0)
    return 0, 0


def _address(value: Any) -> str:
    """The user's address, if the backup holds a real one.

    Remark42 usually stores a keyed hash of the address instead; yorum cannot use that
    (it would not match the same reader's address later), so it is left out.
    """
    if not isinstance(value, str):
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
