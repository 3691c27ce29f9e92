"""Readers' own data: asked for by mail, exported as JSON, erased as the site says; and the
same from the admin."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from tests.notify.test_delivery import deliver, worker
from tests.smtp import SmtpServer
from tests.test_admin_auth import login, make_user
from yorum.models import ClientInfo, Erasure, NewComment, Policy, Role, Status
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import outbox as outbox_rows
from yorum.web import create_app

PUBLIC = "https://comments.example"


@pytest.fixture
def site(settings: Settings, clock: FakeClock, smtp_server: SmtpServer) -> Iterator[Services]:
    smtp = dataclasses.asdict(smtp_server.settings())
    services = build(with_overrides(settings, smtp=smtp, server={"public_url": PUBLIC}),
                     clock=clock)  # fmt: skip
    services.sites.add("blog", origins=["*"], policy=Policy.OPEN)
    yield services
    services.close()


def say(services: Services, text: str, *, email: str = "", ip: str = "10.0.0.1",
        parent: int | None = None, author: str = "") -> int:  # fmt: skip
    new = NewComment(site_id="blog", uri="/a", text=text, email=email, author=author,
                     website="https://ann.example" if email else "", parent_id=parent)  # fmt: skip
    return services.comments.post(new, ClientInfo(ip)).comment.id


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_reader_gets_and_erases_their_data_through_the_mailed_link(
    site: Services, clock: FakeClock, smtp_server: SmtpServer
) -> None:
    first = say(site, "My first comment", email="Ann@Example.org", author="Ann")
    say(site, "A reply to Ann", ip="10.0.0.2", parent=first)
    alone = say(site, "My second comment", email="ann@example.org", author="Ann")
    other = say(site, "Someone else", email="bob@example.org", ip="10.0.0.3")
    with TestClient(create_app(site)) as client:
        assert 'href="/privacy/blog"' in client.get("/t/blog", params={"uri": "/a"}).text
        form = client.get("/privacy/blog")
        assert form.status_code == 200 and 'name="email"' in form.text
        for address in ("ann@example.org", "nobody@example.org"):
            asked = client.post("/privacy/blog", data={"email": address})
            assert asked.status_code == 200 and "a mail with a link is coming" in asked.text
        client.post("/privacy/blog", data={"email": "ann@example.org"})  # twice: one mail
        assert client.post("/privacy/blog", data={"email": "not an address"}).status_code == 422
        assert deliver(worker(site, clock, smtp_server)) == 2
        mails = {m["To"]: m for m in smtp_server.wait_for(2)}
        link = re.search(r'href="([^"]+/privacy/data[^"]+)"',
                         mails["ann@example.org"].get_body(("html",)).get_content())  # fmt: skip
        assert link is not None
        page = client.get(local(link.group(1).replace("&amp;", "&")))
        assert page.status_code == 200 and "My first comment" in page.text
        assert "Someone else" not in page.text
        token = re.search(r'name="t" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        exported = client.get("/privacy/export", params={"t": token})
        assert exported.headers["content-disposition"].startswith("attachment")
        data = exported.json()
        assert data["format"] == "yorum-reader-data/1" and data["email"] == "ann@example.org"
        assert [c["text"] for c in data["comments"]] == ["My first comment", "My second comment"]
        ask = client.post("/privacy/erase", data={"t": token})
        assert ask.status_code == 200 and "cannot be undone" in ask.text
        assert len(site.readers.export("blog", "ann@example.org", actor="t")["comments"]) == 2
        done = client.post("/privacy/erase", data={"t": token, "sure": "1"})
        assert done.status_code == 200 and "2 comments erased" in done.text
        assert client.get("/privacy/export", params={"t": "forged.x"}).status_code == 422
    with site.store.read() as tx:
        from yorum.storage import comments as comment_rows

        placeholder = comment_rows.get(tx, first)
        assert placeholder is not None and placeholder.status is Status.DELETED
        assert (placeholder.author, placeholder.email, placeholder.ip_hash) == ("", "", "")
        assert comment_rows.get(tx, alone) is None  # no replies: gone for good
        assert comment_rows.get(tx, other) is not None
        assert all(m.recipient != "ann@example.org"
                   for m in outbox_rows.recent(tx, ["blog"]) if m.status == "pending")  # fmt: skip
    actions = [(e.actor, e.action) for e in site.moderation.audit("blog")]
    assert ("reader", "reader erase") in actions and ("reader", "reader export") in actions
    assert all("ann@example.org" not in e.reason for e in site.moderation.audit("blog"))


def test_anonymizing_keeps_the_text(site: Services) -> None:
    site.sites.update("blog", erasure=Erasure.ANONYMIZE)
    comment = say(site, "Worth keeping", email="ann@example.org", author="Ann")
    erased = site.readers.erase("blog", "ANN@example.org", actor="mod")
    assert (erased.anonymized, erased.deleted, erased.placeholders) == (1, 0, 0)
    [shown] = [n.comment for n in site.comments.page("blog", "/a").nodes]
    assert shown.id == comment and shown.text_raw == "Worth keeping"
    assert (shown.author, shown.email, shown.website, shown.avatar, shown.ip_hash) == (
        "", "", "", "", "",
    )  # fmt: skip


def test_moderators_export_and_erase_from_the_admin(services: Services) -> None:
    # Without public_url: the admin's cookie is then not Secure, as the test client needs.
    site = services
    site.sites.add("blog", origins=["*"], policy=Policy.OPEN)
    make_user(site, "bob", blog=Role.MODERATOR)
    say(site, "Mine", email="ann@example.org")
    with TestClient(create_app(site)) as client:
        csrf = login(client, "bob")
        page = client.get("/admin/readers", params={"site": "blog", "email": "ann@example.org"})
        assert page.status_code == 200 and "Mine" in page.text
        download = client.get("/admin/readers", params={
            "site": "blog", "email": "ann@example.org", "download": "1"})  # fmt: skip
        assert download.json()["comments"][0]["text"] == "Mine"
        auth = {"authorization": f"Bearer {site.accounts.new_token('bob')}"}
        api = client.get("/api/admin/readers", params={"site": "blog",
                         "email": "ann@example.org"}, headers=auth)  # fmt: skip
        assert api.status_code == 200 and len(api.json()["comments"]) == 1
        erased = client.post("/admin/readers", data={"csrf": csrf, "site": "blog",
                             "email": "ann@example.org"}, follow_redirects=False)  # fmt: skip
        assert erased.status_code == 303
        body = {"site": "blog", "email": "ann@example.org"}
        again = client.post("/api/admin/readers/erase", json=body, headers=auth)
        assert again.json() == {"deleted": 0, "placeholders": 0, "anonymized": 0}
    assert site.comments.page("blog", "/a").total == 0
    assert site.moderation.audit("blog")[0].actor == "bob"
