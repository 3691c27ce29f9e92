"""The pages the links in notification mails open: moderate, confirm, unsubscribe.

``GET`` only shows what the link will do, with one button; the button's ``POST`` does it.
Mail scanners and link previews that fetch every URL in a mail therefore change nothing.
``POST /notify/unsubscribe`` is also the RFC 8058 one-click target that mail clients
call with ``List-Unsubscribe=One-Click``. The token in the link is the authority, so
these forms carry no session and no CSRF token; they are in the site's language.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from yorum.errors import YorumError
from yorum.models import Site
from yorum.notify import links as link_kinds
from yorum.web.api import services
from yorum.web.concurrency import blocking
from yorum.web.errors import status_of
from yorum.web.pages import SECURITY_HEADERS, _templates, messages, shown_time
from yorum.web.responses import read_body

FORM_LIMIT = 8192


async def _token(request: Request) -> str:
    """The link's token: from the query string, or the posted form."""
    token = request.query_params.get("t", "")
    if not token and request.method == "POST":
        raw = await read_body(request, FORM_LIMIT)
        token = parse_qs(raw.decode("utf-8", "replace")).get("t", [""])[0]
    return token


def _page(request: Request, site: Site | None, template: str, status: int = 200,
          **context: Any) -> Response:  # fmt: skip
    t = messages(request, site, request.query_params.get("lang"))
    html = _templates.get_template(template).render(t=t, site=site, when=shown_time, **context)
    headers = {**SECURITY_HEADERS, "content-language": t.language, "cache-control": "no-store"}
    return HTMLResponse(html, status_code=status, headers=headers)


def _failed(request: Request, exc: YorumError) -> Response:
    t = messages(request, None, request.query_params.get("lang"))
    return _page(request, None, "notify.html", status_of(exc), step="error",
                 message=t.error(exc.code, exc.field))  # fmt: skip


async def moderate(request: Request) -> Response:
    """A moderator's link from a mail: approve, reject or mark spam one comment."""
    actions = services(request).link_actions
    token = await _token(request)
    try:
        if request.method == "POST":
            link = await blocking(actions.moderate, token)
            return _page(request, link.site, "notify.html", step="moderated", link=link)
        link = await blocking(actions.moderation_link, token)
    except YorumError as exc:
        return _failed(request, exc)
    return _page(request, link.site, "notify.html", step="moderate", link=link, token=token)


async def confirm(request: Request) -> Response:
    """The double opt-in link: confirm that this address wants reply mails."""
    actions = services(request).link_actions
    token = await _token(request)
    try:
        if request.method == "POST":
            found = await blocking(actions.confirm, token)
            return _page(request, found.site, "notify.html", step="confirmed", found=found)
        found = await blocking(actions.subscription_link, token, link_kinds.CONFIRM)
    except YorumError as exc:
        return _failed(request, exc)
    return _page(request, found.site, "notify.html", step="confirm", found=found, token=token)


async def unsubscribe(request: Request) -> Response:
    """Stop reply mails; ``POST`` also serves RFC 8058 one-click unsubscribe."""
    actions = services(request).link_actions
    token = await _token(request)
    try:
        if request.method == "POST":
            found = await blocking(actions.unsubscribe, token)
            return _page(request, found.site, "notify.html", step="unsubscribed", found=found)
        found = await blocking(actions.subscription_link, token, link_kinds.UNSUBSCRIBE)
    except YorumError as exc:
        return _failed(request, exc)
    return _page(request, found.site, "notify.html", step="unsubscribe", found=found,
                 token=token)  # fmt: skip


ROUTES = [
    Route(link_kinds.PATHS[link_kinds.MODERATE], moderate, methods=["GET", "POST"]),
    Route(link_kinds.PATHS[link_kinds.CONFIRM], confirm, methods=["GET", "POST"]),
    Route(link_kinds.PATHS[link_kinds.UNSUBSCRIBE], unsubscribe, methods=["GET", "POST"]),
]
