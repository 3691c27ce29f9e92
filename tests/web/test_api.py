"""The public JSON API end to end, through the HTTP client."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock, post
from yorum.models import FieldRule
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import Store
from yorum.web import create_app


def test_post_then_list_nested(client: TestClient) -> None:
    top = post(client, "Top **level**", author="Zeynep", email="z@example.org", title="Post")
    cid = top["comment"]["id"]  # type: ignore[index]
    post(client, "A reply", parent=cid)
    page = client.get("/api/thread", params={"site": "default", "uri": "/t"}).json()
    assert page["title"] == "Post"
    assert page["total"] == 2
    [node] = page["comments"]
    assert node["author"] == "Zeynep"
    assert node["html"] == "<p>Top <strong>level</strong></p>"
    assert "email" not in node and "ip_hash" not in node and "text" not in node
    assert node["replies"][0]["html"] == "<p>A reply</p>"
    assert node["reply_count"] == 1


def test_created_is_201_and_held_is_202(client: TestClient, services: Services) -> None:
    from yorum.models import Policy

    services.sites.add("held", policy=Policy.HOLD_ALL)
    ok = client.post("/api/comments", json={"site": "default", "uri": "/a", "text": "x"})
    held = client.post("/api/comments", json={"site": "held", "uri": "/a", "text": "x"})
    assert ok.status_code == 201
    assert held.status_code == 202
    assert held.json()["comment"]["status"] == "pending"


def test_source_edit_delete_with_token(client: TestClient) -> None:
    posted = post(client, "original", email="me@example.org")
    cid, token = posted["comment"]["id"], posted["edit_token"]  # type: ignore[index]
    headers = {"X-Edit-Token": str(token)}
    source = client.get(f"/api/comments/{cid}", headers=headers).json()
    assert (source["text"], source["email"]) == ("original", "me@example.org")
    edited = client.patch(f"/api/comments/{cid}", json={"text": "changed"}, headers=headers)
    assert edited.status_code == 200 and edited.json()["html"] == "<p>changed</p>"
    assert edited.json()["edited"] is not None
    gone = client.delete(f"/api/comments/{cid}", headers=headers)
    assert gone.json() == {"deleted": True, "placeholder": None}
    assert client.get(f"/api/comments/{cid}", headers=headers).status_code == 404


def test_wrong_or_expired_token_is_403(client: TestClient, clock: FakeClock) -> None:
    a = post(client, "a")
    b = post(client, "b")
    aid = a["comment"]["id"]  # type: ignore[index]
    wrong = client.patch(
        f"/api/comments/{aid}", json={"text": "x"}, headers={"X-Edit-Token": str(b["edit_token"])}
    )
    assert wrong.status_code == 403 and wrong.json()["error"] == "invalid_token"
    missing = client.delete(f"/api/comments/{aid}")
    assert missing.status_code == 403
    clock.advance(15 * 60 + 1)
    late = client.delete(f"/api/comments/{aid}", headers={"X-Edit-Token": str(a["edit_token"])})
    assert late.status_code == 403 and late.json()["error"] == "edit_window_expired"


def test_vote_counts_latest_preview(client: TestClient) -> None:
    posted = post(client, "vote me")
    cid = posted["comment"]["id"]  # type: ignore[index]
    assert client.post(f"/api/comments/{cid}/vote", json={"value": 1}).json() == {
        "id": cid,
        "likes": 1,
        "dislikes": 0,
        "vote": 1,
    }
    uris = [f"/p{i}" for i in range(100)]
    uris[42] = "/t"
    counts = client.post("/api/counts", json={"site": "default", "uris": uris}).json()["counts"]
    assert counts[42] == 1 and sum(counts) == 1
    got = client.get("/api/counts", params=[("site", "default"), ("uri", "/t"), ("uri", "/x")])
    assert got.json() == {"counts": [1, 0]}
    latest = client.get("/api/latest", params={"site": "default", "limit": 5}).json()
    assert latest["comments"][0]["uri"] == "/t"
    preview = client.post("/api/preview", json={"text": "[x](javascript:alert(1))"}).json()
    assert "href" not in preview["html"]


def test_etag_and_if_none_match(client: TestClient) -> None:
    post(client, "one")
    params = {"site": "default", "uri": "/t"}
    first = client.get("/api/thread", params=params)
    etag = first.headers["etag"]
    again = client.get("/api/thread", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    post(client, "two")
    changed = client.get("/api/thread", params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["total"] == 2


def test_large_bodies_are_compressed(client: TestClient) -> None:
    for i in range(20):
        post(client, f"comment number {i} " + "lorem ipsum " * 20)
    params = {"site": "default", "uri": "/t"}
    br = client.get("/api/thread", params=params, headers={"Accept-Encoding": "br"})
    assert br.headers["content-encoding"] == "br"
    gz = client.get("/api/thread", params=params, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["content-encoding"] == "gzip"
    plain = client.get("/api/thread", params=params, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    # the client decodes each body by its content-encoding header
    assert br.json() == gz.json() == plain.json()
    assert int(br.headers["content-length"]) < len(plain.content) / 3


def test_cors_allowed_origin_is_echoed_and_others_refused(
    client: TestClient, services: Services
) -> None:
    services.sites.add("blog", origins=["https://blog.example"])
    body = {"site": "blog", "uri": "/a", "text": "hi"}
    ok = client.post("/api/comments", json=body, headers={"Origin": "https://blog.example"})
    assert ok.status_code == 201
    assert ok.headers["access-control-allow-origin"] == "https://blog.example"
    bad = client.post("/api/comments", json=body, headers={"Origin": "https://evil.example"})
    assert bad.status_code == 403 and bad.json()["error"] == "origin_not_allowed"
    read = client.get(
        "/api/thread",
        params={"site": "blog", "uri": "/a"},
        headers={"Origin": "https://evil.example"},
    )
    assert read.status_code == 403
    preflight = client.options(
        "/api/comments",
        headers={"Origin": "https://blog.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert "X-Edit-Token" in preflight.headers["access-control-allow-headers"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["database"] == "ok"


def test_readyz_fails_when_the_database_is_gone(services: Services) -> None:
    broken = dataclasses.replace(services, store=Store.open("sqlite:////nonexistent/dir/x.db"))
    with TestClient(create_app(broken)) as client:
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert response.json()["error"] == "not_ready"


def test_demo_page_is_served(client: TestClient) -> None:
    page = client.get("/demo")
    assert page.status_code == 200
    assert '<script async src="/embed.js" data-yorum-site="default"' in page.text
    assert 'href="/t/default?uri=/demo"' in page.text  # the way in without JavaScript
    assert 'data-yorum-site="blog"' in client.get("/demo?site=blog").text
    assert 'data-yorum-site="default"' in client.get('/demo?site="><script>').text


def test_a_locked_sqlite_database_is_a_503_not_a_500(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    busy = with_overrides(settings, database={"busy_timeout": 1})
    svc = build(busy)
    svc.sites.ensure_default()
    holder = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with TestClient(create_app(svc)) as c:
            response = c.post("/api/comments", json={"site": "default", "uri": "/t", "text": "x"})
        assert response.status_code == 503
        assert response.json()["error"] == "busy"
        assert response.headers["retry-after"] == "1"
    finally:
        holder.rollback()
        holder.close()
        svc.close()


def test_the_site_config_tells_the_widget_what_to_ask(
    services: Services, client: TestClient
) -> None:
    services.sites.add(
        "strict", origins=["https://blog.example.org"], author_field=FieldRule.REQUIRED,
        website_field=FieldRule.HIDDEN,
    )  # fmt: skip
    config = client.get(
        "/api/site", params={"site": "strict"}, headers={"origin": "https://blog.example.org"}
    ).json()
    assert config["fields"] == {"author": "required", "email": "optional", "website": "hidden"}
    assert config["edit_window"] == services.settings.comments.edit_window
    assert "origins" not in config
    refused = client.get(
        "/api/site", params={"site": "strict"}, headers={"origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    missing = client.post(
        "/api/comments",
        json={"site": "strict", "uri": "/a", "text": "hi"},
        headers={"origin": "https://blog.example.org"},
    )
    assert missing.status_code == 422
    assert missing.json()["field"] == "author" and missing.json()["error"] == "required"
