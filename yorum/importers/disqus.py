"""Disqus's XML export: ``<disqus>`` with ``<category>``, ``<thread>`` and ``<post>`` elements.

Read as a stream (``defusedxml``'s ``iterparse``, which refuses entity tricks), each
element cleared once used, so a file of any size takes little memory. Disqus writes the
threads before the posts; a post names its thread and its parent by their ``dsq:id``.
A thread seen only by reference (a post before its thread, which Disqus does not do but
hand-edited files may) has no URL: its posts are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from yorum.importers import BrokenInput, ImportedComment, Record, Skipped, html_to_markdown
from yorum.models import Status

NS = "{http://disqus.com}"
DSQ = "{http://disqus.com/disqus-internals}id"


def _text(element: Element, name: str) -> str:
    found = element.find(NS + name)
    return (found.text or "").strip() if found is not None else ""


def _flag(element: Element, name: str) -> bool:
    return _text(element, name).lower() == "true"


def _ref(element: Element, name: str) -> str | None:
    found = element.find(NS + name)
    return found.get(DSQ) if found is not None else None


def _when(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class DisqusImporter:
    """Disqus XML export."""

    name = "disqus"

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        threads: dict[str, tuple[str, str]] = {}  # dsq:id -> (link, title)
        try:
            for _, element in iterparse(source, events=("end",)):
                if element.tag == NS + "thread" and len(element):
                    # A thread of its own (a post's <thread dsq:id/> reference has no
                    # children, and must stay whole until its post is read).
                    thread_id = element.get(DSQ)
                    link = _text(element, "link")
                    if thread_id and link:
                        threads[thread_id] = (link, _text(element, "title"))
                    element.clear()
                elif element.tag == NS + "post":
                    yield self._post(element, threads)
                    element.clear()
        except DefusedXmlException as exc:
            raise BrokenInput(
                f"The file uses XML features yorum refuses to expand ({type(exc).__name__}).",
                field="file",
            ) from None
        except ParseError as exc:
            line, column = exc.position
            raise BrokenInput(
                f"The Disqus export cannot be read past line {line}, column {column}: "
                f"{exc.msg if hasattr(exc, 'msg') else exc}",
                field="file",
            ) from None

    @staticmethod
    def _post(post: Element, threads: dict[str, tuple[str, str]]) -> Record:
        post_id = post.get(DSQ) or ""
        if not post_id:
            return Skipped("", "a post without a dsq:id")
        thread = threads.get(_ref(post, "thread") or "")
        if thread is None:
            return Skipped(post_id, "its thread is not in the file (or has no link)")
        created = _when(_text(post, "createdAt"))
        if created is None:
            return Skipped(post_id, "no readable createdAt date")
        author = post.find(NS + "author")
        name = _text(author, "name") if author is not None else ""
        email = _text(author, "email") if author is not None else ""
        if _flag(post, "isDeleted"):
            status = Status.DELETED
        elif _flag(post, "isSpam"):
            status = Status.SPAM
        elif post.find(NS + "isApproved") is not None and not _flag(post, "isApproved"):
            status = Status.PENDING
        else:
            status = Status.APPROVED
        return ImportedComment(
            source_id=post_id,
            thread=thread[0],
            title=thread[1],
            parent=_ref(post, "parent"),
            author=name,
            email=email,
            website="",
            text=html_to_markdown(_text(post, "message")),
            created_at=created,
            status=status,
            ip=_text(post, "ipAddress"),
        )
