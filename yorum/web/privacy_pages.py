"""Readers' own data, from their side: ask for it, see it, download it, erase it.

``/privacy/{site}`` has a form for the e-mail address the reader commented with; yorum
mails that address a signed link (and says the same whether or not it has comments, so
the page tells nobody who commented). The link opens ``/privacy/data``, which lists the
comments and offers the JSON download (``/privacy/export``) and the erase button (``POST
/privacy/erase``, which asks first). Every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from yorum.errors import YorumError
from yorum.notify import links as link_kinds
from yorum.web.api import services
from yorum.web.concurrency import blocking
from yorum.web.notify_pages import _failed, _page
from yorum.web.responses import read_body

FORM_LIMIT = 8192


async def _form(request: Request) -> dict[str, str]:
    raw = await read_body(request, FORM_LIMIT)
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


async def ask(request: Request) -> Response:
    """The form to ask for one's data; POST mails the link."""
    svc = services(request)
    site_id = request.path_params["site"]
    try:
        site = await blocking(svc.sites.get, site_id)
        if request.method == "POST":
            form = await _form(request)
            mailed = await blocking(svc.readers.request, site.id, form.get("email", ""))
            return _page(request, site, "privacy.html", step="asked", mailed=mailed)
    except YorumError as exc:
        return _failed(request, exc)
    return _page(request, site, "privacy.html", step="ask")


async def _reader(request: Request, token: str) -> tuple[Any, str]:
    link = await blocking(
        services(request).link_actions.subscription_link, token, link_kinds.READER
    )
    return link.site, link.email


async def data(request: Request) -> Response:
    """What the site keeps under the address, with the download and erase buttons."""
    token = request.query_params.get("t", "")
    svc = services(request)
    try:
        site, email = await _reader(request, token)
        found = await blocking(svc.readers.export, site.id, email, actor="reader")
    except YorumError as exc:
        return _failed(request, exc)
    download = "/privacy/export?" + urlencode({"t": token})
    return _page(request, site, "privacy.html", step="data", data=found, token=token,
                 download=download)  # fmt: skip


async def export(request: Request) -> Response:
    """The reader's data as a JSON file."""
    token = request.query_params.get("t", "")
    svc = services(request)
    try:
        site, email = await _reader(request, token)
        found = await blocking(svc.readers.export, site.id, email, actor="reader")
    except YorumError as exc:
        return _failed(request, exc)
    name = f"yorum-{site.id}-data.json"
    return Response(
        orjson.dumps(found, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{name}"',
                 "cache-control": "no-store", "x-content-type-options": "nosniff"},
    )  # fmt: skip


async def erase(request: Request) -> Response:
    """Erase the reader's data (the button on the data page, confirmed there)."""
    form = await _form(request)
    svc = services(request)
    try:
        site, email = await _reader(request, form.get("t", ""))
        if form.get("sure") != "1":
            return _page(request, site, "privacy.html", step="confirm_erase",
                         token=form.get("t", ""))  # fmt: skip
        erased = await blocking(svc.readers.erase, site.id, email, actor="reader")
    except YorumError as exc:
        return _failed(request, exc)
    return _page(request, site, "privacy.html", step="erased", erased=erased)


ROUTES = [  # the fixed paths first: /privacy/{site} would take them
    Route(link_kinds.PATHS[link_kinds.READER], data, methods=["GET"]),
    Route("/privacy/export", export, methods=["GET"]),
    Route("/privacy/erase", erase, methods=["POST"]),
    Route("/privacy/{site}", ask, methods=["GET", "POST"]),
]
