"""The demo page that ``make run`` opens: a sample article with its comment thread."""

from __future__ import annotations

from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from yorum import __version__
from yorum.web.responses import json_response

_DEMO = files("yorum.web").joinpath("static/demo.html").read_text(encoding="utf-8")


def page(request: Request) -> Response:
    """A sample article page with comments on it (site from ``?site=``, default ``default``)."""
    return HTMLResponse(_DEMO, headers={"cache-control": "no-cache"})


def home(request: Request) -> Response:
    """What this server is, and where to look next."""
    return json_response(
        request,
        {"service": "yorum", "version": __version__, "api": "/api/openapi.json", "demo": "/demo"},
    )
