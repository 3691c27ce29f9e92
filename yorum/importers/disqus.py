"""Disqus: the XML export (Admin, Moderation, Export), streamed element by element.

The file lists the forum's threads first (``<thread dsq:id>`` with the page's ``link``
and ``title``), then its posts; a post names its thread and the post it replies to by
their ``dsq:id``. ``isSpam``, ``isDeleted`` and ``isApproved`` become the status, the
message's HTML becomes Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.importers.xmlstream import iterparse
from yorum.models import Status

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
_POST, _THREAD = NS + "post", NS + "thread"


def _text(element: Element, tag: str) -> str:
    """The text of ``element``'s child ``tag`` (in the Disqus namespace), or ""."""
    child = element.find(NS + tag)
    return (child.text or "").strip() if child is not None else ""


def _flag(element: Element, tag: str, default: bool = False) -> bool:
    value = _text(element, tag).lower()
    return value == "true" if value else default


def _date(value: str) -> float | None:
    """Unix seconds from Disqus's ISO 8601 dates (``2012-05-01T17:46:01Z``), or None."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # Disqus dates are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


class DisqusImporter:
    """Reads a Disqus XML export."""

    name = "disqus"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The export's posts as records; threads are remembered as they go by."""
        threads: dict[str, tuple[str, str]] = {}  # dsq:id -> (link, title)
        root: Element | None = None
        events: Any = iterparse(source, events=("start", "end"))
        try:
            for event, element in events:
                if root is None:
                    root = element
                    if element.tag != NS + "disqus":
                        raise BrokenInput(
                            f"This is not a Disqus export: it starts with <{element.tag}>, "
                            "not <disqus>."
                        )
                if event != "end":
                    continue
                if element.tag == _POST:
                    yield self._post(element, threads)
                    root.clear()
                elif element.tag == _THREAD and len(element):  # a thread, not a post's link
                    thread_id = element.get(DSQ_ID, "")
                    threads[thread_id] = (_text(element, "link"), _text(element, "title"))
                    root.clear()
        except ParseError as exc:
            raise BrokenInput(f"The Disqus export breaks off or is malformed: {exc}.") from None
        except DefusedXmlException as exc:
            raise BrokenInput(f"The Disqus export holds what yorum does not read: {exc}.") from None
        if root is None:
            raise BrokenInput("The file is empty.")

    @staticmethod
    def _post(post: Element, threads: dict[str, tuple[str, str]]) -> Record:
        """One ``<post>`` as a record."""
        post_id = post.get(DSQ_ID, "")
        if not post_id:
            return Skipped("", "post without a dsq:id")
        thread = post.find(_THREAD)
        page = threads.get(thread.get(DSQ_ID, "") if thread is not None else "")
        if page is None:
            return Skipped(post_id, "its thread is not in the export")
        if not page[0]:
            return Skipped(post_id, "its thread has no link")
        created_at = _date(_text(post, "createdAt"))
        if created_at is None:
            return Skipped(post_id, "no valid date (createdAt)")
        if _flag(post, "isSpam"):
            status = Status.SPAM
        elif _flag(post, "isDeleted"):
            status = Status.DELETED
        elif not _flag(post, "isApproved", default=True):
            status = Status.PENDING
        else:
            status = Status.APPROVED
        text = html_to_markdown(_text(post, "message"))
        if not text and status is not Status.DELETED:
            return Skipped(post_id, "empty message")
        author = post.find(NS + "author")
        parent = post.find(NS + "parent")
        return ImportedComment(
            source_id=post_id,
            thread=page[0],
            title=page[1],
            parent=(parent.get(DSQ_ID) or None) if parent is not None else None,
            author=_text(author, "name") if author is not None else "",
            email=_text(author, "email") if author is not None else "",
            website="",
            text=text,
            created_at=created_at,
            status=status,
            ip=_text(post, "ipAddress"),
        )
