"""The Isso-compatible API with Isso-shaped requests, through yorum's rules.

Each request is what Isso 0.14's client (``isso/js/app/api.js``) sends: JSON bodies with a
JSON content type, the edit cookie named after the comment id. Runs on SQLite, and on
PostgreSQL when ``YORUM_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import OPEN_GATE, FakeClock
from yorum.abuse import UNPROVEN_REASON
from yorum.models import BanKind, FieldRule, Policy
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import comments as comment_rows
from yorum.web import create_app

BLOG = "/isso/default"
ORIGIN = "https://blog.example.org"
# The keys of Isso's comment object (API.FIELDS, without the gravatar image).
ISSO_KEYS = {
    "id", "parent", "text", "author", "website", "mode", "created", "modified", "likes",
    "dislikes", "notification", "hash",
}  # fmt: skip


def new(client: TestClient, text: str = "Hello there", uri: str = "/post", **fields: Any) -> Any:
    response = client.post(f"{BLOG}/new", params={"uri": uri}, json={"text": text, **fields})
    assert response.status_code in (201, 202), response.text
    return response


def listing(client: TestClient, uri: str = "/post", **params: Any) -> Any:
    response = client.get(f"{BLOG}/", params={"uri": uri, **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def gated(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    """Services with proof of work on and a rate limit of three comments a minute."""
    gate = {**OPEN_GATE, "proof_of_work": True, "client_rate": "3/minute"}
    svc = build(with_overrides(settings, abuse=gate), clock=clock)
    svc.sites.ensure_default()
    yield svc
    svc.close()


# -- posting ------------------------------------------------------------------------------


def test_new_is_201_with_isso_fields_and_the_edit_cookie(client: TestClient) -> None:
    response = new(client, "*Hi*", author="<i>Ada</i>", email="ada@example.org",
                   website="example.org", title="A post")  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert set(body) == ISSO_KEYS
    assert body["mode"] == 1 and body["parent"] is None
    assert body["text"] == "<p><em>Hi</em></p>"
    assert body["author"] == "&lt;i&gt;Ada&lt;/i&gt;"  # Isso's client inserts it as HTML
    assert body["website"] == "https://example.org"
    assert len(body["hash"]) == 12 and int(body["hash"], 16) >= 0
    assert isinstance(body["created"], float) and body["modified"] is None
    assert "ada@example.org" not in response.text
    cid = body["id"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{cid}={cid}.") and "HttpOnly" in cookie
    assert "Max-Age=900" in cookie and "Path=/" in cookie and "SameSite=lax" in cookie
    copy = response.headers["x-set-cookie"]
    token = cookie.split(";")[0].split("=", 1)[1]
    assert copy == f"isso-{cid}={token}; Max-Age=900; Path=/; SameSite=Lax"


def test_held_comment_is_202_mode_2_and_not_listed(client: TestClient, services: Services) -> None:
    services.sites.add("held", policy=Policy.HOLD_ALL)
    response = client.post("/isso/held/new", params={"uri": "/p"}, json={"text": "wait for it"})
    assert response.status_code == 202
    assert response.json()["mode"] == 2
    assert "x-set-cookie" in response.headers
    page = client.get("/isso/held/", params={"uri": "/p"}).json()
    assert page["total_replies"] == 0 and page["replies"] == []


def test_with_proof_of_work_on_isso_posts_are_held(gated: Services) -> None:
    with TestClient(create_app(gated)) as client:
        response = client.post(f"{BLOG}/new", params={"uri": "/p"}, json={"text": "no pow"})
        assert response.status_code == 202 and response.json()["mode"] == 2
        # yorum's own API still wants the solved challenge.
        own = client.post("/api/comments", json={"site": "default", "uri": "/p", "text": "x"})
        assert own.status_code == 403 and own.json()["error"] == "pow_required"
    with gated.store.read() as tx:
        comment = comment_rows.get(tx, response.json()["id"])
    assert comment is not None and comment.hold_reason == UNPROVEN_REASON


def test_rate_limit_is_a_403_with_retry_after(gated: Services) -> None:
    with TestClient(create_app(gated)) as client:
        for n in range(3):
            posted = client.post(f"{BLOG}/new", params={"uri": "/p"}, json={"text": f"no. {n}"})
            assert posted.status_code == 202
        refused = client.post(f"{BLOG}/new", params={"uri": "/p"}, json={"text": "one more"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "rate_limited" and refused.json()["message"]
    assert int(refused.headers["retry-after"]) > 0


def test_banned_author_is_refused(client: TestClient, services: Services) -> None:
    services.bans.add("default", BanKind.EMAIL, "troll@example.org", actor="test")
    response = client.post(f"{BLOG}/new", params={"uri": "/p"},
                           json={"text": "hello", "email": "troll@example.org"})  # fmt: skip
    assert response.status_code == 403
    assert response.json()["error"] == "banned" and "message" in response.json()


def test_locked_thread_is_refused(client: TestClient, services: Services) -> None:
    new(client, uri="/locked")
    services.moderation.lock("default", "/locked", True, actor="test")
    response = client.post(f"{BLOG}/new", params={"uri": "/locked"}, json={"text": "late"})
    assert response.status_code == 403 and response.json()["error"] == "thread_locked"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"author": "no text"}, "text"),
        ({"text": "ok", "parent": "1"}, "parent"),
        ({"text": "ok", "email": "not an address"}, "email"),
        ({"text": "ok", "website": "javascript:alert(1)"}, "website"),
        ({"text": "ok", "notification": 2}, "notification"),
        ({"text": "x" * 20000}, "text"),
        ({"text": "ok", "parent": 999999}, "parent"),
    ],
)
def test_bad_new_comment_is_400_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{BLOG}/new", params={"uri": "/p"}, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field and response.json()["message"]


def test_new_drops_unknown_keys_and_takes_nulls(client: TestClient) -> None:
    response = new(client, "fine", author=None, email=None, website=None, parent=None,
                   title=None, notification=0, mode=1, likes=99)  # fmt: skip
    assert response.json()["likes"] == 0 and response.json()["author"] is None


def test_form_posts_are_refused_as_csrf(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post(f"{BLOG}/new?uri=/p", content=b"text=hello", headers=form)
    assert response.status_code == 403
    assert response.json()["error"] == "unsupported_media_type"
    like = client.post(f"{BLOG}/id/1/like", headers={"content-type": "text/plain"})
    assert like.status_code == 403


# -- listing ------------------------------------------------------------------------------


def test_empty_and_unknown_threads_list_nothing(client: TestClient) -> None:
    page = listing(client, "/nothing-here")
    assert page["id"] is None and page["total_replies"] == 0 and page["replies"] == []
    assert page["hidden_replies"] == 0 and page["config"]["feed"] is True


def test_listing_is_two_levels_with_nested_limit(client: TestClient) -> None:
    top = new(client, "top").json()["id"]
    first = new(client, "first reply", parent=top).json()["id"]
    # A reply to a reply, as yorum's own widget can post: Isso shows it under the top.
    deep = client.post("/api/comments", json={"site": "default", "uri": "/post",
                                              "text": "deeper", "parent": first})  # fmt: skip
    deep_id = deep.json()["comment"]["id"]
    new(client, "second reply", parent=top)
    other = new(client, "another top").json()["id"]

    page = listing(client, nested_limit=2)
    assert page["total_replies"] == 5 and page["hidden_replies"] == 0
    one, two = page["replies"]
    assert (one["id"], two["id"]) == (top, other)
    assert set(one) == ISSO_KEYS | {"total_replies", "hidden_replies", "replies"}
    assert one["total_replies"] == 3 and one["hidden_replies"] == 1
    assert [r["id"] for r in one["replies"]] == [first, deep_id]
    assert all(r["parent"] == top for r in one["replies"])
    assert two["total_replies"] == 0 and two["replies"] == []

    rest = listing(client, parent=top, limit=5, offset=2, nested_limit=2)
    assert rest["id"] == top and rest["total_replies"] == 3 and rest["hidden_replies"] == 0
    assert [r["text"] for r in rest["replies"]] == ["<p>second reply</p>"]


def test_listing_limit_offset_sort_after_and_plain(client: TestClient, clock: FakeClock) -> None:
    ids = []
    for n in range(4):
        ids.append(new(client, f"**no. {n}**").json()["id"])
        clock.advance(10)
    page = listing(client, limit=2, offset=1)
    assert [c["id"] for c in page["replies"]] == ids[1:3] and page["hidden_replies"] == 1
    newest = listing(client, sort="newest", limit=1)
    assert newest["replies"][0]["id"] == ids[3]
    client.post(f"{BLOG}/id/{ids[2]}/like")
    assert listing(client, sort="upvotes", limit=1)["replies"][0]["id"] == ids[2]
    after = listing(client, after=clock.now - 25)
    assert [c["id"] for c in after["replies"]] == ids[2:]
    assert listing(client, plain=1, limit=1)["replies"][0]["text"] == "**no. 0**"
    assert listing(client, limit=0)["replies"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "best"},
        {"limit": "ten"},
        {"limit": "-1"},
        {"offset": "-3"},
        {"parent": "x"},
        {"nested_limit": "1.5"},
        {"after": "yesterday"},
    ],
)
def test_bad_listing_parameters_are_400(client: TestClient, params: dict[str, str]) -> None:
    response = client.get(f"{BLOG}/", params={"uri": "/post", **params})
    assert response.status_code == 400 and response.json()["message"]


def test_listing_without_uri_and_unknown_site(client: TestClient) -> None:
    assert client.get(f"{BLOG}/").status_code == 400
    response = client.get("/isso/nosuchsite/", params={"uri": "/p"})
    assert response.status_code == 404 and response.json()["error"] == "unknown_site"


# -- the author's own comment -------------------------------------------------------------


def test_view_edit_with_the_cookie(client: TestClient) -> None:
    cid = new(client, "first *draft*").json()["id"]
    view = client.get(f"{BLOG}/id/{cid}", params={"plain": 1})
    assert view.status_code == 200 and view.json()["text"] == "first *draft*"
    assert client.get(f"{BLOG}/id/{cid}").json()["text"] == "<p>first <em>draft</em></p>"
    edited = client.put(f"{BLOG}/id/{cid}", json={"text": "second draft", "author": "Ada"})
    assert edited.status_code == 200
    assert edited.json()["text"] == "<p>second draft</p>" and edited.json()["author"] == "Ada"
    assert edited.json()["modified"] is not None
    assert edited.headers["x-set-cookie"].startswith(f"isso-{cid}=")
    assert listing(client)["replies"][0]["text"] == "<p>second draft</p>"


def test_without_or_with_a_wrong_cookie_is_403(client: TestClient) -> None:
    mine = new(client, "mine").json()["id"]
    theirs = new(client, "theirs").json()["id"]
    stolen = client.cookies.get(str(theirs))
    client.cookies.clear()
    assert client.get(f"{BLOG}/id/{mine}").status_code == 403
    assert client.put(f"{BLOG}/id/{mine}", json={"text": "hacked"}).status_code == 403
    client.cookies.set(str(mine), str(stolen))
    refused = client.delete(f"{BLOG}/id/{mine}")
    assert refused.status_code == 403 and refused.json()["error"] == "invalid_token"
    assert client.get(f"{BLOG}/id/987654").status_code == 404


def test_edit_after_the_window_is_refused(client: TestClient, clock: FakeClock) -> None:
    cid = new(client, "quick").json()["id"]
    clock.advance(600)
    edited = client.put(f"{BLOG}/id/{cid}", json={"text": "still in time"})
    assert "Max-Age=300" in edited.headers["x-set-cookie"]  # what is left of the window
    clock.advance(301)
    late = client.put(f"{BLOG}/id/{cid}", json={"text": "too late"})
    assert late.status_code == 403 and late.json()["error"] == "edit_window_expired"


def test_delete_returns_null_or_the_placeholder(client: TestClient) -> None:
    lone = new(client, "alone").json()["id"]
    gone = client.delete(f"{BLOG}/id/{lone}")
    assert gone.status_code == 200 and gone.json() is None
    assert "Max-Age=0" in gone.headers["x-set-cookie"] and "Max-Age=0" in gone.headers["set-cookie"]
    parent = new(client, "has replies").json()["id"]
    new(client, "a reply", parent=parent)
    kept = client.delete(f"{BLOG}/id/{parent}").json()
    assert kept["mode"] == 4 and kept["text"] == "" and kept["author"] is None
    [shown] = listing(client)["replies"]
    assert shown["id"] == parent and shown["mode"] == 4 and shown["total_replies"] == 1


# -- votes, counts, preview, config, latest, feed -----------------------------------------


def test_like_and_dislike(client: TestClient) -> None:
    cid = new(client, "vote on me").json()["id"]
    assert client.post(f"{BLOG}/id/{cid}/like").json() == {"likes": 1, "dislikes": 0}
    assert client.post(f"{BLOG}/id/{cid}/dislike").json() == {"likes": 0, "dislikes": 1}
    missing = client.post(f"{BLOG}/id/424242/like")
    assert missing.status_code == 200 and missing.json() is None


def test_count_in_the_order_asked(client: TestClient) -> None:
    new(client, uri="/a")
    new(client, "again", uri="/a")
    new(client, uri="/b")
    response = client.post(f"{BLOG}/count", json=["/b", "/none", "/a"])
    assert response.status_code == 200 and response.json() == [1, 0, 2]


@pytest.mark.parametrize("body", [{"/a": 1}, 7, "/a", [1, 2], ["/a"] * 101])
def test_bad_count_bodies_are_400(client: TestClient, body: Any) -> None:
    response = client.post(f"{BLOG}/count", json=body)
    assert response.status_code == 400 and response.json()["message"]


def test_preview(client: TestClient) -> None:
    response = client.post(f"{BLOG}/preview", json={"text": "*hi* <script>x</script>"})
    assert response.status_code == 200
    assert response.json()["text"].startswith("<p><em>hi</em>")
    assert "<script>" not in response.json()["text"]
    assert client.post(f"{BLOG}/preview", json={}).status_code == 400


def test_config_follows_the_site(client: TestClient, services: Services) -> None:
    config = client.get(f"{BLOG}/config").json()["config"]
    assert config["require-author"] is False and config["require-email"] is False
    assert config["gravatar"] is False and config["feed"] is True
    services.sites.update("default", author_field=FieldRule.REQUIRED)
    config = client.get(f"{BLOG}/config").json()["config"]
    assert config["require-author"] is True
    refused = client.post(f"{BLOG}/new", params={"uri": "/p"}, json={"text": "anonymous"})
    assert refused.status_code == 400 and refused.json()["field"] == "author"


def test_latest_needs_a_limit(client: TestClient) -> None:
    new(client, "older", uri="/one")
    new(client, "newer", uri="/two")
    assert client.get(f"{BLOG}/latest").status_code == 400
    items = client.get(f"{BLOG}/latest", params={"limit": 1}).json()
    assert [(c["uri"], c["text"]) for c in items] == [("/two", "<p>newer</p>")]


def test_feed_is_atom(client: TestClient) -> None:
    new(client, "in the feed", uri="/fed")
    response = client.get(f"{BLOG}/feed", params={"uri": "/fed"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert "in the feed" in response.text


def test_old_isso_mail_links_are_gone(client: TestClient) -> None:
    unsubscribe = client.get(f"{BLOG}/id/3/unsubscribe/a%40example.org/somekey")
    assert unsubscribe.status_code == 410 and "no longer works" in unsubscribe.text
    for action in ("activate", "delete"):
        assert client.post(f"{BLOG}/id/3/{action}/somekey").status_code == 410
    assert client.get(f"{BLOG}/id/3/explode/somekey").status_code == 404


# -- CORS -----------------------------------------------------------------------------------


def test_cors_allows_the_sites_origins_with_credentials(
    client: TestClient, services: Services
) -> None:
    services.sites.add("blog", origins=[ORIGIN])
    preflight = client.options("/isso/blog/new", headers={
        "origin": ORIGIN, "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})  # fmt: skip
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "PUT" in preflight.headers["access-control-allow-methods"]
    posted = client.post("/isso/blog/new", params={"uri": "/p"}, json={"text": "from the blog"},
                         headers={"origin": ORIGIN})  # fmt: skip
    assert posted.status_code == 201
    assert posted.headers["access-control-allow-origin"] == ORIGIN
    assert posted.headers["access-control-allow-credentials"] == "true"
    assert "X-Set-Cookie" in posted.headers["access-control-expose-headers"]

    evil = {"origin": "https://evil.example"}
    assert client.options("/isso/blog/", headers=evil).status_code == 403
    refused = client.get("/isso/blog/", params={"uri": "/p"}, headers=evil)
    assert refused.status_code == 403 and refused.json()["error"] == "origin_not_allowed"


# -- never a 500 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/new?uri=/p"),
        ("POST", "/count"),
        ("POST", "/preview"),
        ("PUT", "/id/1"),
        ("PUT", "/id/99999999999999999999999"),
        ("DELETE", "/id/1"),
        ("POST", "/id/1/like"),
    ],
)
@pytest.mark.parametrize(
    "content", [b"", b"{", b"null", b"[]", b'"text"', b'{"text": {"a": 1}}', b"\xff\xfe"]
)
def test_bad_bodies_never_give_a_500(
    client: TestClient, method: str, path: str, content: bytes
) -> None:
    new(client, "exists")
    response = client.request(method, BLOG + path, content=content,
                              headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert "message" in response.json()
