"""Isso's HTTP API under ``/isso/{site}/``, so pages that embed Isso's client keep working.

Each handler translates Isso's request into the call yorum's own API makes, and the answer
back into Isso's shapes (``yorum.web.isso_shapes``); every rule stays in the services.
What differs from the JSON API:

- The edit token travels as Isso's edit cookie: a cookie named after the comment id, sent
  back by the browser to this server, and the same value in ``X-Set-Cookie`` as
  ``isso-<id>``, which Isso's client copies onto the blog's own domain to know which
  comments it may edit. Its lifetime is what is left of yorum's edit window.
- Isso's client cannot solve proof of work, so its comments are posted as an unproven
  client: held for a moderator while ``abuse.proof_of_work`` is on (``yorum.abuse``).
- Errors are Isso's ``{"message": ...}`` (with yorum's ``error`` code and ``field``), and
  Isso's statuses: 400 for bad input, 403 for a body that is not JSON (Isso's CSRF check)
  and for the rate limits.
- Responses allow credentials for the site's origins, since Isso's client sends its
  requests with cookies.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import escape
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from yorum.errors import (
    BadRequest,
    CommentNotFound,
    Invalid,
    RateLimited,
    UnsupportedMediaType,
    YorumError,
)
from yorum.models import CommentEdit
from yorum.web import concurrency, feeds, schemas, security
from yorum.web import isso_shapes as shapes
from yorum.web.api import body, client, forms, services
from yorum.web.errors import status_of
from yorum.web.responses import JSON, dumps, respond
from yorum.web.validation import MAX_ID, Schema

Handler = Callable[[Request], Awaitable[Response]]
EXPOSED = "X-Set-Cookie, Date, ETag"


def _cors(request: Request) -> dict[str, str]:
    """What lets the site's pages read an answer to a request sent with cookies."""
    if not request.headers.get("origin"):
        return {}
    return {"access-control-allow-credentials": "true", "access-control-expose-headers": EXPOSED}


def _json(request: Request, data: Any, status: int = 200) -> Response:
    return respond(request, dumps(data), status=status, headers=_cors(request))


def _status(exc: YorumError) -> int:
    """Isso's status for an error: 400 for bad input, 403 where Isso's guards refuse."""
    if isinstance(exc, Invalid | BadRequest):
        return 400
    if isinstance(exc, UnsupportedMediaType | RateLimited):
        return 403
    return status_of(exc)


def _error(request: Request, exc: YorumError) -> Response:
    headers = _cors(request)
    if isinstance(exc, RateLimited):
        headers["retry-after"] = str(exc.retry_after)
    status = _status(exc)
    if status == 503:
        headers["retry-after"] = "1"
    data = {"message": exc.message, "error": exc.code, "field": exc.field}
    return respond(request, dumps(data), status=status, headers=headers)


def isso_endpoint(handler: Handler) -> Handler:
    """Answer the handler's domain errors in Isso's shape."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except YorumError as exc:
            return _error(request, exc)

    return endpoint


def _site(request: Request) -> str:
    site: str = request.path_params["site"]
    return site


def _comment_id(request: Request) -> int:
    value: int = request.path_params["id"]
    if not 1 <= value <= MAX_ID:
        raise CommentNotFound(f"There is no comment {value}.")
    return value


def _query(request: Request, schema: Schema) -> dict[str, Any]:
    """The query string with the site from the path, checked against ``schema``."""
    params = {**request.query_params, "site": _site(request)}
    return schema.parse_query(params, {})


def _check_xhr(request: Request) -> None:
    """Isso's CSRF check: a body, if any, must be JSON, which plain HTML forms cannot send."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type and media_type != JSON:
        raise UnsupportedMediaType("Send the body as application/json.")


def _edit_token(request: Request, comment_id: int) -> str | None:
    return request.cookies.get(str(comment_id))


def _set_edit_cookie(request: Request, response: Response, comment_id: int, token: str,
                     until: float) -> None:  # fmt: skip
    """Isso's edit cookie for a comment, for what is left of its edit window (0: expire)."""
    max_age = max(0, int(until - services(request).comments.clock())) if token else 0
    secure = security.is_https(request)
    # Across sites (https) the cookie must be SameSite=None to travel with the client's
    # requests; over plain http browsers refuse that, and Lax works between the ports of
    # one host.
    samesite: Literal["none", "lax"] = "none" if secure else "lax"
    response.set_cookie(str(comment_id), token, max_age=max_age, path="/", secure=secure,
                        httponly=True, samesite=samesite)  # fmt: skip
    copy = f"isso-{comment_id}={token}; Max-Age={max_age}; Path=/; SameSite={samesite.title()}"
    response.headers["x-set-cookie"] = copy + ("; Secure" if secure else "")


# -- reading ------------------------------------------------------------------------------


@isso_endpoint
async def thread(request: Request) -> Response:
    """``GET /``: a thread, two levels deep, paged by ``limit``/``offset``/``nested_limit``."""
    q = _query(request, shapes.LISTING)
    svc = services(request)
    origin = request.headers.get("origin")
    tree = await concurrency.read(svc, svc.comments.tree, q["site"], q["uri"], origin)
    site = await concurrency.read(svc, svc.sites.get, q["site"])
    config = shapes.client_config(site, svc.notifier.mail)
    return _json(request, shapes.listing(tree, shapes.ListingQuery.from_checked(q), config))


@isso_endpoint
async def client_config(request: Request) -> Response:
    """``GET /config``: the settings Isso's client takes from the server."""
    svc = services(request)
    site = await concurrency.read(
        svc, svc.sites.for_origin, _site(request), request.headers.get("origin")
    )
    return _json(request, {"config": shapes.client_config(site, svc.notifier.mail)})


@isso_endpoint
async def view(request: Request) -> Response:
    """``GET /id/<id>``: the author's own comment (needs the edit cookie)."""
    cid = _comment_id(request)
    plain = request.query_params.get("plain", "0") != "0"
    svc = services(request)
    comment = await concurrency.read(
        svc, svc.comments.source, cid, _edit_token(request, cid), client(request)
    )
    return _json(request, shapes.present(comment, parent=comment.parent_id, plain=plain))


@isso_endpoint
async def count(request: Request) -> Response:
    """``POST /count``: comment counts for a JSON array of URIs, in the same order."""
    data = forms(request).counts.parse(shapes.count_body(await body(request), _site(request)))
    svc = services(request)
    found = await concurrency.read(
        svc, svc.comments.counts, data["site"], data["uris"], client(request).origin
    )
    return _json(request, found)


@isso_endpoint
async def latest(request: Request) -> Response:
    """``GET /latest?limit=N``: the site's newest comments, each with its ``uri``."""
    q = _query(request, shapes.LATEST)
    svc = services(request)
    items = await concurrency.read(
        svc, svc.comments.latest, q["site"], q["limit"], request.headers.get("origin")
    )
    return _json(
        request,
        [
            {**shapes.present(item.comment, parent=item.comment.parent_id), "uri": item.uri}
            for item in items
        ],
    )


@isso_endpoint
async def feed(request: Request) -> Response:
    """``GET /feed?uri=``: the thread's Atom feed, as yorum's own thread feed."""
    q = _query(request, shapes.FEED)
    return await feeds.thread_atom(request, q["site"], q["uri"])


@isso_endpoint
async def preview(request: Request) -> Response:
    """``POST /preview``: how a text would look, as ``{"text": html}``."""
    svc = services(request)
    await concurrency.read(svc, svc.sites.for_origin, _site(request), client(request).origin)
    data = forms(request).preview.parse(await body(request))
    html = await concurrency.blocking(svc.comments.preview, data["text"])
    return _json(request, {"text": html})


# -- writing ------------------------------------------------------------------------------


@isso_endpoint
async def new(request: Request) -> Response:
    """``POST /new?uri=``: post a comment; 201 when shown, 202 when held for moderation."""
    uri = request.query_params.get("uri", "")
    raw = shapes.new_comment_body(await body(request), _site(request), uri)
    new_comment = schemas.new_comment(forms(request).new_comment.parse(raw))
    who = replace(client(request), unproven=True)
    posted = await concurrency.blocking(services(request).comments.post, new_comment, who)
    comment = posted.comment
    status = 201 if comment.is_visible else 202
    response = _json(request, shapes.present(comment, parent=comment.parent_id), status)
    _set_edit_cookie(request, response, comment.id, posted.edit_token, posted.edit_until)
    return response


@isso_endpoint
async def edit(request: Request) -> Response:
    """``PUT /id/<id>``: change the author's own comment (text, author, website)."""
    cid = _comment_id(request)
    data = forms(request).edit.parse(shapes.edit_body(await body(request)))
    change = CommentEdit(text=data["text"], author=data["author"], website=data["website"])
    svc = services(request)
    token = _edit_token(request, cid)
    edited = await concurrency.blocking(svc.comments.edit, cid, change, token, client(request))
    response = _json(request, shapes.present(edited, parent=edited.parent_id))
    _set_edit_cookie(request, response, cid, token or "", svc.comments.tokens.expires(edited))
    return response


@isso_endpoint
async def delete(request: Request) -> Response:
    """``DELETE /id/<id>``: ``null`` when the comment is gone, its placeholder if it had
    replies; the edit cookie is expired either way."""
    _check_xhr(request)
    cid = _comment_id(request)
    placeholder = await concurrency.blocking(
        services(request).comments.delete, cid, _edit_token(request, cid), client(request)
    )
    shown = shapes.present(placeholder, parent=placeholder.parent_id) if placeholder else None
    response = _json(request, shown)
    _set_edit_cookie(request, response, cid, "", 0.0)
    return response


async def _vote(request: Request, value: int) -> Response:
    _check_xhr(request)
    cid = _comment_id(request)
    try:
        result = await concurrency.blocking(
            services(request).comments.vote, cid, value, client(request)
        )
    except CommentNotFound:
        return _json(request, None)  # as Isso answers a vote for a missing comment
    return _json(request, shapes.vote(result))


@isso_endpoint
async def like(request: Request) -> Response:
    """``POST /id/<id>/like``: vote the comment up; answers ``{likes, dislikes}``."""
    return await _vote(request, 1)


@isso_endpoint
async def dislike(request: Request) -> Response:
    """``POST /id/<id>/dislike``: vote the comment down; answers ``{likes, dislikes}``."""
    return await _vote(request, -1)


# -- links from Isso's mails, and CORS ----------------------------------------------------

_OLD_LINK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""
_MODERATION_ACTIONS = ("activate", "edit", "delete")


def _old_link(title: str, text: str) -> Response:
    html = _OLD_LINK.format(title=escape(title), text=escape(text))
    return HTMLResponse(html, status_code=410, headers={"cache-control": "no-store"})


async def unsubscribe(request: Request) -> Response:
    """``GET /id/<id>/unsubscribe/<email>/<key>``: a link from a mail the old Isso server
    sent. Its key was signed by that server, so it cannot be checked here: 410 Gone, with
    a page that says where unsubscribing works now."""
    return _old_link(
        "This link no longer works",
        "This unsubscribe link was sent by the site's previous comment server. Mails about "
        "replies are now only sent to addresses that confirmed they want them, and each "
        "carries its own unsubscribe link.",
    )


async def moderate(request: Request) -> Response:
    """``GET|POST /id/<id>/<activate|edit|delete>/<key>``: a moderation link from a mail the
    old Isso server sent; 410 Gone, pointing to yorum's moderation queue."""
    if request.path_params["action"] not in _MODERATION_ACTIONS:
        return _error(request, CommentNotFound("There is no such page."))
    return _old_link(
        "This link no longer works",
        "This moderation link was sent by the site's previous comment server. Moderate "
        "comments in yorum's admin queue, or with the links in yorum's own mails.",
    )


@isso_endpoint
async def preflight(request: Request) -> Response:
    """Let the site's pages send Isso's requests, which carry cookies and a JSON type."""
    svc = services(request)
    origin = request.headers.get("origin")
    await concurrency.read(svc, svc.sites.for_origin, _site(request), origin)
    headers = {
        **_cors(request),
        "access-control-allow-methods": "GET, POST, PUT, DELETE",
        "access-control-allow-headers": "Content-Type",
        "access-control-max-age": "86400",
    }
    return respond(request, b"", status=204, headers=headers)
