"""Admin sign-in: sessions, CSRF, throttling, TOTP, API tokens, and who may reach what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from yorum import totp
from yorum.models import BanKind, ClientInfo, NewComment, Policy, Role
from yorum.services import Services
from yorum.web.routes import ADMIN_API

PASSWORD = "correct horse battery"


def make_user(services: Services, name: str, *, admin: bool = False, **roles: Role) -> None:
    services.accounts.add(name, PASSWORD, is_admin=admin)
    for site_id, role in roles.items():
        services.accounts.set_role(name, site_id, role)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (from the queue page)."""
    response = client.post("/admin/login", data={"name": name, "password": password},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    page = client.get("/admin")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def held(services: Services, site: str, text: str = "hold me") -> int:
    new = NewComment(site_id=site, uri="/a", text=text)
    return services.comments.post(new, ClientInfo("10.0.0.9")).comment.id


def blog_delivery(services: Services) -> str:
    """A queued notification of the site blog, written as the outbox has them."""
    from yorum.storage import outbox as outbox_rows

    with services.store.write() as tx:
        message_id = outbox_rows.add(
            tx, channel="email", kind="moderator", site_id="blog", recipient="m@example.org",
            payload={"comment_id": 1}, now=1.0,
        )  # fmt: skip
    return str(message_id)


@pytest.fixture
def two_sites(services: Services) -> Services:
    services.sites.add("blog", policy=Policy.HOLD_ALL)
    services.sites.add("shop", policy=Policy.HOLD_ALL)
    make_user(services, "root", admin=True)
    make_user(services, "bob", blog=Role.MODERATOR)
    make_user(services, "sam", shop=Role.ADMIN)
    return services


def _concrete(path: str) -> str:
    return path.replace("{id:id}", "1").replace("{site}", "blog")


PAGE_ROUTES = [
    ("GET", "/admin"), ("GET", "/admin/bans"), ("GET", "/admin/sites"),
    ("GET", "/admin/sites/blog"), ("GET", "/admin/audit"), ("GET", "/admin/stats"),
    ("POST", "/admin/act"), ("POST", "/admin/lock"), ("POST", "/admin/bans/add"),
    ("POST", "/admin/bans/1/lift"), ("POST", "/admin/sites/blog"),
    ("POST", "/admin/sites/blog/moderators"), ("POST", "/admin/logout"),
    ("POST", "/admin/sites/add"), ("POST", "/admin/users"), ("POST", "/admin/edit"),
    ("POST", "/admin/sites/blog/words"), ("POST", "/admin/ban-author"),
    ("GET", "/admin/deliveries"), ("POST", "/admin/deliveries/1/resend"),
    ("POST", "/admin/sites/blog/webhooks"), ("GET", "/admin/readers"),
    ("POST", "/admin/readers"),
]  # fmt: skip
API_ROUTES = [(op.method, _concrete(op.path)) for op in ADMIN_API]


def test_the_route_tables_cover_every_admin_route() -> None:
    from yorum.web.admin_pages import ROUTES

    paths = {r.path for r in ROUTES} - {"/admin/login", "/admin/login/totp"}
    listed = {p for _, p in PAGE_ROUTES}
    assert {_concrete(p).replace("{id:id}", "1") for p in paths} <= listed
    assert len(API_ROUTES) == len(ADMIN_API) >= 11


@pytest.mark.parametrize(("method", "path"), PAGE_ROUTES + API_ROUTES)
def test_anonymous_requests_are_refused(
    two_sites: Services, client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, follow_redirects=False, json={}
                              if path.startswith("/api") and method != "GET" else None)  # fmt: skip
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    elif method == "GET":
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/login"
    else:
        assert response.status_code == 401
        assert "unauthorized" in response.text


API_CALLS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/admin/queue?site=blog", None),
    ("POST", "/api/admin/actions", {"action": "approve", "ids": ["BLOG_COMMENT"]}),
    ("POST", "/api/admin/locks", {"site": "blog", "uri": "/a", "locked": True}),
    ("GET", "/api/admin/bans?site=blog", None),
    ("POST", "/api/admin/bans", {"site": "blog", "kind": "name", "value": "x"}),
    ("DELETE", "/api/admin/bans/1?site=blog", None),
    ("PATCH", "/api/admin/sites/blog", {"name": "Mine"}),
    ("POST", "/api/admin/comments/BLOG_COMMENT/edit", {"text": "mine now"}),
    ("POST", "/api/admin/comments/BLOG_COMMENT/ban", {"by": "ip"}),
    ("GET", "/api/admin/words?site=blog", None),
    ("POST", "/api/admin/words", {"site": "blog", "kind": "banned", "words": ["x"]}),
    ("POST", "/api/admin/words/remove", {"site": "blog", "words": ["x"]}),
    ("GET", "/api/admin/audit?site=blog", None),
    ("GET", "/api/admin/stats?site=blog", None),
]
PAGE_CALLS: list[tuple[str, str, dict[str, str] | None]] = [
    ("GET", "/admin?site=blog", None),
    ("POST", "/admin/act", {"action": "approve", "id": "BLOG_COMMENT"}),
    ("POST", "/admin/lock", {"site": "blog", "uri": "/a", "locked": "1"}),
    ("GET", "/admin/bans?site=blog", None),
    ("POST", "/admin/bans/add", {"site": "blog", "kind": "name", "value": "x"}),
    ("POST", "/admin/bans/1/lift", {"site": "blog"}),
    ("GET", "/admin/sites/blog", None),
    ("POST", "/admin/sites/blog", {"name": "Mine", "origins": "*", "language": "en",
                                   "policy": "open", "author_field": "optional",
                                   "email_field": "optional", "website_field": "optional"}),
    ("POST", "/admin/sites/blog/moderators", {"name": "sam", "role": "admin"}),
    ("POST", "/admin/edit?id=BLOG_COMMENT", {"text": "mine now"}),
    ("POST", "/admin/ban-author?id=BLOG_COMMENT", {"by": "ip"}),
    ("POST", "/admin/sites/blog/words", {"kind": "banned", "words": "x"}),
    ("POST", "/admin/sites/blog/words", {"remove": "x"}),
    ("GET", "/admin/audit?site=blog", None),
    ("GET", "/admin/deliveries?site=blog", None),
    ("POST", "/admin/deliveries/BLOG_DELIVERY/resend", {}),
    ("POST", "/admin/sites/blog/webhooks", {"url": "https://hooks.example/x"}),
    ("GET", "/admin/readers?site=blog&email=a@example.org", None),
    ("POST", "/admin/readers", {"site": "blog", "email": "a@example.org"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
def test_moderators_of_another_site_are_refused_by_the_api(
    two_sites: Services, client: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    comment = held(two_sites, "blog")
    two_sites.comments.post(NewComment(site_id="blog", uri="/a", text="x"), ClientInfo("1.1.1.1"))
    if body and body.get("ids"):
        body = {**body, "ids": [comment]}
    token = two_sites.accounts.new_token("sam")  # admin of shop, nothing on blog
    path = path.replace("BLOG_COMMENT", str(comment)).replace(
        "BLOG_DELIVERY", blog_delivery(two_sites)
    )
    response = client.request(method, path, json=body, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "not_allowed"
    assert two_sites.moderation.pending("blog")[0].comment.id == comment  # nothing changed


@pytest.mark.parametrize(("method", "path", "body"), PAGE_CALLS)
def test_moderators_of_another_site_are_refused_by_the_pages(
    two_sites: Services, client: TestClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    comment = held(two_sites, "blog")
    csrf = login(client, "sam")
    if body is not None:
        body = {**body, "csrf": csrf}
        if body.get("id") == "BLOG_COMMENT":
            body["id"] = str(comment)
    path = path.replace("BLOG_COMMENT", str(comment)).replace(
        "BLOG_DELIVERY", blog_delivery(two_sites)
    )
    response = client.request(method, path, data=body, follow_redirects=False)
    assert response.status_code == 403, response.text
    assert "not_allowed" in response.text
    assert two_sites.sites.get("blog").name == "blog"


def test_moderators_see_only_their_sites(two_sites: Services, client: TestClient) -> None:
    on_blog, on_shop = held(two_sites, "blog", "b"), held(two_sites, "shop", "s")
    token = two_sites.accounts.new_token("bob")
    auth = {"authorization": f"Bearer {token}"}
    items = client.get("/api/admin/queue", headers=auth).json()["items"]
    assert [i["id"] for i in items] == [on_blog]
    root = {"authorization": f"Bearer {two_sites.accounts.new_token('root')}"}
    items = client.get("/api/admin/queue", headers=root).json()["items"]
    assert sorted(i["id"] for i in items) == sorted([on_blog, on_shop])
    sites = client.get("/api/admin/sites", headers=auth).json()["sites"]
    assert [s["id"] for s in sites] == ["blog"]
    # a moderator may not change the site's settings; its admin may
    refused = client.patch("/api/admin/sites/blog", json={"name": "X"}, headers=auth)
    assert refused.status_code == 403 and refused.json()["error"] == "not_allowed"
    two_sites.accounts.set_role("bob", "blog", Role.ADMIN)
    changed = client.patch("/api/admin/sites/blog", json={"name": "X"}, headers=auth)
    assert changed.status_code == 200 and changed.json()["name"] == "X"
    assert two_sites.moderation.audit("blog")[0].actor == "bob"


def test_posts_without_the_csrf_token_are_refused(two_sites: Services, client: TestClient) -> None:
    comment = held(two_sites, "blog")
    csrf = login(client, "bob")
    body = {"action": "approve", "ids": [comment]}
    refused = client.post("/api/admin/actions", json=body)
    assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
    wrong = client.post("/api/admin/actions", json=body, headers={"x-csrf-token": "nope"})
    assert wrong.status_code == 403
    page = client.post("/admin/act", data={"action": "approve", "id": str(comment)})
    assert page.status_code == 403 and "csrf_failed" in page.text
    assert two_sites.moderation.pending("blog")[0].comment.id == comment
    done = client.post("/api/admin/actions", json=body, headers={"x-csrf-token": csrf})
    assert done.status_code == 200 and done.json() == {"changed": 1}
    assert two_sites.moderation.pending("blog") == []
    assert two_sites.moderation.audit("blog")[0].actor == "bob"


def test_api_tokens_need_no_csrf_and_wrong_ones_are_refused(
    two_sites: Services, client: TestClient
) -> None:
    comment = held(two_sites, "blog")
    token = two_sites.accounts.new_token("bob")
    ok = client.post("/api/admin/actions", json={"action": "spam", "ids": [comment]},
                     headers={"authorization": f"Bearer {token}"})  # fmt: skip
    assert ok.status_code == 200
    bad = client.get("/api/admin/me", headers={"authorization": "Bearer yat_wrong"})
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"


def test_wrong_passwords_are_throttled(
    two_sites: Services, client: TestClient, clock: FakeClock
) -> None:
    free = two_sites.settings.admin.login_free_failures
    for _ in range(free):
        r = client.post("/admin/login", data={"name": "bob", "password": "wrong password!"})
        assert r.status_code == 401
    r = client.post("/admin/login", data={"name": "bob", "password": "wrong password!"})
    assert r.status_code == 401  # this failure starts the delay
    blocked = client.post("/admin/login", data={"name": "bob", "password": PASSWORD})
    assert blocked.status_code == 429
    first_wait = int(blocked.headers["retry-after"])
    assert first_wait == two_sites.settings.admin.login_delay
    clock.advance(first_wait)
    r = client.post("/admin/login", data={"name": "bob", "password": "wrong again!!"})
    assert r.status_code == 401
    again = client.post("/admin/login", data={"name": "bob", "password": PASSWORD})
    assert again.status_code == 429 and int(again.headers["retry-after"]) == 2 * first_wait
    # the same client is throttled for other accounts too
    other = client.post("/admin/login", data={"name": "sam", "password": PASSWORD})
    assert other.status_code == 429
    clock.advance(2 * first_wait)
    ok = client.post("/admin/login", data={"name": "bob", "password": PASSWORD},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303


def test_the_lockout_is_capped(services: Services, clock: FakeClock) -> None:
    throttle = services.accounts.throttle
    for _ in range(60):
        throttle.failed("user:x")
    with pytest.raises(Exception) as caught:
        throttle.check("user:x")
    assert getattr(caught.value, "retry_after", 0) == services.settings.admin.login_lockout


def test_logout_invalidates_the_session(two_sites: Services, client: TestClient) -> None:
    csrf = login(client, "bob")
    old_cookie = client.cookies.get("yorum_admin")
    assert old_cookie
    out = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("yorum_admin", old_cookie)
    again = client.get("/api/admin/me")
    assert again.status_code == 401


def test_sessions_end_when_idle_or_too_old(
    two_sites: Services, client: TestClient, clock: FakeClock
) -> None:
    settings = two_sites.settings.admin
    login(client, "bob")
    clock.advance(settings.session_idle - 1)
    assert client.get("/api/admin/me").status_code == 200  # and this keeps it alive
    clock.advance(settings.session_idle + 1)
    assert client.get("/api/admin/me").status_code == 401
    login(client, "bob")
    for _ in range(settings.session_max // (settings.session_idle - 1)):
        clock.advance(settings.session_idle - 1)
        client.get("/api/admin/me")
    clock.advance(settings.session_idle - 1)
    assert client.get("/api/admin/me").status_code == 401


def test_the_cookie_is_httponly_strict_and_secure_over_https(
    two_sites: Services, client: TestClient
) -> None:
    r = client.post("/admin/login", data={"name": "bob", "password": PASSWORD},
                    follow_redirects=False)  # fmt: skip
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("yorum_admin=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    assert "Secure" not in cookie
    secure = TestClient(client.app, base_url="https://testserver")
    r = secure.post("/admin/login", data={"name": "bob", "password": PASSWORD},
                    follow_redirects=False)  # fmt: skip
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-yorum_admin=") and "Secure" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie
    assert secure.get("/api/admin/me").status_code == 200


def test_totp_is_required_when_enabled(
    two_sites: Services, client: TestClient, clock: FakeClock
) -> None:
    uri = two_sites.accounts.enable_totp("bob")
    secret = re.search(r"secret=([A-Z2-7]+)", uri)
    assert secret and uri.startswith("otpauth://totp/yorum%3Abob?")
    r = client.post("/admin/login", data={"name": "bob", "password": PASSWORD},
                    follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == "/admin/login/totp"
    # the password alone opens nothing
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/login/totp"
    me = client.get("/api/admin/me")
    assert me.status_code == 401 and me.json()["error"] == "totp_required"
    form = client.get("/admin/login/totp")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf
    code = totp.code_at(secret.group(1), clock())
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    bad = client.post("/admin/login/totp", data={"csrf": csrf.group(1), "code": wrong})
    assert bad.status_code == 401 and "login_failed" not in bad.text
    ok = client.post("/admin/login/totp", data={"csrf": csrf.group(1), "code": code},
                     follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == "/admin"
    assert client.get("/api/admin/me").json()["name"] == "bob"


def test_totp_codes_follow_rfc_6238() -> None:
    # RFC 6238 appendix B (SHA-1, secret "12345678901234567890"), last six digits
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for now, code in [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                      (2000000000, "279037"), (20000000000, "353130")]:  # fmt: skip
        assert totp.code_at(secret, now) == code
        assert totp.verify(secret, code, now + 30) and totp.verify(secret, code, now - 30)
        assert not totp.verify(secret, code, now + 90)
    assert not totp.verify(secret, "abcdef", 59)


def test_admin_pages_send_strict_security_headers(two_sites: Services, client: TestClient) -> None:
    r = client.get("/admin/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in r.text and " on" not in r.text.split("<body>")[1].split("=")[0]


def test_passwords_are_stored_as_argon2_hashes(two_sites: Services) -> None:
    from sqlalchemy import select

    from yorum.storage.tables import users

    with two_sites.store.read() as tx:
        stored = tx.execute(select(users.c.password_hash).where(users.c.name == "bob")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_signing_in_clears_out_stale_sessions(two_sites: Services, clock: FakeClock) -> None:
    from sqlalchemy import func, select

    from yorum.storage.tables import admin_sessions

    accounts = two_sites.accounts
    accounts.login("bob", PASSWORD, "k")
    clock.advance(two_sites.settings.admin.session_idle + 1)
    accounts.login("sam", PASSWORD, "k")
    with two_sites.store.read() as tx:
        assert tx.execute(select(func.count()).select_from(admin_sessions)).scalar() == 1


def test_every_process_sees_the_same_failures(two_sites: Services, clock: FakeClock) -> None:
    from yorum.errors import LoginFailed, LoginThrottled
    from yorum.services import build

    other = build(two_sites.settings, clock=clock)  # as a second worker process would
    try:
        for _ in range(two_sites.settings.admin.login_free_failures + 1):
            with pytest.raises(LoginFailed):
                two_sites.accounts.login("bob", "not the password", "client-a")
        with pytest.raises(LoginThrottled):
            other.accounts.login("bob", PASSWORD, "client-b")
    finally:
        other.close()


# What a site's own moderator, its site admin and a global admin may each do through the
# admin API: moderators everything but the site's settings and word lists.
SITE_ADMIN_ONLY = {
    ("PATCH", "/api/admin/sites/blog"),
    ("POST", "/api/admin/words"),
    ("POST", "/api/admin/words/remove"),
}


@pytest.mark.parametrize(("method", "path", "body"), API_CALLS)
@pytest.mark.parametrize("who", ["bob", "ann", "root"])
def test_each_role_gets_exactly_what_it_should_from_the_api(
    two_sites: Services,
    client: TestClient,
    who: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    make_user(two_sites, "ann", blog=Role.ADMIN)  # bob moderates blog, root is a global admin
    comment = held(two_sites, "blog")
    ban = two_sites.bans.add("blog", BanKind.NAME, "x*", actor="test")
    if body and body.get("ids"):
        body = {**body, "ids": [comment]}
    path = path.replace("BLOG_COMMENT", str(comment)).replace("/bans/1?", f"/bans/{ban}?")
    token = two_sites.accounts.new_token(who)
    response = client.request(method, path, json=body, headers={"authorization": f"Bearer {token}"})
    if who == "bob" and (method, path) in SITE_ADMIN_ONLY:
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "not_allowed"
    else:
        assert response.status_code < 300, (who, method, path, response.text)


STATE_CHANGING = [
    *((method, path, body, "api") for method, path, body in API_CALLS if method != "GET"),
    *(("POST", path, body, "page") for method, path, body in PAGE_CALLS if method == "POST"),
]


@pytest.mark.parametrize(("method", "path", "body", "kind"), STATE_CHANGING)
def test_every_state_changing_route_wants_the_csrf_token_with_a_session(
    two_sites: Services,
    client: TestClient,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    kind: str,
) -> None:
    """Signed in as a global admin, who may do all of it: without the session's CSRF
    token (or with a wrong one) every change is refused and nothing changes."""
    comment = held(two_sites, "blog")
    login(client, "root")
    path = path.replace("BLOG_COMMENT", str(comment)).replace(
        "BLOG_DELIVERY", blog_delivery(two_sites)
    )
    if kind == "api":
        payload = {**body, "ids": [comment]} if body and body.get("ids") else body
        for headers in ({}, {"x-csrf-token": "nope"}):
            response = client.request(method, path, json=payload, headers=headers)
            assert response.status_code == 403, response.text
            assert response.json()["error"] == "csrf_failed"
    else:
        form = {**(body or {}), "id": str(comment)} if body and "id" in body else body
        for extra in ({}, {"csrf": "nope"}):
            response = client.post(path, data={**(form or {}), **extra})
            assert response.status_code == 403 and "csrf_failed" in response.text, response.text
    assert two_sites.moderation.pending("blog")[0].comment.id == comment
    assert two_sites.sites.get("blog").name != "Mine"
