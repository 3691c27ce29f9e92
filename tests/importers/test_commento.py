"""The Commento importer: a real-shaped export (plain and gzipped) in, records out."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from yorum.importers import BrokenInput, ImportedComment, Skipped, load
from yorum.models import Policy, Status
from yorum.services import Services

DATA = Path(__file__).parent / "data" / "commento.json"


def test_comments_become_records_plain_or_gzipped() -> None:
    for raw in (DATA.read_bytes(), gzip.compress(DATA.read_bytes())):
        found = {r.source_id: r for r in load("commento").parse(io.BytesIO(raw))}
        reply, first = found["c2"], found["c1"]
        assert isinstance(reply, ImportedComment) and isinstance(first, ImportedComment)
        assert (reply.parent, first.parent, reply.thread) == ("c1", None, "/posts/one")
        assert (reply.text, first.text) == ("A reply that came *first*", "Hello from **Kraków**")
        assert (reply.author, reply.website, first.website) == ("Ola", "https://ola.example", "")
        assert (reply.likes, first.dislikes) == (2, 1)
        assert found["c3"].status is Status.PENDING and found["c3"].author == ""  # type: ignore[union-attr]
        assert found["c4"].status is Status.SPAM and found["c4"].thread == "/"  # type: ignore[union-attr]
        assert found["c5"] == Skipped("c5", "no readable creationDate")


def test_broken_exports_are_refused() -> None:
    for raw, says in ((DATA.read_bytes()[:300], "not valid JSON"),
                      (b'{"version": 1}', "no comments list"),
                      (gzip.compress(b"{}")[:10], "damaged")):  # fmt: skip
        with pytest.raises(BrokenInput) as caught:
            list(load("commento").parse(io.BytesIO(raw)))
        assert says in caught.value.message


def test_imported(services: Services) -> None:
    services.sites.add("blog", origins=["https://blog.example.org"], policy=Policy.OPEN)
    report = services.imports.run(
        "blog", load("commento").parse(io.BytesIO(DATA.read_bytes())), source="commento"
    )
    assert report.imported == 4
    [top] = services.comments.page("blog", "/posts/one").nodes
    assert top.comment.author == "Jan" and [r.comment.author for r in top.replies] == ["Ola"]
