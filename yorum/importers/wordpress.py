"""WordPress's export (WXR): an RSS file whose ``<item>``s are posts and pages, each with
its ``<wp:comment>``s.

Read as a stream with ``defusedxml``'s ``iterparse``; each item is cleared once its
comments are out. A comment's ``wp:comment_approved`` is ``1`` (published), ``0`` (held),
``spam`` or ``trash`` (deleted); ``wp:comment_parent`` ``0`` means top level. Pingbacks and
trackbacks are not comments people wrote: they are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.models import Status

WP = "{http://wordpress.org/export/1.2/}"
STATUSES = {"1": Status.APPROVED, "0": Status.PENDING, "spam": Status.SPAM,
            "trash": Status.DELETED}  # fmt: skip


def _text(element: Element, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def _when(value: str) -> float | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


class WordPressImporter:
    """WordPress WXR export (Tools > Export in WordPress)."""

    name = "wordpress"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        try:
            for _, element in iterparse(source, events=("end",)):
                if element.tag == "item":
                    yield from self._item(element)
                    element.clear()
        except DefusedXmlException as exc:
            raise BrokenInput(
                f"The file uses XML features yorum refuses to expand ({type(exc).__name__}).",
                field="file",
            ) from None
        except ParseError as exc:
            line, column = exc.position
            raise BrokenInput(
                f"The WordPress export cannot be read past line {line}, column {column}.",
                field="file",
            ) from None

    def _item(self, item: Element) -> Iterator[Record]:
        link, title = _text(item, "link"), _text(item, "title")
        for comment in item.findall(WP + "comment"):
            yield self._comment(comment, link, title)

    @staticmethod
    def _comment(comment: Element, link: str, title: str) -> Record:
        comment_id = _text(comment, WP + "comment_id")
        if not comment_id:
            return Skipped("", "a comment without a comment_id")
        if not link:
            return Skipped(comment_id, "its post has no link")
        kind = _text(comment, WP + "comment_type")
        if kind in ("pingback", "trackback"):
            return Skipped(comment_id, f"a {kind}, not a comment")
        created = _when(_text(comment, WP + "comment_date_gmt")) or _when(
            _text(comment, WP + "comment_date")
        )
        if created is None:
            return Skipped(comment_id, "no readable comment date")
        approved = _text(comment, WP + "comment_approved")
        status = STATUSES.get(approved)
        if status is None:
            return Skipped(comment_id, f"unknown comment_approved {approved!r}")
        parent = _text(comment, WP + "comment_parent")
        return ImportedComment(
            source_id=comment_id,
            thread=link,
            title=title,
            parent=parent if parent and parent != "0" else None,
            author=_text(comment, WP + "comment_author"),
            email=_text(comment, WP + "comment_author_email"),
            website=_text(comment, WP + "comment_author_url"),
            text=html_to_markdown(_text(comment, WP + "comment_content")),
            created_at=created,
            status=status,
            ip=_text(comment, WP + "comment_author_IP"),
        )
