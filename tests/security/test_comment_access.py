"""The public API's routes on one comment, for each kind of caller: anyone, the author with
the comment's edit token, and a commenter holding another comment's token. Only the
author reads the source and e-mail back, edits and deletes; anyone votes and reports."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

ROUTES = [
    ("GET", "/api/comments/{id}", None, "author"),
    ("PATCH", "/api/comments/{id}", {"text": "Changed"}, "author"),
    ("DELETE", "/api/comments/{id}", None, "author"),
    ("POST", "/api/comments/{id}/vote", {"value": 1}, "anyone"),
    ("POST", "/api/comments/{id}/report", {"reason": "spam"}, "anyone"),
]
CALLERS = ["anonymous", "author", "other_commenter", "garbage_token"]


def post(client: TestClient, text: str) -> dict[str, Any]:
    body = {"site": "default", "uri": "/t", "text": text, "email": "me@example.org"}
    response = client.post("/api/comments", json=body)
    assert response.status_code == 201
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "body", "who"), ROUTES)
def test_each_caller_gets_exactly_what_it_should(
    client: TestClient, caller: str, method: str, path: str, body: Any, who: str
) -> None:
    mine, theirs = post(client, "Mine"), post(client, "Theirs")
    token = {
        "anonymous": None,
        "author": mine["edit_token"],
        "other_commenter": theirs["edit_token"],
        "garbage_token": "x" * 40,
    }[caller]
    headers = {"x-edit-token": token} if token else {}
    url = path.format(id=mine["comment"]["id"])
    response = client.request(method, url, json=body, headers=headers)
    if who == "anyone" or caller == "author":
        assert response.status_code < 300, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "invalid_token"
        source = client.get(url.split("/vote")[0], headers={"x-edit-token": mine["edit_token"]})
        assert source.json()["text"] == "Mine"  # nothing changed
    if response.status_code < 300 and method == "GET":
        assert response.json()["email"] == "me@example.org"
