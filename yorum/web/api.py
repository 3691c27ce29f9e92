"""The public JSON API: parse the request, make one service call, present the result."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from yorum.errors import Invalid
from yorum.models import ClientInfo, CommentEdit, NewComment, Sort
from yorum.services import Services
from yorum.web import schemas
from yorum.web.cache import PageCache
from yorum.web.responses import (
    cors_headers,
    dumps,
    encoding_for,
    json_response,
    read_json,
    respond,
)
from yorum.web.validation import MAX_ID

EDIT_TOKEN = "x-edit-token"


def services(request: Request) -> Services:
    """The services this app was built with."""
    svc: Services = request.app.state.services
    return svc


def forms(request: Request) -> schemas.RequestSchemas:
    """The request schemas, with this install's limits."""
    parsed: schemas.RequestSchemas = request.app.state.schemas
    return parsed


def client(request: Request) -> ClientInfo:
    """Who is calling: address (behind trusted proxies, the forwarded one) and Origin."""
    host = request.client.host if request.client else "unknown"
    return ClientInfo(ip=host, origin=request.headers.get("origin"))


def comment_id(request: Request) -> int:
    """The comment id from the path, refused if out of range."""
    value: int = request.path_params["id"]
    if not 1 <= value <= MAX_ID:
        raise Invalid("There is no such comment id.", field="id", code="out_of_range")
    return value


async def body(request: Request) -> Any:
    """The JSON body, within this install's size limit."""
    return await read_json(request, services(request).settings.comments.max_body_bytes)


def query(request: Request, schema_name: str) -> dict[str, Any]:
    """The query string, checked against the named request schema."""
    schema = getattr(forms(request), schema_name)
    params = request.query_params
    multi = {key: params.getlist(key) for key in params}
    result: dict[str, Any] = schema.parse_query(params, multi)
    return result


async def thread(request: Request) -> Response:
    """A page of a thread, from the page cache when the thread has not changed."""
    q = query(request, "thread")
    svc = services(request)
    origin = request.headers.get("origin")

    def current_version() -> tuple[int, int]:
        svc.sites.for_origin(q["site"], origin)
        return svc.comments.thread_version(q["site"], q["uri"])

    # Where the database offers a change probe this is answered from memory, so it runs
    # right here; otherwise it is a query and goes to the thread pool.
    if svc.comments.versions_in_memory:
        version = current_version()
    else:
        version = await run_in_threadpool(current_version)
    cache: PageCache = request.app.state.cache
    key = (q["site"], q["uri"], q["sort"], q["limit"] or 0, q["cursor"] or "", q["parent"] or 0)
    entry = cache.get(key, version)
    if entry is None:
        page = await run_in_threadpool(
            svc.comments.page,
            q["site"],
            q["uri"],
            origin=origin,
            sort=Sort(q["sort"]),
            limit=q["limit"],
            cursor=q["cursor"],
            parent_id=q["parent"],
        )
        entry = cache.put(key, version, dumps(schemas.present_page(page)))
    headers = {
        "etag": entry.etag,
        "cache-control": "no-cache",
        "vary": "Origin, Accept-Encoding",
        **cors_headers(request),
    }
    if entry.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    encoding = encoding_for(request) if len(entry.body) >= 1024 else None
    if encoding:
        headers["content-encoding"] = encoding
    return Response(entry.encoded(encoding), media_type="application/json", headers=headers)


async def create_comment(request: Request) -> Response:
    """Post a comment: 201 when it is visible, 202 when it is held for moderation."""
    data = forms(request).new_comment.parse(await body(request))
    new = NewComment(
        site_id=data["site"],
        uri=data["uri"],
        text=data["text"],
        author=data["author"],
        email=data["email"],
        website=data["website"],
        parent_id=data["parent"],
        title=data["title"],
    )
    posted = await run_in_threadpool(services(request).comments.post, new, client(request))
    status = 201 if posted.comment.is_visible else 202
    return json_response(request, schemas.present_posted(posted), status)


def comment_source(request: Request) -> Response:
    """The author's own comment with its Markdown source (needs the edit token)."""
    comment = services(request).comments.source(
        comment_id(request), request.headers.get(EDIT_TOKEN), client(request)
    )
    return json_response(request, schemas.present_source(comment))


async def edit_comment(request: Request) -> Response:
    """Change the text of the author's own comment inside the edit window."""
    cid = comment_id(request)
    data = forms(request).edit.parse(await body(request))
    change = CommentEdit(text=data["text"], author=data["author"], website=data["website"])
    comment = await run_in_threadpool(
        services(request).comments.edit,
        cid,
        change,
        request.headers.get(EDIT_TOKEN),
        client(request),
    )
    return json_response(request, schemas.present_comment(comment))


def delete_comment(request: Request) -> Response:
    """Delete the author's own comment inside the edit window."""
    placeholder = services(request).comments.delete(
        comment_id(request), request.headers.get(EDIT_TOKEN), client(request)
    )
    return json_response(request, schemas.present_deleted(placeholder))


async def vote(request: Request) -> Response:
    """Vote a comment up or down, or withdraw the vote."""
    cid = comment_id(request)
    data = forms(request).vote.parse(await body(request))
    result = await run_in_threadpool(
        services(request).comments.vote, cid, data["value"], client(request)
    )
    return json_response(request, schemas.present_vote(result))


async def counts(request: Request) -> Response:
    """Comment counts for up to 100 pages, in the order given (POST body)."""
    data = forms(request).counts.parse(await body(request))
    found = await run_in_threadpool(
        services(request).comments.counts, data["site"], data["uris"], client(request).origin
    )
    return json_response(request, schemas.present_counts(found))


def counts_get(request: Request) -> Response:
    """Comment counts for up to 100 pages, in the order given (query string)."""
    q = query(request, "counts_query")
    found = services(request).comments.counts(q["site"], q["uri"], client(request).origin)
    return json_response(request, schemas.present_counts(found))


def latest(request: Request) -> Response:
    """The site's newest comments."""
    q = query(request, "latest")
    items = services(request).comments.latest(q["site"], q["limit"], client(request).origin)
    return json_response(request, schemas.present_latest(items))


async def preview(request: Request) -> Response:
    """How a text would look, without posting it."""
    data = forms(request).preview.parse(await body(request))
    html = await run_in_threadpool(services(request).comments.preview, data["text"])
    return json_response(request, {"html": html})


def preflight(request: Request) -> Response:
    """Answer CORS preflights; each request is then checked against its site's origins."""
    headers = {
        **cors_headers(request),
        "access-control-allow-methods": "GET, POST, PATCH, DELETE",
        "access-control-allow-headers": "Content-Type, X-Edit-Token, If-None-Match",
        "access-control-max-age": "86400",
        "vary": "Origin",
    }
    return respond(request, b"", status=204, headers=headers)
