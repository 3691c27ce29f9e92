"""WordPress: the WXR export (Tools, Export, All content), streamed element by element.

WXR is RSS with WordPress's ``wp:`` namespace: each ``<item>`` is a post or page with its
``link`` and ``title``, and holds its comments as ``<wp:comment>`` elements.
``wp:comment_approved`` is ``1`` (approved), ``0`` (held), ``spam`` or ``trash``;
``wp:comment_parent`` is the id of the comment replied to, ``0`` for none. Pingbacks and
trackbacks are not comments and are skipped. Comment text is WordPress's: HTML where the
author wrote tags, and blank lines between paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.importers.xmlstream import iterparse
from yorum.models import Status

_STATUS = {
    "1": Status.APPROVED,
    "approve": Status.APPROVED,
    "0": Status.PENDING,
    "hold": Status.PENDING,
    "spam": Status.SPAM,
    "trash": Status.DELETED,
    "post-trashed": Status.DELETED,
}
_DATE = "%Y-%m-%d %H:%M:%S"


def _local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rpartition("}")[2]


def _wp(tag: str) -> bool:
    """Whether the tag is in WordPress's namespace (any WXR version's)."""
    return tag.startswith("{http://wordpress.org/export/")


def _fields(element: Element) -> dict[str, str]:
    """The ``wp:`` children of ``element`` by local name, with their text."""
    return {_local(c.tag): (c.text or "") for c in element if _wp(c.tag)}


def _date(value: str) -> float | None:
    try:
        return datetime.strptime(value.strip(), _DATE).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _paragraphs(content: str) -> str:
    """WordPress's stored comment text as HTML: blank lines part paragraphs, and a line
    break within one is kept, as WordPress shows them."""
    content = content.strip().replace("\r\n", "\n")
    if "<p>" in content or "\n" not in content:
        return content
    paragraphs = re.split(r"\n\s*\n", content)
    return "".join("<p>" + p.strip().replace("\n", "<br>") + "</p>" for p in paragraphs)


class WordPressImporter:
    """Reads a WordPress WXR export."""

    name = "wordpress"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The comments of every item, in the order the file holds them."""
        root: Element | None = None
        channel: Element | None = None
        open_tags: list[str] = []  # the elements the parser is inside, outermost first
        link = title = ""
        events: Any = iterparse(source, events=("start", "end"))
        try:
            for event, element in events:
                tag = element.tag
                if event == "start":
                    if root is None:
                        root = element
                        if tag != "rss":
                            raise BrokenInput(
                                f"This is not a WordPress export: it starts with <{tag}>, "
                                "not <rss>."
                            )
                    elif tag == "channel":
                        channel = element
                    elif tag == "item":
                        link = title = ""
                    open_tags.append(tag)
                    continue
                open_tags.pop()
                in_item = open_tags[-1:] == ["item"]
                if in_item and tag == "link":
                    link = (element.text or "").strip()
                elif in_item and tag == "title":
                    title = (element.text or "").strip()
                elif in_item and _wp(tag) and _local(tag) == "comment":
                    yield self._comment(element, link, title)
                elif tag == "item" and channel is not None:
                    channel.remove(element)  # its comments are out: keep no memory of it
        except ParseError as exc:
            raise BrokenInput(f"The WordPress export breaks off or is malformed: {exc}.") from None
        except DefusedXmlException as exc:
            raise BrokenInput(
                f"The WordPress export holds what yorum does not read: {exc}."
            ) from None
        if root is None:
            raise BrokenInput("The file is empty.")
        if channel is None:
            raise BrokenInput("This WordPress export has no <channel>.")

    @staticmethod
    def _comment(comment: Element, link: str, title: str) -> Record:
        """One ``<wp:comment>`` of the post at ``link`` as a record."""
        wp = _fields(comment)
        comment_id = wp.get("comment_id", "").strip()
        if not comment_id:
            return Skipped("", "comment without a comment_id")
        kind = wp.get("comment_type", "").strip()
        if kind in ("pingback", "trackback"):
            return Skipped(comment_id, f"a {kind}, not a comment")
        if not link:
            return Skipped(comment_id, "its post has no link")
        created_at = _date(wp.get("comment_date_gmt", "")) or _date(wp.get("comment_date", ""))
        if created_at is None:
            return Skipped(comment_id, "no valid date (comment_date_gmt)")
        approved = wp.get("comment_approved", "1").strip().lower()
        status = _STATUS.get(approved)
        if status is None:
            return Skipped(comment_id, f"unknown comment_approved {approved!r}")
        text = html_to_markdown(_paragraphs(wp.get("comment_content", "")))
        if not text and status is not Status.DELETED:
            return Skipped(comment_id, "empty comment")
        parent = wp.get("comment_parent", "0").strip()
        return ImportedComment(
            source_id=comment_id,
            thread=link,
            title=title,
            parent=parent if parent not in ("", "0") else None,
            author=wp.get("comment_author", "").strip(),
            email=wp.get("comment_author_email", "").strip(),
            website=wp.get("comment_author_url", "").strip(),
            text=text,
            created_at=created_at,
            status=status,
            ip=wp.get("comment_author_IP", "").strip(),
        )
