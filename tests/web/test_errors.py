"""Bad input gets its 4xx problem body, never a 500: driven from the schemas themselves.

Every field of every operation in the route table is tried with values its kind must
refuse, so a field added later is covered without touching this file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import post
from yorum.web.routes import API, Operation
from yorum.web.schemas import RequestSchemas
from yorum.web.validation import MAX_ID, Array, Bool, Choice, Field, Int, Kind, Str

# A valid request for every schema an operation uses; a new schema must be added here.
VALID: dict[str, dict[str, Any]] = {
    "thread": {"site": "default", "uri": "/t"},
    "new_comment": {"site": "default", "uri": "/t", "text": "fine", "author": "A",
                    "email": "a@example.org", "website": "https://example.org", "title": "T"},
    "edit": {"text": "fine", "author": "A", "website": "example.org"},
    "vote": {"value": 1},
    "counts": {"site": "default", "uris": ["/a", "/b"]},
    "counts_query": {"site": "default", "uri": ["/a"]},
    "latest": {"site": "default", "limit": 3},
    "site_feed": {"site": "default"},
    "thread_feed": {"site": "default", "uri": "/t"},
    "events": {"site": "default", "uri": "/t"},
    "site_config": {"site": "default"},
    "challenge": {"site": "default"},
    "preview": {"text": "fine"},
    "report": {"reason": "spam", "note": "ads"},
}  # fmt: skip


def _json(data: Any) -> bytes:
    return json.dumps(data).encode()


def bad_values(kind: Kind, in_query: bool) -> list[Any]:
    """Values of the wrong type, size, range or form for ``kind`` (only text in a query)."""
    if in_query and isinstance(kind, Int):
        return ["abc", "1.5", str(kind.minimum - 1), str(kind.maximum + 1)]
    if in_query and isinstance(kind, Choice):
        return ["bogus"]
    if in_query and isinstance(kind, Array):
        return [["/a"] * (kind.max_items + 1), ["no-slash"]]
    if isinstance(kind, Str):
        values: list[Any] = [] if in_query else [123, ["x"], {"a": 1}]
        values += ["x" * (kind.max_length + 1), "a\x00b"]
        if not kind.multiline:
            values.append("two\nlines")
        if kind.min_length and not in_query:
            values.append("   ")
        if kind.format == "email":
            values += ["not-an-email", "a@b"]
        if kind.format == "url":
            values += ["javascript:alert(1)", "ftp://example.org", "http://"]
        if kind.format == "uri":
            values += ["no-slash", "javascript:alert(1)", "//evil.example/x", "/a b"]
        if kind.pattern:
            values.append("Ünïcode!")
        return values
    if isinstance(kind, Int):
        return ["1", True, 1.5, kind.minimum - 1, kind.maximum + 1, 2**64]
    if isinstance(kind, Choice):
        return ["bogus", True, 99]
    if isinstance(kind, Array):
        return ["/a", [], ["/a"] * (kind.max_items + 1), [123]]
    if isinstance(kind, Bool):
        return ["yes", "2"] if in_query else ["true", 1, "yes"]
    raise AssertionError(f"no bad values for {kind!r}")


def cases() -> list[tuple[Operation, str, Field, Any]]:
    forms = RequestSchemas(_limits())
    out = []
    for op in API:
        name = op.body or op.query
        if name is None:
            continue
        for field in getattr(forms, name).fields:
            for value in bad_values(field.kind, in_query=op.query is not None):
                out.append((op, name, field, value))
    return out


def _limits() -> Any:
    from yorum.settings import CommentSettings

    return CommentSettings()


@pytest.fixture
def comment(client: TestClient) -> dict[str, Any]:
    return post(client, "a comment to act on")


def _call(client: TestClient, op: Operation, data: dict[str, Any], comment: dict[str, Any]):  # type: ignore[no-untyped-def]
    path = op.path.replace("{id:id}", str(comment["comment"]["id"]))
    headers = {"X-Edit-Token": comment["edit_token"]}
    if op.body:
        return client.request(
            op.method,
            path,
            content=_json(data),
            headers={**headers, "Content-Type": "application/json"},
        )
    params = [(k, x) for k, v in data.items() for x in (v if isinstance(v, list) else [v])]
    return client.request(op.method, path, params=params, headers=headers)


def test_every_schema_has_a_valid_example() -> None:
    used = {op.body or op.query for op in API} - {None}
    assert used <= set(VALID), f"add valid examples for {used - set(VALID)}"


@pytest.mark.parametrize(
    ("op", "schema", "field", "value"),
    [pytest.param(*c, id=f"{c[0].method} {c[0].path} {c[2].name}={c[3]!r:.30}") for c in cases()],
)
def test_bad_field_value_gets_a_problem_body(
    client: TestClient,
    comment: dict[str, Any],
    op: Operation,
    schema: str,
    field: Field,
    value: Any,
) -> None:
    data = dict(VALID[schema])
    data[field.name] = value
    response = _call(client, op, data, comment)
    assert response.status_code in (400, 422), response.text
    body = response.json()
    assert set(body) == {"error", "message", "field"}
    if response.status_code == 422:
        assert body["field"] is not None and body["field"].split("[")[0] == field.name


@pytest.mark.parametrize("op", [op for op in API if op.body or op.query], ids=lambda o: o.path)
def test_missing_required_fields_are_named(
    client: TestClient, comment: dict[str, Any], op: Operation
) -> None:
    forms = RequestSchemas(_limits())
    schema = op.body or op.query
    assert schema is not None
    for field in getattr(forms, schema).fields:
        if not field.required:
            continue
        data = {k: v for k, v in VALID[schema].items() if k != field.name}
        response = _call(client, op, data, comment)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field.name
        assert response.json()["error"] == "required"


@pytest.mark.parametrize("op", [op for op in API if op.body], ids=lambda o: o.path)
def test_body_shape_errors(client: TestClient, comment: dict[str, Any], op: Operation) -> None:
    path = op.path.replace("{id:id}", str(comment["comment"]["id"]))
    headers = {"X-Edit-Token": comment["edit_token"], "Content-Type": "application/json"}

    def send(content: bytes, **extra: str) -> Any:
        return client.request(op.method, path, content=content, headers={**headers, **extra})

    assert send(b"{not json").status_code == 400
    assert send(b"[1, 2]").status_code == 400
    assert send(b'"text"').status_code == 400
    assert send(b'{"text": "\\ud800"}').status_code in (400, 422)  # lone surrogate
    assert send(b"\xff\xfe").status_code == 400
    assert send(b"{}", **{"Content-Type": "text/plain"}).status_code == 415
    huge = _json({**VALID[op.body or ""], "text": "x" * 70_000})
    too_large = send(huge)
    assert too_large.status_code == 413 and too_large.json()["error"] == "payload_too_large"


def test_unknown_site_is_404(client: TestClient) -> None:
    response = client.post("/api/comments", json={"site": "nope", "uri": "/a", "text": "x"})
    assert response.status_code == 404
    assert response.json() == {
        "error": "unknown_site",
        "message": "There is no site 'nope'.",
        "field": "site",
    }
    assert client.get("/api/thread", params={"site": "nope", "uri": "/a"}).status_code == 404


@pytest.mark.parametrize("cid", ["0", str(MAX_ID + 1), "99999999999999999999999", "424242"])
def test_bad_or_unknown_comment_ids(client: TestClient, cid: str) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        kwargs: dict[str, Any] = {"json": {"text": "x"}} if method == "PATCH" else {}
        response = client.request(
            method, f"/api/comments/{cid}", headers={"X-Edit-Token": "1.x"}, **kwargs
        )
        assert response.status_code in (404, 422), (method, cid, response.text)
    vote = client.post(f"/api/comments/{cid}/vote", json={"value": 1})
    assert vote.status_code in (404, 422)


def test_unknown_route_and_method_are_problem_bodies(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.put("/api/comments", json={})
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_reply_to_missing_parent_and_duplicate_are_clear(client: TestClient) -> None:
    body = {"site": "default", "uri": "/t", "text": "x", "parent": 424242}
    missing = client.post("/api/comments", json=body)
    assert missing.status_code == 422 and missing.json()["field"] == "parent"
    post(client, "once")
    again = client.post("/api/comments", json={"site": "default", "uri": "/t", "text": "once"})
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
