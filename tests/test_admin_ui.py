"""The admin pages and the JSON admin API at work: the queue, actions, locks, bans,
sites, moderators, the audit log and stats; and the ``yorum user`` commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from tests.test_admin_auth import PASSWORD, held, login, make_user
from yorum.cli import main
from yorum.models import ClientInfo, NewComment, Policy, Role
from yorum.services import Services


def setup_blog(services: Services) -> None:
    services.sites.add("blog", policy=Policy.HOLD_ALL)
    make_user(services, "bob", blog=Role.MODERATOR)


def test_queue_page_filters_pages_and_acts(services: Services, client: TestClient) -> None:
    setup_blog(services)
    ids = [held(services, "blog", f"comment number {i}") for i in range(3)]
    services.comments.post(
        NewComment(site_id="blog", uri="/b", text="needle here", author="Zed"),
        ClientInfo("10.0.0.2"),
    )
    csrf = login(client, "bob")
    page = client.get("/admin")
    assert page.text.count("data-row") == 4 and "comment number 2" in page.text
    assert len(client.get("/admin?q=needle").text.split("data-row")) == 2
    assert len(client.get("/admin?author=zed").text.split("data-row")) == 2
    assert len(client.get("/admin?uri=/b&site=blog").text.split("data-row")) == 2
    assert "Nothing here." in client.get("/admin?status=spam").text
    assert client.get("/admin?status=bogus").status_code == 422
    # one comment by its own button
    r = client.post("/admin/act?action=approve", data={"csrf": csrf, "one": str(ids[0]),
                    "back": "/admin"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/admin?done=approve%3A1"
    # two by checkboxes
    form = {"csrf": csrf, "action": "spam", "id": [str(ids[1]), str(ids[2])],
            "back": "https://evil.example/"}  # fmt: skip
    r = client.post("/admin/act", data=form, follow_redirects=False)
    assert r.headers["location"].startswith("/admin?done=spam")
    spam = client.get("/admin?status=spam")
    assert spam.text.count("data-row") == 2
    entries = services.moderation.audit("blog")
    assert [(e.actor, e.action) for e in entries[:3]] == [
        ("bob", "spam"),
        ("bob", "spam"),
        ("bob", "approve"),
    ]
    # paging: 50 a page
    for i in range(60):
        held(services, "blog", f"more {i}")
    first = client.get("/admin")
    assert first.text.count("data-row") == 50 and "Page 1 of 2" in first.text
    assert client.get("/admin?page=2").text.count("data-row") == 11


def test_lock_bans_sites_audit_and_stats_pages(
    services: Services, client: TestClient, clock: FakeClock
) -> None:
    setup_blog(services)
    held(services, "blog")
    make_user(services, "ann", blog=Role.ADMIN)
    make_user(services, "carl")
    csrf = login(client, "ann")
    r = client.post("/admin/lock", data={"csrf": csrf, "site": "blog", "uri": "/a",
                                         "locked": "1"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert services.comments.page("blog", "/a").thread.locked  # type: ignore[union-attr]
    r = client.post("/admin/bans/add", data={"csrf": csrf, "site": "blog", "kind": "email",
                    "value": "Troll@Example.com", "reason": "rude", "days": "7"})  # fmt: skip
    assert r.status_code == 200 and "troll@example.com" in r.text
    ban = services.bans.active("blog")[0]
    assert ban.expires_at == clock() + 7 * 86400
    bad = client.post("/admin/bans/add", data={"csrf": csrf, "site": "blog", "kind": "ip",
                                               "value": "not-an-ip"})  # fmt: skip
    assert bad.status_code == 422
    r = client.post(f"/admin/bans/{ban.id}/lift", data={"csrf": csrf, "site": "blog"})
    assert r.status_code == 200 and services.bans.active("blog") == []
    # site settings and moderators (ann is the site's admin)
    r = client.post("/admin/sites/blog", data={"csrf": csrf, "name": "The Blog",
                    "origins": "https://blog.example\nhttps://www.blog.example",
                    "language": "tr", "policy": "open", "author_field": "required",
                    "email_field": "hidden", "website_field": "optional"})  # fmt: skip
    assert r.status_code == 200, r.text
    site = services.sites.get("blog")
    assert (site.name, site.language, site.policy, site.author_field.value) == (
        "The Blog",
        "tr",
        Policy.OPEN,
        "required",
    )
    assert site.origins == ("https://blog.example", "https://www.blog.example")
    r = client.post("/admin/sites/blog/moderators", data={"csrf": csrf, "name": "carl",
                                                          "role": "moderator"})  # fmt: skip
    assert r.status_code == 200 and "carl · moderator" in r.text
    audit = client.get("/admin/audit?site=blog").text
    for action in ("lock", "ban email", "unban", "site settings", "role moderator"):
        assert f"<td>{action}</td>" in audit
    stats = client.get("/admin/stats")
    assert "Waiting: <strong>1</strong>" in stats.text
    # a global-admin-only part: the users table
    assert "Users</h2>" not in client.get("/admin/sites").text


def test_the_api_lists_acts_locks_bans_and_counts(
    services: Services, client: TestClient, clock: FakeClock
) -> None:
    setup_blog(services)
    first = held(services, "blog", "first")
    clock.advance(86400)
    second = held(services, "blog", "second")
    auth = {"authorization": f"Bearer {services.accounts.new_token('bob')}"}
    queue = client.get("/api/admin/queue?limit=1", headers=auth).json()
    assert queue["total"] == 2 and [i["id"] for i in queue["items"]] == [first]
    assert queue["items"][0]["details"]["address_hash"]
    r = client.post("/api/admin/actions", headers=auth,
                    json={"action": "approve", "ids": [first, 999999]})  # fmt: skip
    assert r.status_code == 404 and r.json()["error"] == "comment_not_found"
    assert client.get("/api/admin/queue", headers=auth).json()["total"] == 2  # all or none
    r = client.post("/api/admin/actions", headers=auth, json={"action": "spam", "ids": [second]})
    assert r.json() == {"changed": 1}
    r = client.post("/api/admin/locks", headers=auth,
                    json={"site": "blog", "uri": "/a", "locked": True})  # fmt: skip
    assert r.json()["locked"] is True
    r = client.post("/api/admin/bans", headers=auth,
                    json={"site": "blog", "kind": "ip", "value": "10.1.2.3"})  # fmt: skip
    assert r.status_code == 201
    bans = client.get("/api/admin/bans?site=blog", headers=auth).json()["bans"]
    assert bans[0]["kind"] == "ip" and "10.1.2.3" not in bans[0]["value"]
    lifted = client.delete(f"/api/admin/bans/{r.json()['id']}?site=blog", headers=auth)
    assert lifted.json() == {"lifted": r.json()["id"]}
    days = client.get("/api/admin/stats", headers=auth).json()["days"]
    assert [d["counts"] for d in days] == [{"pending": 1}, {"spam": 1}]
    audit = client.get("/api/admin/audit?site=blog", headers=auth).json()["entries"]
    assert [e["action"] for e in audit][:3] == ["unban", "ban ip", "lock"]
    assert client.get("/api/admin/queue?status=nope", headers=auth).status_code == 422
    unknown = client.get("/api/admin/queue?site=nosuch", headers=auth)
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_site"


def test_the_openapi_document_lists_the_admin_api(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    queue = doc["paths"]["/api/admin/queue"]["get"]
    assert queue["security"] and "401" in queue["responses"]
    assert doc["paths"]["/api/admin/sites/{site}"]["patch"]["parameters"][0]["name"] == "site"
    assert "AdminQueue" in doc["components"]["schemas"]


def run(*args: str, data_dir: Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_user_commands(tmp_path: Path) -> None:
    d = tmp_path / "d"
    code, out, err = run("user", "add", "Alice", "--admin", "--password-stdin", data_dir=d,
                         stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0 and "added user alice (global admin)" in out, err
    code, _, err = run("user", "add", "bob", "--site", "default", "--password-stdin",
                       data_dir=d, stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 1 and "no site" in err  # `default` is made by serve, not here
    run("site", "add", "blog", data_dir=d)
    code, out, _ = run("user", "add", "bob", "--site", "blog", "--role", "admin",
                       "--password-stdin", data_dir=d, stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0 and "(admin of blog)" in out
    code, _, err = run("user", "add", "shorty", "--password-stdin", data_dir=d, stdin="short\n")
    assert code == 1 and "at least 10" in err
    code, out, _ = run("user", "totp", "enable", "bob", data_dir=d)
    assert code == 0 and out.startswith("otpauth://totp/yorum%3Abob?secret=")
    code, out, _ = run("user", "list", data_dir=d)
    assert out.splitlines() == ["alice\tadmin\t-\t-", "bob\tuser\ttotp\tblog:admin"]
    code, out, _ = run("user", "role", "bob", "--site", "blog", "--role", "none", data_dir=d)
    assert code == 0
    code, out, _ = run("user", "token", "bob", "--label", "script", data_dir=d)
    assert code == 0 and out.startswith("yat_")
    code, out, _ = run("user", "passwd", "bob", "--password-stdin", data_dir=d,
                       stdin="another password\n")  # fmt: skip
    assert code == 0
    code, out, _ = run("user", "totp", "disable", "bob", data_dir=d)
    assert code == 0
    code, out, _ = run("user", "remove", "bob", data_dir=d)
    assert code == 0
    code, out, _ = run("user", "list", data_dir=d)
    assert out.splitlines() == ["alice\tadmin\t-\t-"]
    code, _, err = run("user", "remove", "nobody", data_dir=d)
    assert code == 1 and "no user" in err


def test_serve_says_how_to_create_the_first_admin(tmp_path: Path) -> None:
    from tests.servers import Server

    data = tmp_path / "data"
    server = Server(data, f"sqlite:///{data / 'yorum.sqlite3'}")
    server.start()
    try:
        log = server.log.read_text()
    finally:
        server.stop()
    assert f"yorum user add NAME --admin --data-dir {data}" in log
    assert f"{server.url}/admin" in log
    run("user", "add", "ann", "--admin", "--password-stdin", data_dir=data, stdin=PASSWORD + "\n")
    server.start()
    server.stop()
    assert server.log.read_text().count("No admin account yet") == 1


def test_global_admins_add_sites_and_users(services: Services, client: TestClient) -> None:
    setup_blog(services)
    make_user(services, "root", admin=True)
    csrf = login(client, "root")
    r = client.post("/admin/sites/add", data={"csrf": csrf, "id": "shop", "name": "Shop",
                                              "origins": "https://shop.example"})  # fmt: skip
    assert r.status_code == 200 and services.sites.get("shop").origins == ("https://shop.example",)
    assert services.moderation.audit("shop")[0].actor == "root"
    r = client.post("/admin/users", data={"csrf": csrf, "name": "Dora", "password": PASSWORD})
    assert r.status_code == 200 and "<td>dora</td>" in r.text
    own = client.post("/admin/users", data={"csrf": csrf, "name": "root", "remove": "1"})
    assert own.status_code == 422
    r = client.post("/admin/users", data={"csrf": csrf, "name": "dora", "remove": "1"})
    assert r.status_code == 200 and "<td>dora</td>" not in r.text
    # a site admin may do neither
    client.cookies.clear()
    csrf = login(client, "bob")
    refused = client.post("/admin/users", data={"csrf": csrf, "name": "eve", "password": PASSWORD})
    assert refused.status_code == 403
    refused = client.post("/admin/sites/add", data={"csrf": csrf, "id": "x"})
    assert refused.status_code == 403
