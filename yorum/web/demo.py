"""The demo page that ``make run`` opens: a sample article with its comment thread."""

from __future__ import annotations

import re
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from yorum import __version__
from yorum.sites import SITE_ID
from yorum.web.responses import json_response

_DEMO = files("yorum.web").joinpath("static/demo.html").read_text(encoding="utf-8")


def page(request: Request) -> Response:
    """A sample article with comments (site from ``?site=``, widget language from ``?lang=``)."""
    site = request.query_params.get("site", "")
    if not SITE_ID.fullmatch(site):
        site = "default"
    lang = request.query_params.get("lang", "")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        lang = ""
    html = _DEMO.replace("{site}", site).replace("{lang}", lang)
    return HTMLResponse(html, headers={"cache-control": "no-cache"})


def home(request: Request) -> Response:
    """What this server is, and where to look next."""
    return json_response(
        request,
        {"service": "yorum", "version": __version__, "api": "/api/openapi.json", "demo": "/demo"},
    )
