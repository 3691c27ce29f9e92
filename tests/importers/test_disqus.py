"""The Disqus importer: a real-shaped export in, records out (no database here)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Status

DATA = Path(__file__).parent / "data" / "disqus.xml"


def records() -> list[ImportedComment | Skipped]:
    with DATA.open("rb") as source:
        return list(load("disqus").parse(source))


def test_posts_become_records_with_their_threads_and_parents() -> None:
    found = {r.source_id: r for r in records()}
    reply, first = found["2002"], found["2001"]
    assert isinstance(reply, ImportedComment) and isinstance(first, ImportedComment)
    assert reply.parent == "2001" and first.parent is None  # the reply came first
    assert first.thread == "https://news.example.org/2024/budget"
    assert first.title == "Belediye bütçesi & şeffaflık"
    assert first.text == (
        "Çok güzel bir yazı — teşekkürler!\n\n"
        "Second paragraph with a [link](https://example.org/x)."
    )
    assert (first.author, first.email, first.ip) == ("Elif", "elif@example.org", "203.0.113.9")
    assert reply.text == "A reply that comes **before** its parent."
    assert first.created_at == 1709287200.0 and first.status is Status.APPROVED


def test_deleted_spam_and_broken_posts() -> None:
    found = {r.source_id: r for r in records()}
    assert found["2003"].status is Status.DELETED  # type: ignore[union-attr]
    assert found["2004"].parent == "2003"  # type: ignore[union-attr]
    assert found["2005"].status is Status.SPAM  # type: ignore[union-attr]
    assert found["2006"] == Skipped("2006", "no readable createdAt date")
    assert found["2007"] == Skipped("2007", "its thread is not in the file (or has no link)")


def test_a_truncated_file_is_a_clear_error_after_what_came_before() -> None:
    truncated = DATA.read_bytes()[: DATA.read_bytes().index(b'<post dsq:id="2003">') + 40]
    seen = []
    with pytest.raises(BrokenInput) as caught:
        for record in load("disqus").parse(io.BytesIO(truncated)):
            seen.append(record.source_id)
    assert seen == ["2002", "2001"] and "cannot be read past line" in caught.value.message


def test_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><disqus xmlns="http://disqus.com">&b;</disqus>'
    )
    with pytest.raises(BrokenInput) as caught:
        list(load("disqus").parse(io.BytesIO(bomb)))
    assert "refuses to expand (EntitiesForbidden)" in caught.value.message
