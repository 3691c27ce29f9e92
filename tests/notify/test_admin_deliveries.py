"""The admin's side of notifications: the deliveries page and API, the site's settings."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.test_admin_auth import login, make_user
from yorum.models import NotifyMode, Policy, Role
from yorum.services import Services
from yorum.storage import outbox as outbox_rows


def queue(services: Services, site: str, to: str, *, dead: bool = False) -> int:
    with services.store.write() as tx:
        message_id = outbox_rows.add(
            tx, channel="email", kind="moderator", site_id=site, recipient=to,
            payload={"comment_id": 1}, now=100.0,
        )  # fmt: skip
        if dead:
            outbox_rows.failed(tx, message_id, "550 mailbox unavailable", None)
    return message_id


def test_deliveries_are_listed_and_sent_again(services: Services, client: TestClient) -> None:
    services.sites.add("blog", policy=Policy.OPEN)
    services.sites.add("shop", policy=Policy.OPEN)
    make_user(services, "bob", blog=Role.MODERATOR)
    dead = queue(services, "blog", "gone@example.org", dead=True)
    queue(services, "blog", "fine@example.org")
    queue(services, "shop", "secret@example.org")
    csrf = login(client, "bob")
    page = client.get("/admin/deliveries").text
    assert "gone@example.org" in page and "550 mailbox unavailable" in page
    assert "secret@example.org" not in page  # another site's
    assert "fine@example.org" not in client.get("/admin/deliveries?status=dead").text
    back = {"csrf": csrf, "back": "/admin/deliveries"}
    r = client.post(f"/admin/deliveries/{dead}/resend", data=back, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/deliveries?done=")
    with services.store.read() as tx:
        again = outbox_rows.get(tx, dead)
    assert again is not None and (again.status, again.attempts) == ("pending", 0)
    assert services.moderation.audit("blog")[0].action == "resend"
    auth = {"authorization": f"Bearer {services.accounts.new_token('bob')}"}
    listed = client.get("/api/admin/deliveries", headers=auth).json()["deliveries"]
    assert {d["recipient"] for d in listed} == {"gone@example.org", "fine@example.org"}
    assert all(d["channel"] == "email" and d["kind"] == "moderator" for d in listed)
    assert client.post("/api/admin/deliveries/999999/resend", headers=auth).status_code == 404
    bad = client.get("/api/admin/deliveries?status=lost", headers=auth)
    assert bad.status_code == 422 and bad.json()["field"] == "status"


def test_the_site_page_sets_who_is_mailed(services: Services, client: TestClient) -> None:
    services.sites.add("blog", policy=Policy.OPEN)
    make_user(services, "ann", blog=Role.ADMIN)
    csrf = login(client, "ann")
    page = client.get("/admin/sites/blog").text
    assert 'name="notify_emails"' in page and 'name="reply_notifications"' in page
    form = {"csrf": csrf, "name": "Blog", "origins": "*", "language": "en", "policy": "open",
            "author_field": "optional", "email_field": "optional", "website_field": "optional",
            "notify_emails": "Ed@Example.org\nnight@example.org",
            "notify_mode": "hourly"}  # fmt: skip
    assert client.post("/admin/sites/blog", data=form).status_code == 200
    site = services.sites.get("blog")
    assert site.notify_emails == ("ed@example.org", "night@example.org")
    assert (site.notify_mode, site.reply_notifications) == (NotifyMode.HOURLY, False)
    refused = client.post("/admin/sites/blog", data={**form, "notify_emails": "nobody"})
    assert refused.status_code == 422
    auth = {"authorization": f"Bearer {services.accounts.new_token('ann')}"}
    r = client.patch("/api/admin/sites/blog", json={"notify_mode": "off",
                     "notify_emails": [], "reply_notifications": True}, headers=auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["notify_mode"], r.json()["notify_emails"]) == ("off", [])
    bad = client.patch("/api/admin/sites/blog", json={"notify_emails": ["x"]}, headers=auth)
    assert bad.status_code == 422


def test_site_admins_manage_webhooks_on_the_site_page(
    services: Services, client: TestClient
) -> None:
    services.sites.add("blog", policy=Policy.OPEN)
    make_user(services, "ann", blog=Role.ADMIN)
    make_user(services, "bob", blog=Role.MODERATOR)
    csrf = login(client, "ann")
    added = client.post("/admin/sites/blog/webhooks", data={
        "csrf": csrf, "url": "https://hooks.example/yorum", "event": ["comment.held"]})  # fmt: skip
    assert added.status_code == 200
    [hook] = services.webhooks.list("blog")
    assert hook.events == ("comment.held",) and hook.secret in added.text  # shown once
    page = client.get("/admin/sites/blog").text
    assert "https://hooks.example/yorum" in page and hook.secret not in page
    bad = client.post("/admin/sites/blog/webhooks", data={"csrf": csrf, "url": "ftp://x"})
    assert bad.status_code == 422
    client.post("/admin/sites/blog/webhooks", data={"csrf": csrf, "remove": str(hook.id)})
    assert services.webhooks.list("blog") == []
    client.post("/admin/logout", data={"csrf": csrf})
    csrf = login(client, "bob")
    assert 'id="webhooks"' not in client.get("/admin/sites/blog").text
    denied = client.post("/admin/sites/blog/webhooks", data={
        "csrf": csrf, "url": "https://hooks.example/mine"})  # fmt: skip
    assert denied.status_code == 403 and services.webhooks.list("blog") == []
