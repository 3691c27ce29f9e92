"""The signed links of mails and the pages they open: GET shows, POST acts."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from yorum.models import ClientInfo, NewComment, Policy, Status
from yorum.notify import links as link_kinds
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.storage import subscribers as subscriber_rows
from yorum.web import create_app


@pytest.fixture
def site(settings: Settings, clock: FakeClock) -> Iterator[tuple[Services, TestClient]]:
    configured = with_overrides(
        settings, smtp={"host": "127.0.0.1"}, server={"public_url": "https://c.example"}
    )
    services = build(configured, clock=clock)
    services.sites.add("blog", origins=["https://blog.example"], policy=Policy.HOLD_ALL,
                       language="tr")  # fmt: skip
    with TestClient(create_app(services)) as client:
        yield services, client
    services.close()


def path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == "c.example"
    return f"{parts.path}?{parts.query}"


def held(services: Services, text: str = "Wait for me", **fields: str) -> int:
    new = NewComment(site_id="blog", uri="/a", text=text, **fields)
    return services.comments.post(new, ClientInfo("10.0.0.1")).comment.id


def test_a_moderation_link_shows_then_acts(site: tuple[Services, TestClient]) -> None:
    services, client = site
    comment = held(services, "Hello **world**")
    url = path(services.links.url(link_kinds.MODERATE, c=comment, a="approve", m="mod@x.org"))
    shown = client.get(url)
    assert shown.status_code == 200 and "<strong>world</strong>" in shown.text
    assert "Onayla" in shown.text  # the site's language
    assert "default-src 'none'" in shown.headers["content-security-policy"]
    assert services.moderation.pending("blog")[0].comment.id == comment  # nothing changed
    token = url.split("t=", 1)[1]
    done = client.post("/notify/moderate", data={"t": token})
    assert done.status_code == 200 and "Onaylandı" in done.text
    assert services.moderation.pending("blog") == []
    entry = services.moderation.audit("blog")[0]
    assert (entry.actor, entry.action, entry.comment_id) == ("mail:mod@x.org", "approve", comment)


def test_bad_links_say_so(site: tuple[Services, TestClient], clock: FakeClock) -> None:
    services, client = site
    comment = held(services)
    url = path(services.links.url(link_kinds.MODERATE, c=comment, a="spam", m="mod@x.org"))
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    for bad in (tampered, "/notify/moderate?t=nonsense", "/notify/moderate"):
        response = client.get(bad)
        assert response.status_code == 422 and 'role="alert"' in response.text
    # a confirmation link does not moderate
    other = path(services.links.url(link_kinds.CONFIRM, s="blog", e="a@b.org"))
    assert client.post("/notify/moderate?" + other.split("?")[1]).status_code == 422
    clock.advance(services.settings.notify.link_ttl + 1)
    expired = client.post(url)
    assert expired.status_code == 422 and "This link has expired." in expired.text
    assert services.moderation.pending("blog")[0].comment.status is Status.PENDING


def test_double_opt_in_then_one_click_unsubscribe(
    site: tuple[Services, TestClient], clock: FakeClock
) -> None:
    services, client = site
    held(services, "Mail me", email="Ann@Example.org", notify=True)  # type: ignore[arg-type]
    confirm = path(services.links.url(link_kinds.CONFIRM, s="blog", e="ann@example.org"))
    page = client.get(confirm)
    assert page.status_code == 200 and "ann@example.org" in page.text
    with services.store.read() as tx:
        assert subscriber_rows.get(tx, "blog", "ann@example.org").confirmed_at is None  # type: ignore[union-attr]
    assert client.post(confirm).status_code == 200
    with services.store.read() as tx:
        assert subscriber_rows.get(tx, "blog", "ann@example.org").confirmed_at == clock()  # type: ignore[union-attr]
    # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL
    unsubscribe = path(services.links.url(link_kinds.UNSUBSCRIBE, s="blog", e="ann@example.org"))
    assert client.get(unsubscribe).status_code == 200
    form = {"content-type": "application/x-www-form-urlencoded"}
    one_click = client.post(unsubscribe, content=b"List-Unsubscribe=One-Click", headers=form)
    assert one_click.status_code == 200
    with services.store.read() as tx:
        assert subscriber_rows.get(tx, "blog", "ann@example.org").unsubscribed_at == clock()  # type: ignore[union-attr]
    assert client.post(unsubscribe).status_code == 200  # twice is fine
    # an address that never asked cannot be confirmed by a forged-looking but valid link
    stranger = path(services.links.url(link_kinds.CONFIRM, s="blog", e="who@example.org"))
    assert client.post(stranger).status_code == 422
