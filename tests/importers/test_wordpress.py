"""The WordPress (WXR) importer: a real-shaped export in, records out; and imported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Policy, Status
from yorum.services import Services

DATA = Path(__file__).parent / "data" / "wordpress.xml"


def test_comments_become_records() -> None:
    with DATA.open("rb") as source:
        found = {r.source_id: r for r in load("wordpress").parse(source)}
    reply, first = found["12"], found["11"]
    assert isinstance(reply, ImportedComment) and isinstance(first, ImportedComment)
    assert (reply.parent, first.parent) == ("11", None)
    assert (
        reply.thread == "https://blog.example.org/2024/merhaba/" and reply.title == "Merhaba dünya"
    )
    assert reply.text == "A reply listed first & _proud_ of it"
    assert (reply.author, reply.email, reply.website, reply.ip) == (
        "Zeynep", "zeynep@example.org", "https://zeynep.example.org", "192.0.2.4",
    )  # fmt: skip
    assert reply.created_at == 1714555800.0  # the GMT date
    assert found["13"] == Skipped("13", "a pingback, not a comment")
    assert found["14"].status is Status.SPAM  # type: ignore[union-attr]
    assert found["15"].status is Status.PENDING  # type: ignore[union-attr]  # local date used


def test_a_truncated_export_is_a_clear_error() -> None:
    with pytest.raises(BrokenInput) as caught:
        list(load("wordpress").parse(io.BytesIO(DATA.read_bytes()[:1500])))
    assert "cannot be read past line" in caught.value.message


def test_imported_into_a_site(services: Services) -> None:
    services.sites.add("blog", origins=["https://blog.example.org"], policy=Policy.OPEN)
    with DATA.open("rb") as source:
        report = services.imports.run("blog", load("wordpress").parse(source), source="wordpress")
    assert (report.imported, report.skipped["a pingback, not a comment"]) == (4, 1)
    page = services.comments.page("blog", "/2024/merhaba/")
    [top] = page.nodes
    assert top.comment.author == "Ali" and [r.comment.author for r in top.replies] == ["Zeynep"]
    assert [h.comment.author for h in services.moderation.pending("blog")] == ["Waiting"]
