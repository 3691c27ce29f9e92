"""Atom feeds per thread and per site."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from starlette.testclient import TestClient

from tests.conftest import post
from yorum.services import Services

A = "{http://www.w3.org/2005/Atom}"


def test_thread_feed_lists_comments_newest_first(client: TestClient) -> None:
    post(client, "first")
    post(client, "second *one*", author='"><script>alert(1)</script>')
    response = client.get("/api/feeds/thread", params={"site": "default", "uri": "/t"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 2
    newest = entries[0]
    assert newest.findtext(f"{A}author/{A}name") == '"><script>alert(1)</script>'
    assert newest.findtext(f"{A}content") == "<p>second <em>one</em></p>"
    assert b"<script>" not in response.content


def test_site_feed_links_to_the_sites_origin(client: TestClient, services: Services) -> None:
    services.sites.add("blog", origins=["https://blog.example"])
    client.post(
        "/api/comments", json={"site": "blog", "uri": "/post/1", "text": "x", "title": "P1"}
    )
    feed = ET.fromstring(client.get("/api/feeds/site", params={"site": "blog"}).content)
    [entry] = feed.findall(f"{A}entry")
    assert entry.find(f"{A}link").get("href", "").startswith("https://blog.example/post/1#")  # type: ignore[union-attr]
    assert "P1" in (entry.findtext(f"{A}title") or "")


def test_unknown_site_feed_is_404(client: TestClient) -> None:
    assert client.get("/api/feeds/site", params={"site": "nope"}).status_code == 404
