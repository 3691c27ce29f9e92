"""Commento and Commento++ exports (``{"version": 1, "comments": [...], "commenters":
[...]}``, usually gzip) as records.

A comment has ``commentHex``, ``parentHex`` ("root" at top level), ``url`` (the page's
path), ``markdown`` (or ``html``), ``commenterHex``, ``creationDate`` (RFC 3339),
``state`` (approved, unapproved, flagged), ``deleted`` and ``score``; its author's name,
e-mail and link are in ``commenters``, which the export writes *after* the comments.

The document is read with a streaming JSON parser in two passes over the file: the
first keeps only the commenters (a few fields each), the second yields the comments one
by one, so memory grows with the number of commenters, never with the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.importers.sources import json_items, on_disk, rfc3339
from yorum.models import Status

_STATES = {"approved": Status.APPROVED, "unapproved": Status.PENDING, "flagged": Status.SPAM}


@dataclass(frozen=True)
class _Commenter:
    name: str
    email: str
    link: str


class CommentoImporter:
    """Reads a Commento export, plain JSON or gzip."""

    name = "commento"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The export's comments in file order."""
        with on_disk(source, plain=True) as path:
            commenters, version = _commenters(path)
            if version != 1:
                raise BrokenInput(
                    f"Not a Commento export of a known version (version {version!r}; "
                    "yorum reads version 1).",
                    field="file",
                )
            with path.open("rb") as stream:
                for _, comment in json_items(stream, ("comments.item",)):
                    yield _record(comment, commenters)


def _commenters(path: Path) -> tuple[dict[str, _Commenter], Any]:
    """The first pass: every commenter by hex id, and the export's version."""
    found: dict[str, _Commenter] = {}
    version: Any = None
    with path.open("rb") as stream:
        try:
            for prefix, value in json_items(stream, ("version", "commenters.item")):
                if prefix == "version":
                    version = value
                elif isinstance(value, dict) and isinstance(value.get("commenterHex"), str):
                    found[value["commenterHex"]] = _Commenter(
                        _text(value.get("name")), _text(value.get("email")),
                        _link(value.get("link")),
                    )  # fmt: skip
        except BrokenInput as exc:
            raise BrokenInput(
                f"Not a readable Commento export: {exc.message}", field="file"
            ) from exc
    return found, version


def _record(comment: Any, commenters: dict[str, _Commenter]) -> Record:
    """One element of ``comments`` as a record."""
    if not isinstance(comment, dict):
        return Skipped("", "a comment that is not a JSON object")
    source_id = comment.get("commentHex")
    if not isinstance(source_id, str) or not source_id:
        return Skipped("", "a comment without a commentHex")
    url = comment.get("url")
    if not isinstance(url, str) or not url:
        return Skipped(source_id, "no page URL (url)")
    created = rfc3339(comment.get("creationDate"))
    if created is None:
        return Skipped(source_id, f"no valid creationDate ({comment.get('creationDate')!r})")
    state = comment.get("state") or "approved"
    status = _STATES.get(state) if isinstance(state, str) else None
    if status is None:
        return Skipped(source_id, f"unknown state {state!r}")
    deleted = comment.get("deleted") is True
    author = commenters.get(_text(comment.get("commenterHex")), _Commenter("", "", ""))
    parent = comment.get("parentHex")
    score = comment.get("score")
    votes = score if isinstance(score, int) else 0
    return ImportedComment(
        source_id=source_id,
        thread=url,
        title="",
        parent=parent if isinstance(parent, str) and parent not in ("", "root") else None,
        author=author.name,
        email=author.email,
        website=author.link,
        text="" if deleted else _markdown(comment),
        created_at=created,
        status=Status.DELETED if deleted else status,
        likes=max(votes, 0),
        dislikes=max(-votes, 0),
    )


def _markdown(comment: dict[str, Any]) -> str:
    markdown = comment.get("markdown")
    if isinstance(markdown, str) and markdown.strip():
        return markdown
    return html_to_markdown(_text(comment.get("html")))


def _link(value: Any) -> str:
    """A commenter's website; Commento writes "undefined" when there is none."""
    link = _text(value).strip()
    return link if link.startswith(("http://", "https://")) else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
