"""Security headers on every kind of page, and CORS: a browser page on an origin the site
does not allow can change nothing, through any state-changing route."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from yorum.services import Services

ALLOWED = "https://blog.example"
EVIL = "https://evil.example"


@pytest.fixture
def blog(services: Services) -> Services:
    services.sites.add("blog", origins=[ALLOWED])
    return services


def csp(response: Any) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    return {part.partition(" ")[0]: part.partition(" ")[2] for part in parts}


@pytest.mark.parametrize(
    "path",
    ["/t/blog?uri=/x", "/privacy/blog", "/notify/confirm?token=nothing", "/admin/login"],
)
def test_html_pages_send_a_strict_policy(blog: Services, client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    # Scripts: none at all, or the admin's own file; never inline, never eval.
    assert policy.get("script-src", "'none'") in ("'none'", "'self'")
    assert "unsafe" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_the_admin_cannot_be_framed(blog: Services, client: TestClient) -> None:
    assert client.get("/admin/login").headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/embed.js", "/embed.css"])
def test_static_files_are_not_sniffed(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["x-content-type-options"] == "nosniff"


def post(client: TestClient, origin: str, **fields: Any) -> Any:
    body = {"site": "blog", "uri": "/x", "text": "Hello", **fields}
    return client.post("/api/comments", json=body, headers={"origin": origin})


def test_an_allowed_origin_is_answered_with_cors(blog: Services, client: TestClient) -> None:
    response = post(client, ALLOWED)
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "Origin" in response.headers["vary"]


def test_no_state_changing_route_works_from_another_origin(
    blog: Services, client: TestClient
) -> None:
    created = post(client, ALLOWED).json()
    comment_id, token = created["comment"]["id"], created["edit_token"]
    evil = {"origin": EVIL}
    attempts = [
        client.post("/api/comments", json={"site": "blog", "uri": "/x", "text": "x"}, headers=evil),
        client.post(
            "/api/comments",
            json={"site": "blog", "uri": "/x", "text": "x", "parent": comment_id},
            headers=evil,
        ),
        client.patch(
            f"/api/comments/{comment_id}",
            json={"text": "Changed"},
            headers={**evil, "x-edit-token": token},
        ),
        client.delete(f"/api/comments/{comment_id}", headers={**evil, "x-edit-token": token}),
        client.post(f"/api/comments/{comment_id}/vote", json={"value": 1}, headers=evil),
        client.post(f"/api/comments/{comment_id}/report", json={"reason": "spam"}, headers=evil),
    ]
    for response in attempts:
        assert response.status_code == 403, (response.request.url, response.text)
        assert response.json()["error"] == "origin_not_allowed"
    thread = client.get(
        "/api/thread", params={"site": "blog", "uri": "/x"}, headers={"origin": ALLOWED}
    ).json()
    [only] = thread["comments"]
    assert (only["html"], only["likes"], only["reply_count"]) == ("<p>Hello</p>", 0, 0)
    assert blog.moderation.reported("blog") == []


def test_reading_from_another_origin_is_refused_too(blog: Services, client: TestClient) -> None:
    post(client, ALLOWED)
    response = client.get(
        "/api/thread", params={"site": "blog", "uri": "/x"}, headers={"origin": EVIL}
    )
    assert response.status_code == 403 and response.json()["error"] == "origin_not_allowed"


def test_the_admin_api_sends_no_cors_headers(blog: Services, client: TestClient) -> None:
    response = client.get("/api/admin/queue", headers={"origin": EVIL})
    assert response.status_code == 401
    assert "access-control-allow-origin" not in response.headers
