"""XML exports read as a stream, safely and fast: defusedxml checks the prolog, the C
parser of ``xml.etree`` reads the rest.

Entity tricks (billion laughs, external entities that read local files or fetch URLs)
all need a document type declaration, and XML allows one only in the prolog, before the
root element. So defusedxml's parser (with ``forbid_dtd``) reads the file up to the root
element's start tag and refuses a DTD there; past that point no entity can be declared
(a late ``<!DOCTYPE`` is malformed XML, which the C parser refuses), and the C parser,
which is several times faster than the pure-Python one defusedxml wraps, reads the file
from its first byte on. ``yorum.importers.disqus`` and ``wordpress`` read through this.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, Literal
from xml.etree.ElementTree import XMLPullParser

from defusedxml.ElementTree import DefusedXMLParser

_Event = Literal["start", "end"]

CHUNK = 1 << 16
"""Bytes read at a time."""


class _RootReached(Exception):
    """The prolog is over: the root element starts."""


class _Prolog:
    """The target of defusedxml's parser: stops it at the root element's start tag."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        """The file ended before any element; the C parser says why."""


def iterparse(source: BinaryIO, events: Sequence[str] = ("end",)) -> Iterator[tuple[str, Any]]:
    """``(event, element)`` pairs of the document, as ``xml.etree``'s ``iterparse`` gives.

    Raises defusedxml's ``DTDForbidden`` for a document type declaration, and
    ``xml.etree.ElementTree.ParseError`` where the document is malformed or breaks off.
    """
    prolog: DefusedXMLParser | None = DefusedXMLParser(target=_Prolog(), forbid_dtd=True)
    parser: XMLPullParser[Any] = XMLPullParser(events=events)  # type: ignore[arg-type]
    while chunk := source.read(CHUNK):
        if prolog is not None:
            try:
                prolog.feed(chunk)
            except _RootReached:
                prolog = None
        parser.feed(chunk)
        for event in parser.read_events():
            yield event  # type: ignore[misc]
    parser.close()
    for event in parser.read_events():
        yield event  # type: ignore[misc]
