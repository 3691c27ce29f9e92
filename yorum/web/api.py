"""The public JSON API: parse the request, make one service call, present the result."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from yorum.errors import Invalid
from yorum.models import ClientInfo, CommentEdit, ReportReason
from yorum.services import Services
from yorum.web import concurrency, present, schemas
from yorum.web.responses import (
    cors_headers,
    json_response,
    read_json,
    respond,
)
from yorum.web.thread_read import ThreadReads
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
    """A page of a thread (``FastThreadReads`` answers most of these before routing)."""
    reads: ThreadReads = request.app.state.thread_reads
    headers = request.headers
    reply = await reads.answer(
        request.scope["query_string"],
        headers.get("origin"),
        headers.get("accept-encoding"),
        headers.get("if-none-match"),
    )
    return Response(reply.body, status_code=reply.status, headers=reply.headers)


async def create_comment(request: Request) -> Response:
    """Post a comment: 201 when it is visible, 202 when it is held for moderation."""
    data = forms(request).new_comment.parse(await body(request))
    new = schemas.new_comment(data)
    who = replace(client(request), proof=data["altcha"], trap=data["url"])
    posted = await concurrency.blocking(services(request).comments.post, new, who)
    status = 201 if posted.comment.is_visible else 202
    return json_response(request, present.present_posted(posted), status)


async def comment_source(request: Request) -> Response:
    """The author's own comment with its Markdown source (needs the edit token)."""
    svc = services(request)
    comment = await concurrency.read(
        svc,
        svc.comments.source,
        comment_id(request),
        request.headers.get(EDIT_TOKEN),
        client(request),
    )
    return json_response(request, present.present_source(comment))


async def edit_comment(request: Request) -> Response:
    """Change the text of the author's own comment inside the edit window."""
    cid = comment_id(request)
    data = forms(request).edit.parse(await body(request))
    change = CommentEdit(text=data["text"], author=data["author"], website=data["website"])
    comment = await concurrency.blocking(
        services(request).comments.edit,
        cid,
        change,
        request.headers.get(EDIT_TOKEN),
        client(request),
    )
    return json_response(request, present.present_comment(comment))


async def delete_comment(request: Request) -> Response:
    """Delete the author's own comment inside the edit window."""
    placeholder = await concurrency.blocking(
        services(request).comments.delete,
        comment_id(request),
        request.headers.get(EDIT_TOKEN),
        client(request),
    )
    return json_response(request, present.present_deleted(placeholder))


async def vote(request: Request) -> Response:
    """Vote a comment up or down, or withdraw the vote."""
    cid = comment_id(request)
    data = forms(request).vote.parse(await body(request))
    result = await concurrency.blocking(
        services(request).comments.vote, cid, data["value"], client(request)
    )
    return json_response(request, present.present_vote(result))


async def report(request: Request) -> Response:
    """A reader reports a comment to the moderators (once per reader and comment)."""
    cid = comment_id(request)
    data = forms(request).report.parse(await body(request))
    result = await concurrency.blocking(
        services(request).reports.report,
        cid,
        ReportReason(data["reason"]),
        data["note"],
        client(request),
    )
    return json_response(request, present.present_report(result))


async def counts(request: Request) -> Response:
    """Comment counts for up to 100 pages, in the order given (POST body)."""
    data = forms(request).counts.parse(await body(request))
    svc = services(request)
    found = await concurrency.read(
        svc, svc.comments.counts, data["site"], data["uris"], client(request).origin
    )
    return json_response(request, present.present_counts(found))


async def counts_get(request: Request) -> Response:
    """Comment counts for up to 100 pages, in the order given (query string)."""
    q = query(request, "counts_query")
    svc = services(request)
    found = await concurrency.read(
        svc, svc.comments.counts, q["site"], q["uri"], request.headers.get("origin")
    )
    return json_response(request, present.present_counts(found))


async def latest(request: Request) -> Response:
    """The site's newest comments."""
    q = query(request, "latest")
    svc = services(request)
    items = await concurrency.read(
        svc, svc.comments.latest, q["site"], q["limit"], request.headers.get("origin")
    )
    return json_response(request, present.present_latest(items))


async def site_config(request: Request) -> Response:
    """What a site's comment form asks for, so the widget can show just that."""
    q = query(request, "site_config")
    svc = services(request)
    site = await concurrency.read(
        svc, svc.sites.for_origin, q["site"], request.headers.get("origin")
    )
    config = present.present_site_config(
        site, svc.settings.comments, svc.settings.abuse.proof_of_work, svc.notifier.mail
    )
    return json_response(request, config)


async def challenge(request: Request) -> Response:
    """A fresh proof-of-work challenge for a comment on the site (never cached)."""
    q = query(request, "challenge")
    svc = services(request)
    issued = await concurrency.read(
        svc, svc.comments.challenge, q["site"], request.headers.get("origin")
    )
    response = json_response(request, issued.as_json())
    response.headers["cache-control"] = "no-store"
    return response


async def preview(request: Request) -> Response:
    """How a text would look, without posting it."""
    data = forms(request).preview.parse(await body(request))
    html = await concurrency.blocking(services(request).comments.preview, data["text"])
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
