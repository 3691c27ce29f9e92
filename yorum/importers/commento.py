"""Commento's and Commento++'s JSON export: ``{"version": 1, "comments": [...],
"commenters": [...]}``.

The export is one JSON document and is read whole: Commento writes it for one domain and
gzips it, and even busy sites' exports are a few megabytes. A ``.gz`` file is unpacked on
the fly. Comments name their parent by ``parentHex`` (``root`` at the top) and their
author by ``commenterHex`` (``anonymous`` for guests); ``state`` is ``approved``,
``unapproved`` or ``flagged``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.models import Status

STATES = {"approved": Status.APPROVED, "unapproved": Status.PENDING, "flagged": Status.SPAM}


def _when(value: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _page(url: str) -> str:
    """Commento keeps pages as ``domain/path``: the path, as yorum keys threads."""
    if url.startswith("/") or "://" in url:
        return url
    _, slash, path = url.partition("/")
    return "/" + path if slash else "/"


class CommentoImporter:
    """Commento / Commento++ JSON export."""

    name = "commento"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        raw = source.read()
        if raw[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise BrokenInput(f"The gzipped export is damaged: {exc}", field="file") from None
        try:
            document = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BrokenInput(
                f"The Commento export is not valid JSON: {exc}", field="file"
            ) from None
        if not isinstance(document, dict) or not isinstance(document.get("comments"), list):
            raise BrokenInput("This is not a Commento export (no comments list).", field="file")
        commenters = document.get("commenters") or []
        people = {c.get("commenterHex"): c for c in commenters if isinstance(c, dict)}
        for comment in document["comments"]:
            yield self._comment(comment, people)

    @staticmethod
    def _comment(comment: Any, people: dict[Any, dict[str, Any]]) -> Record:
        if not isinstance(comment, dict) or not comment.get("commentHex"):
            return Skipped("", "a comment without a commentHex")
        source_id = str(comment["commentHex"])
        url = str(comment.get("url") or "")
        if not url:
            return Skipped(source_id, "no page url")
        created = _when(comment.get("creationDate"))
        if created is None:
            return Skipped(source_id, "no readable creationDate")
        state = STATES.get(str(comment.get("state") or "approved"))
        if state is None:
            return Skipped(source_id, f"unknown state {comment.get('state')!r}")
        status = Status.DELETED if comment.get("deleted") else state
        person = people.get(comment.get("commenterHex"), {})
        markdown = comment.get("markdown")
        text = str(markdown) if markdown else html_to_markdown(str(comment.get("html") or ""))
        parent = comment.get("parentHex")
        score = comment.get("score")
        return ImportedComment(
            source_id=source_id,
            thread=_page(url),
            title="",
            parent=str(parent) if parent and parent != "root" else None,
            author=str(person.get("name") or ""),
            email=str(person.get("email") or ""),
            website=str(person.get("link") or "") if person.get("link") != "undefined" else "",
            text=text,
            created_at=created,
            status=status,
            likes=max(int(score), 0) if isinstance(score, int) else 0,
            dislikes=max(-int(score), 0) if isinstance(score, int) else 0,
        )
