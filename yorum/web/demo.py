"""The demo page that ``make run`` opens: a sample article with its comment thread."""

from __future__ import annotations

from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from yorum import __version__
from yorum.sites import SITE_ID
from yorum.web.responses import json_response

_DEMO = files("yorum.web").joinpath("static/demo.html").read_text(encoding="utf-8")


def page(request: Request) -> Response:
    """A sample article page with comments on it (site from ``?site=``, default ``default``)."""
    site = request.query_params.get("site", "")
    if not SITE_ID.fullmatch(site):
        site = "default"
    return HTMLResponse(_DEMO.replace("{site}", site), headers={"cache-control": "no-cache"})


def home(request: Request) -> Response:
    """What this server is, and where to look next."""
    return json_response(
        request,
        {"service": "yorum", "version": __version__, "api": "/api/openapi.json", "demo": "/demo"},
    )
