"""The thread page for readers without JavaScript: read, post, reply, and mistakes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from starlette.testclient import TestClient

from tests.conftest import FakeClock
from yorum import i18n
from yorum.models import FieldRule, Policy
from yorum.services import Services, build
from yorum.settings import Settings, with_overrides
from yorum.web import create_app

PAGE = "/t/default"


def form_stamp(client: TestClient, path: str = PAGE, uri: str = "/a") -> str:
    """The stamp of the form on the page, as a browser would send it back."""
    page = client.get(path, params={"uri": uri})
    found = re.search(r'name="stamp" value="([^"]+)"', page.text)
    assert found, "the form carries a stamp"
    return found.group(1)


def form_post(client: TestClient, path: str = PAGE, **fields: str) -> object:
    data = {"uri": "/a", **fields}
    if "stamp" not in data and path.startswith("/t/"):
        data["stamp"] = form_stamp(client, path, data["uri"])
    return client.post(path, data=data, follow_redirects=False)


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_an_empty_thread_page_is_plain_html_with_strict_headers(client: TestClient) -> None:
    response = client.get(PAGE, params={"uri": "/a"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "script-src" not in csp  # no script may run here at all
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert '<html lang="en" dir="ltr">' in response.text
    assert "No comments yet" in response.text
    assert "<script" not in response.text
    assert 'method="post" action="/t/default"' in response.text


def test_posting_redirects_to_the_new_comment(client: TestClient) -> None:
    response = form_post(client, text="Hello **there**", author="Ann")
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/t/default?uri=%2Fa&posted=")
    comment_id = location.rsplit("#yorum-", 1)[1]
    page = client.get(location)
    assert page.status_code == 200
    assert f'id="yorum-{comment_id}"' in page.text
    assert "<strong>there</strong>" in page.text
    assert "Your comment is posted." in page.text
    assert "1 comment" in visible_text(page.text)
    # The same comment through the JSON API.
    api = client.get("/api/thread", params={"site": "default", "uri": "/a"}).json()
    assert api["comments"][0]["author"] == "Ann"


def test_markup_in_every_field_comes_out_inert(client: TestClient) -> None:
    posted = form_post(
        client,
        text='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">',
        author='"><img src=x onerror=alert(4)>',
        website="https://example.org/a?b=1&c=2",
    )
    assert posted.status_code == 303  # type: ignore[attr-defined]
    page = client.get(PAGE, params={"uri": "/a"}).text
    assert "<script>alert" not in page and "<img" not in page
    assert 'href="javascript:' not in page  # shown as text, never a link
    assert "&#34;&gt;&lt;img src=x onerror=alert(4)&gt;" in page
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener"' in page


def test_a_bad_website_is_refused_next_to_its_field(client: TestClient) -> None:
    response = form_post(client, text="hi", author="Bo", website="javascript:alert(1)")
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert 'id="yorum-website-error"' in html
    assert "web address starting with https://" in html
    assert 'value="Bo"' in html  # what the reader typed is kept
    assert client.get("/api/thread", params={"site": "default", "uri": "/a"}).json()["total"] == 0


def test_an_empty_comment_gets_its_message_and_keeps_the_values(client: TestClient) -> None:
    response = form_post(client, text="", author="Cem", email="cem@example.org")
    assert response.status_code == 422  # type: ignore[attr-defined]
    html = response.text  # type: ignore[attr-defined]
    assert re.search(r'id="yorum-text-error">Please enter your comment\.<', html)
    assert 'aria-invalid="true"' in html
    assert 'value="Cem"' in html and 'value="cem@example.org"' in html


def test_replying_nests_under_the_comment(client: TestClient) -> None:
    first = form_post(client, text="first", author="Ann")
    first_id = first.headers["location"].rsplit("-", 1)[1]  # type: ignore[attr-defined]
    form = client.get(PAGE, params={"uri": "/a", "reply": first_id}).text
    assert "Replying to Ann." in form
    assert f'name="parent" value="{first_id}"' in form
    reply = form_post(client, text="second", author="Bo", parent=first_id)
    assert reply.status_code == 303  # type: ignore[attr-defined]
    page = client.get(PAGE, params={"uri": "/a"}).text
    nested = page.split(f'id="yorum-{first_id}"', 1)[1]
    assert '<ol class="yorum-replies">' in nested and "second" in nested


def test_a_reply_to_a_missing_comment_is_explained_at_the_top(client: TestClient) -> None:
    response = form_post(client, text="orphan", parent="999")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "The comment you reply to is no longer here." in response.text  # type: ignore[attr-defined]


def test_a_held_comment_shows_the_pending_notice(services: Services, client: TestClient) -> None:
    services.sites.add("held", policy=Policy.HOLD_ALL)
    response = form_post(client, "/t/held", text="wait for me")
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert "held=" in location and location.endswith("#yorum-notice")
    page = client.get(location).text
    assert "awaiting moderation" in page
    assert "wait for me" not in page


def test_forms_from_other_sites_are_refused(services: Services, client: TestClient) -> None:
    services.sites.add("blog", origins=["https://blog.example.org"])
    evil = client.post(
        "/t/blog",
        data={"uri": "/a", "text": "x"},
        headers={"origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert evil.status_code == 403
    assert "only be sent from the page it belongs to" in evil.text
    for origin in ("http://testserver", "https://blog.example.org"):
        ok = client.post(
            "/t/blog",
            data={"uri": "/a", "text": f"from {origin}", "stamp": form_stamp(client, "/t/blog")},
            headers={"origin": origin},
            follow_redirects=False,
        )
        assert ok.status_code == 303


def test_other_bodies_are_refused_with_a_page(client: TestClient) -> None:
    as_json = client.post(PAGE, json={"uri": "/a", "text": "x"})
    assert as_json.status_code == 415 and "<html" in as_json.text
    huge = client.post(PAGE, data={"uri": "/a", "text": "x" * 70_000})
    assert huge.status_code == 413
    bad_bytes = client.post(
        PAGE,
        content=b"uri=/a&text=%FF%FE",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert bad_bytes.status_code in (400, 422)


def test_unknown_sites_and_missing_pages_are_clear(client: TestClient) -> None:
    unknown = client.get("/t/nosuch", params={"uri": "/a"})
    assert unknown.status_code == 404
    assert "There is no such site on this server." in unknown.text
    missing = client.get(PAGE)
    assert missing.status_code == 422
    assert "<html" in missing.text


def test_big_threads_page_and_long_reply_lists_fold(services: Services, client: TestClient) -> None:
    page_size = services.settings.comments.page_size
    reply_size = services.settings.comments.reply_page_size
    for n in range(page_size + 3):
        form_post(client, text=f"top {n}")
    first_id = "1"
    for n in range(reply_size + 2):
        form_post(client, text=f"reply {n}", parent=first_id)
    page = client.get(PAGE, params={"uri": "/a"}).text
    assert "Show 2 more replies" in page
    older = re.search(r'href="([^"]*cursor=[^"]*)">Older comments<', page)
    assert older is not None
    rest = client.get(unescape(older.group(1))).text
    assert f"top {page_size + 2}" in rest and "top 0" not in visible_text(rest)
    more = re.search(r'href="([^"]*parent=1)">Show 2 more replies<', page)
    assert more is not None
    replies = client.get(unescape(more.group(1))).text
    assert f"reply {reply_size + 1}" in replies


@pytest.mark.parametrize(
    ("params", "headers", "expected"),
    [
        ({"lang": "tr"}, {}, "Henüz yorum yok"),
        ({}, {"accept-language": "de;q=0.9, tr;q=0.8"}, "Henüz yorum yok"),
        ({}, {"accept-language": "xx, en;q=0.5"}, "No comments yet"),
    ],
)
def test_the_page_speaks_the_readers_language(
    client: TestClient, params: dict[str, str], headers: dict[str, str], expected: str
) -> None:
    page = client.get(PAGE, params={"uri": "/a", **params}, headers=headers)
    assert expected in page.text


def test_a_site_language_is_the_default(services: Services, client: TestClient) -> None:
    services.sites.add("haber", language="tr")
    page = client.get("/t/haber", params={"uri": "/a"})
    assert '<html lang="tr" dir="ltr">' in page.text
    assert page.headers["content-language"] == "tr"


def test_every_catalog_has_every_message() -> None:
    assert all(not missing for missing in i18n.catalogs_complete().values())
    assert i18n.Messages("ar").direction == "rtl"
    assert i18n.negotiate(None, "fa-IR", "en").language == "en"  # no Persian catalog yet


@pytest.fixture
def limited(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    svc = build(with_overrides(settings, abuse={"client_rate": "1/minute"}), clock=clock)
    svc.sites.ensure_default()
    with TestClient(create_app(svc)) as client:
        yield client
    svc.close()


def test_posting_too_fast_shows_when_to_try_again(limited: TestClient) -> None:
    assert form_post(limited, text="one").status_code == 303  # type: ignore[attr-defined]
    again = form_post(limited, text="two")
    assert again.status_code == 429  # type: ignore[attr-defined]
    assert again.headers["retry-after"] == "60"  # type: ignore[attr-defined]
    assert "Please wait 60 seconds." in again.text  # type: ignore[attr-defined]
    assert "two" in again.text  # type: ignore[attr-defined]  # the text is not lost


def test_the_form_follows_the_sites_field_rules(services: Services, client: TestClient) -> None:
    services.sites.add("strict", author_field=FieldRule.REQUIRED, website_field=FieldRule.HIDDEN)
    page = client.get("/t/strict", params={"uri": "/a"}).text
    assert '<label for="yorum-author">Name</label>' in page
    assert 'name="author"' in page and 'name="website"' not in page
    refused = form_post(client, "/t/strict", text="hi")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "Please enter your name." in refused.text  # type: ignore[attr-defined]
    assert form_post(client, "/t/strict", text="hi", author="Ann").status_code == 303  # type: ignore[attr-defined]


def test_behind_a_proxy_the_public_url_counts_as_this_server(
    settings: Settings, clock: FakeClock
) -> None:
    public = with_overrides(settings, server={"public_url": "https://comments.example.org/yorum"})
    svc = build(public, clock=clock)
    svc.sites.add("blog", origins=["https://blog.example.org"])
    with TestClient(create_app(svc)) as client:
        response = client.post(
            "/t/blog",
            data={"uri": "/a", "text": "through the proxy", "stamp": form_stamp(client, "/t/blog")},
            headers={"origin": "https://comments.example.org"},
            follow_redirects=False,
        )
    svc.close()
    assert response.status_code == 303


def test_a_locked_thread_shows_no_form(services: Services, client: TestClient) -> None:
    form_post(client, text="before the lock")
    stamp = form_stamp(client)  # a form still open in some reader's browser
    services.moderation.lock("default", "/a", True, actor="ann")
    page = client.get(PAGE, params={"uri": "/a"}).text
    assert "This thread is closed to new comments." in page
    assert "<form" not in page and "Reply</a>" not in page
    refused = form_post(client, text="after the lock", stamp=stamp)
    assert refused.status_code == 403  # type: ignore[attr-defined]
