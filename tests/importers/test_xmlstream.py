"""The XML reader of the importers: defusedxml guards the prolog, the C parser reads on."""

from __future__ import annotations

import io
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import DTDForbidden

from yorum.importers import xmlstream


def tags(data: bytes) -> list[str]:
    return [element.tag for _, element in xmlstream.iterparse(io.BytesIO(data))]


def test_elements_come_in_document_order_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xmlstream, "CHUNK", 3)
    body = b"".join(b"<c%d>x</c%d>" % (i, i) for i in range(50))
    assert tags(b'<?xml version="1.0"?>\n<root>' + body + b"</root>") == [
        *(f"c{i}" for i in range(50)),
        "root",
    ]


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
@pytest.mark.parametrize(
    "document",
    [
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><r>&b;</r>',
        b'<!DOCTYPE r SYSTEM "http://example.org/r.dtd"><r/>',
        b'<?xml version="1.0"?><!-- hello --><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<r>&x;</r>",
    ],
)
def test_a_document_type_declaration_is_refused_wherever_the_chunks_fall(
    monkeypatch: pytest.MonkeyPatch, chunk: int, document: bytes
) -> None:
    monkeypatch.setattr(xmlstream, "CHUNK", chunk)
    with pytest.raises(DTDForbidden):
        tags(document)


@pytest.mark.parametrize(
    "document",
    [
        b"<r><a/></r><!DOCTYPE r>",  # a declaration after the root is not XML
        b"<r>&undeclared;</r>",  # no declaration, so no entity but the five of XML
        b"<r><a></r>",
        b"<r><a>",  # breaks off
        b"",
    ],
)
def test_what_is_not_well_formed_is_a_parse_error(document: bytes) -> None:
    with pytest.raises(ParseError):
        tags(document)


def test_the_predefined_entities_and_character_references_still_read() -> None:
    [(_, element)] = list(xmlstream.iterparse(io.BytesIO(b"<r>&lt;&amp;&#x131;&#246;</r>")))
    assert element.text == "<&ıö"
