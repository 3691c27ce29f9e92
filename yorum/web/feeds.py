"""Atom feeds of new comments: one per thread, one per site."""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response

from yorum.models import Comment, Site
from yorum.times import iso
from yorum.web import concurrency
from yorum.web.api import query, services
from yorum.web.responses import respond

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def page_url(request: Request, site: Site, uri: str) -> str:
    """An absolute URL for a thread's page: the URI itself, or joined to the site's origin."""
    return site.page_url(uri, _server_base(request))


def _server_base(request: Request) -> str:
    configured = services(request).settings.server.public_url
    return configured.rstrip("/") if configured else str(request.base_url).rstrip("/")


def _atom(
    request: Request,
    *,
    feed_id: str,
    title: str,
    link: str,
    entries: Iterable[tuple[Comment, str, str]],
    updated: float,
) -> Response:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = iso(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", href=link)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=str(request.url))
    for comment, url, thread_title in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{feed_id}#comment-{comment.id}"
        name = comment.author or "Anonymous"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = (
            f"{name} on {thread_title}" if thread_title else name
        )
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso(
            comment.edited_at or comment.created_at
        )
        ET.SubElement(entry, f"{{{ATOM}}}published").text = iso(comment.created_at)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = name
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{url}#yorum-{comment.id}")
        ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = comment.text_html
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return respond(request, body, media_type="application/atom+xml; charset=utf-8")


async def thread_feed(request: Request) -> Response:
    """The newest comments of one thread."""
    q = query(request, "thread_feed")
    return await thread_atom(request, q["site"], q["uri"])


async def thread_atom(request: Request, site_id: str, uri: str) -> Response:
    """The Atom feed of a thread (also served under the Isso-compatible API)."""
    svc = services(request)
    site = await concurrency.read(svc, svc.sites.get, site_id)
    comments = await concurrency.read(svc, svc.comments.thread_comments, site.id, uri, FEED_SIZE)
    url = page_url(request, site, uri)
    updated = max((c.edited_at or c.created_at for c in comments), default=site.created_at)
    return _atom(
        request,
        feed_id=f"{_server_base(request)}/api/feeds/thread?site={site.id}&uri={uri}",
        title=f"Comments on {url}",
        link=url,
        entries=((c, url, "") for c in comments),
        updated=updated,
    )


async def site_feed(request: Request) -> Response:
    """The newest comments of a whole site."""
    q = query(request, "site_feed")
    svc = services(request)
    site = await concurrency.read(svc, svc.sites.get, q["site"])
    items = await concurrency.read(svc, svc.comments.latest, site.id, FEED_SIZE)
    updated = max((i.comment.created_at for i in items), default=site.created_at)
    return _atom(
        request,
        feed_id=f"{_server_base(request)}/api/feeds/site?site={site.id}",
        title=f"Comments on {site.name}",
        link=page_url(request, site, "/"),
        entries=((i.comment, page_url(request, site, i.uri), i.title or i.uri) for i in items),
        updated=updated,
    )
