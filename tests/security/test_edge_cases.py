"""Unicode and size edge cases: NUL bytes, lone surrogates, bidirectional overrides,
zero-width characters, oversized and deeply nested bodies, and reply chains ten thousand
deep. Each gets a clear error or correct handling, never a 500 or a hang; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from yorum.importers import ImportedComment
from yorum.models import Status
from yorum.services import Services
from yorum.storage import comments as comment_rows
from yorum.storage import threads as thread_rows

FIELDS = ("text", "author", "email", "website", "uri", "title")


def body(**fields: Any) -> dict[str, Any]:
    return {"site": "default", "uri": "/edge", "text": "Hello", **fields}


def post_raw(client: TestClient, raw: bytes) -> Any:
    return client.post("/api/comments", content=raw, headers={"content-type": "application/json"})


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"] == code and error["message"] and "field" in error


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", ["a\x00b", "\x00", "a\x07b", "a\x1bb"])
def test_control_characters_are_refused_in_every_field(
    client: TestClient, field: str, bad: str
) -> None:
    response = client.post("/api/comments", json=body(**{field: bad}))
    assert_error(response, 422, "invalid_format")
    assert response.json()["field"] == field


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc00b", "\\ud83d"])
def test_lone_surrogates_are_refused_as_json_the_server_cannot_read(
    client: TestClient, field: str, escape: str
) -> None:
    raw = json.dumps(body(**{field: "PLACEHOLDER"})).replace("PLACEHOLDER", escape)
    assert_error(post_raw(client, raw.encode()), 400, "bad_request")


@pytest.mark.parametrize("raw", [b'{"text": "\xff\xfe"}', b'{"text": "\xc0\xaf"}', b"\xef\xbb"])
def test_bytes_that_are_not_utf8_are_a_clear_error(client: TestClient, raw: bytes) -> None:
    assert_error(post_raw(client, raw), 400, "bad_request")


def test_bidirectional_overrides_and_zero_width_characters_are_kept_but_contained(
    client: TestClient,
) -> None:
    """An author may write right to left, and join emoji; neither may flip the page."""
    tricky = "\u202eevil\u202c \u2067isolate\u2069 a\u200db \u200bzero \ufeffbom 👩\u200d💻"
    response = client.post("/api/comments", json=body(text=tricky, author="\u202egnp.exe"))
    assert response.status_code == 201, response.text
    comment = response.json()["comment"]
    assert comment["author"] == "\u202egnp.exe"  # as given: the widget isolates it (<bdi>)
    assert "\u200d" in comment["html"] and "\u202e" in comment["html"]
    thread = client.get("/api/thread", params={"site": "default", "uri": "/edge"}).json()
    assert thread["comments"][0]["author"] == "\u202egnp.exe"
    page = client.get("/t/default", params={"uri": "/edge"})
    assert page.status_code == 200
    assert "<bdi" in page.text and "\u202egnp.exe</bdi>" in page.text


@pytest.mark.parametrize("size", [65_537, 1_000_000, 10_000_000])
def test_bodies_past_the_limit_are_refused_before_they_are_read(
    client: TestClient, size: int
) -> None:
    raw = json.dumps(body(text="x" * size)).encode()
    assert_error(post_raw(client, raw), 413, "payload_too_large")


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
        b'{"site": "default", "uri": "/edge", "text": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
    ],
    ids=["arrays", "objects", "in-a-field"],
)
def test_deeply_nested_json_is_a_clear_error(client: TestClient, raw: bytes) -> None:
    response = post_raw(client, raw)
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] in ("bad_request", "invalid_type")


def chain(length: int, uri: str = "/deep") -> list[ImportedComment]:
    """Each comment a reply to the one before."""
    return [
        ImportedComment(
            str(i),
            uri,
            "Deep",
            str(i - 1) if i else None,
            f"a{i}",
            "",
            "",
            f"level {i}",
            1_600_000_000.0 + i,
            Status.APPROVED,
        )  # fmt: skip
        for i in range(length)
    ]


def read_every_surface(client: TestClient, uri: str) -> None:
    for path, params in [
        ("/api/thread", {"site": "default", "uri": uri}),
        ("/t/default", {"uri": uri}),
        ("/api/feeds/thread", {"site": "default", "uri": uri}),
        ("/isso/default/", {"uri": uri}),
        ("/isso/default/", {"uri": uri, "nested_limit": "3"}),
        ("/api/latest", {"site": "default"}),
    ]:
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, response.text[:300])


@pytest.mark.timeout(120)
def test_an_imported_reply_chain_ten_thousand_deep(services: Services, client: TestClient) -> None:
    """Replies past ``max_depth`` are stored beside the deepest one, as the widget shows
    them; the import takes one pass, and every surface reads the thread."""
    report = services.imports.run("default", iter(chain(10_000)), source="test")
    assert (report.imported, report.orphans, report.broken) == (10_000, 0, "")
    limit = services.settings.comments.max_depth
    with services.store.read() as tx:
        thread = thread_rows.find(tx, "default", "/deep")
        assert thread is not None
        stored = comment_rows.list_for_thread(tx, thread.id, [Status.APPROVED])
    assert len(stored) == 10_000 and max(c.depth for c in stored) == limit
    by_id = {c.id: c for c in stored}
    for c in stored:  # every depth is its parent's plus one
        assert c.depth == (by_id[c.parent_id].depth + 1 if c.parent_id else 0)
    read_every_surface(client, "/deep")
    listing = client.get("/api/thread", params={"site": "default", "uri": "/deep"}).json()
    assert listing["total"] == 10_000


@pytest.mark.timeout(120)
def test_a_thread_stored_three_thousand_deep_still_reads(
    services: Services, client: TestClient
) -> None:
    """Whatever the database holds (an older import, a hand-made change), reading a thread
    never recurses with its depth: a response nests 32 levels, the rest load by parent."""
    with services.store.write() as tx:
        thread = thread_rows.get_or_create(tx, "default", "/abyss", "Abyss", 1_600_000_000.0)
        parent: int | None = None
        for depth in range(3_000):
            parent = comment_rows.insert(
                tx, thread_id=thread.id, parent_id=parent, depth=depth, author="a", email="",
                website="", text_raw="x", text_html="<p>x</p>", status=Status.APPROVED,
                created_at=1_600_000_000.0 + depth, ip_hash="",
            ).id  # fmt: skip
    read_every_surface(client, "/abyss")
    node = client.get("/api/thread", params={"site": "default", "uri": "/abyss"}).json()
    levels = 0
    top = node["comments"][0]
    while top["replies"]:
        top, levels = top["replies"][0], levels + 1
    assert levels == 32 and top["hidden_replies"] == 1
    deeper = client.get(
        "/api/thread", params={"site": "default", "uri": "/abyss", "parent": str(top["id"])}
    )
    assert deeper.status_code == 200 and deeper.json()["comments"]
