"""The thread as an HTML page, for readers without JavaScript (``/t/{site}?uri=...``).

The same thread the API serves, rendered on the server, with a plain HTML form that posts
back here and redirects to the thread (post/redirect/get); a reader's report of a comment
posts back here the same way. A form with mistakes comes
back with the reader's values kept and each error next to its field. The page needs no
script and loads nothing but its own stylesheet; its Content-Security-Policy says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from yorum import i18n
from yorum.errors import (
    BadRequest,
    OriginNotAllowed,
    PayloadTooLarge,
    RateLimited,
    UnsupportedMediaType,
    YorumError,
)
from yorum.models import ClientInfo, ReportReason, Site, Sort, ThreadPage
from yorum.times import iso
from yorum.web import concurrency, schemas
from yorum.web.api import client, forms, services
from yorum.web.errors import status_of
from yorum.web.feeds import page_url
from yorum.web.responses import read_body

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
FORM_FIELDS = ("uri", "text", "author", "email", "website", "parent", "title", "stamp", "notify")
_INPUTS = ("text", "author", "email", "website")  # the fields the reader sees
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with
    # the form, and ``check_origin`` could not tell this server's form from others'.
    "referrer-policy": "same-origin",
    "cache-control": "no-cache",
}

_templates = Environment(
    loader=PackageLoader("yorum.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class FormState:
    """What the reader typed, and what was wrong with it (by field; ``""`` for the form)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def shown_time(timestamp: float) -> str:
    """A comment's time as readers everywhere can read it: ``2026-11-26 18:52 UTC``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


async def thread(request: Request) -> Response:
    """``GET`` shows the thread page; ``POST`` takes the form on it."""
    if request.method == "POST":
        return await post_comment(request)
    query = request.query_params
    try:
        return await render(request, query, FormState(), notice=_notice(query))
    except YorumError as exc:
        return error_page(request, exc)


async def post_comment(request: Request) -> Response:
    """Store the form's comment and redirect to it; on a mistake, the page with the form."""
    site_id = request.path_params["site"]
    try:
        params = await read_form(request)
    except YorumError as exc:
        return error_page(request, exc)
    if "report" in params:
        return await post_report(request, params)
    form = FormState(values={name: params.get(name, "") for name in FORM_FIELDS})
    try:
        svc = services(request)
        site = await concurrency.read(svc, svc.sites.get, site_id)
        check_origin(request, site)
        values = {**params, "site": site_id}
        multi = {key: [value] for key, value in values.items()}
        new = schemas.new_comment(forms(request).new_comment.parse_query(values, multi))
        # The origin was checked above against this server as well as the site's pages.
        reader = ClientInfo(
            ip=client(request).ip,
            origin=None,
            page=True,
            form_stamp=params.get("stamp"),
            trap=params.get("url", ""),
        )
        posted = await concurrency.blocking(svc.comments.post, new, reader)
    except (OriginNotAllowed, BadRequest, UnsupportedMediaType, PayloadTooLarge) as exc:
        return error_page(request, exc)
    except YorumError as exc:
        shown_at = exc.field if exc.field in _INPUTS else ""  # else at the top of the form
        form.errors[shown_at] = _wording(request, exc)
        status = status_of(exc)
        query = QueryParams({"uri": params.get("uri", ""), "lang": params.get("lang", "")})
        try:
            response = await render(request, query, form, status=status)
        except YorumError as again:  # the page itself cannot be shown (say, a bad uri)
            return error_page(request, again)
        if isinstance(exc, RateLimited):
            response.headers["retry-after"] = str(exc.retry_after)
        return response
    comment = posted.comment
    back = {"uri": new.uri, "sort": params.get("sort", ""), "lang": params.get("lang", "")}
    back["posted" if comment.is_visible else "held"] = str(comment.id)
    anchor = f"yorum-{comment.id}" if comment.is_visible else "yorum-notice"
    target = f"/t/{site_id}?{urlencode({k: v for k, v in back.items() if v})}#{anchor}"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)


async def post_report(request: Request, params: dict[str, str]) -> Response:
    """A reader's report of a comment: redirect back to it, or show what went wrong."""
    site_id = request.path_params["site"]
    back = {"uri": params.get("uri", ""), "lang": params.get("lang", "")}
    try:
        svc = services(request)
        site = await concurrency.read(svc, svc.sites.get, site_id)
        check_origin(request, site)
        comment_id = _int(params.get("report"))
        if comment_id is None:
            raise BadRequest("The form could not be read.")
        values = {"reason": params.get("reason", ""), "note": params.get("note", "")}
        data = forms(request).report.parse_query(values, {k: [v] for k, v in values.items()})
        reader = ClientInfo(ip=client(request).ip, origin=None)
        await concurrency.blocking(
            svc.reports.report, comment_id, ReportReason(data["reason"]), data["note"], reader
        )
    except (OriginNotAllowed, BadRequest, UnsupportedMediaType, PayloadTooLarge) as exc:
        return error_page(request, exc)
    except YorumError as exc:
        query = QueryParams({k: v for k, v in back.items() if v})
        try:
            return await render(
                request, query, FormState(), message=_wording(request, exc), status=status_of(exc)
            )
        except YorumError as again:
            return error_page(request, again)
    back["reported"] = str(comment_id)
    target = f"/t/{site_id}?{urlencode({k: v for k, v in back.items() if v})}#yorum-notice"
    return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded form body, within the body limit; its last value wins per name."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_MEDIA_TYPE:
        raise UnsupportedMediaType("Send the form as application/x-www-form-urlencoded.")
    body = await read_body(request, services(request).settings.comments.max_body_bytes)
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=32,
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The form could not be read.") from None
    return dict(pairs)


def check_origin(request: Request, site: Site) -> None:
    """Refuse forms sent from other sites' pages: only this server's and the site's own."""
    origin = request.headers.get("origin")
    if origin is None:  # not a browser, or a browser too old to say: nothing to check
        return
    own = {f"{request.url.scheme}://{request.url.netloc}"}
    public_url = services(request).settings.server.public_url
    if public_url:  # behind a proxy that does not say the scheme, this is the one to trust
        parts = urlsplit(public_url)
        own.add(f"{parts.scheme}://{parts.netloc}".lower())
    if origin not in own and not site.allows_origin(origin):
        raise OriginNotAllowed(f"{origin} may not post to site {site.id!r}.")


async def render(
    request: Request,
    query: QueryParams,
    form: FormState,
    *,
    notice: str | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    """The thread page for ``query`` (uri, sort, cursor, parent, reply, lang)."""
    svc = services(request)
    site_id = request.path_params["site"]
    site = await concurrency.read(svc, svc.sites.get, site_id)
    values = {"site": site_id, **{k: v for k, v in query.items() if k in _THREAD_PARAMS}}
    q = forms(request).thread.parse_query(values, {k: [v] for k, v in values.items()})
    page: ThreadPage = await concurrency.read(
        svc,
        svc.comments.page,
        site_id,
        q["uri"],
        sort=Sort(q["sort"]),
        limit=q["limit"],
        cursor=q["cursor"],
        parent_id=q["parent"],
    )
    t = messages(request, site, query.get("lang"))
    reply_to = _int(query.get("reply")) or _int(form.values.get("parent"))
    replying = _find(page, reply_to) if reply_to else None
    base = {"uri": q["uri"]}
    if query.get("lang"):
        base["lang"] = t.language
    html = _templates.get_template("thread.html").render(
        t=t,
        site=site,
        page=page,
        sort=q["sort"],
        sorts=[s.value for s in Sort],
        title=(page.thread.title if page.thread and page.thread.title else q["uri"]),
        page_link=page_url(request, site, q["uri"]),
        link=lambda **extra: f"/t/{site_id}?{urlencode({**base, **extra})}",
        action=f"/t/{site_id}",
        form=form,
        # A form shown again after a mistake keeps its first stamp: the reader has had it
        # that long already.
        stamp=form.values.get("stamp") or svc.comments.form_stamp(site_id),
        notice=message or (notice and t(notice)),
        reporting=_int(query.get("report")),
        reasons=[r.value for r in ReportReason],
        replying=replying,
        lang_param=query.get("lang", ""),
        shown_time=shown_time,
        iso=iso,
        max_text_length=svc.settings.comments.max_text_length,
        max_name_length=svc.settings.comments.max_name_length,
        rules={name: site.field_rule(name).value for name in ("author", "email", "website")},
        offer_notify=svc.notifier.mail and site.reply_notifications,
    )
    headers = dict(SECURITY_HEADERS)
    headers["content-language"] = t.language
    return HTMLResponse(html, status_code=status, headers=headers)


_THREAD_PARAMS = ("uri", "sort", "cursor", "parent", "limit")


def messages(request: Request, site: Site | None, requested: str | None) -> i18n.Messages:
    """The language of this page: ``?lang=``, else the browser's, else the site's."""
    return i18n.negotiate(
        requested, request.headers.get("accept-language"), site.language if site else "en"
    )


def error_page(request: Request, exc: YorumError) -> Response:
    """A page that says what went wrong, when there is no thread to show."""
    t = messages(request, None, request.query_params.get("lang"))
    html = _templates.get_template("error.html").render(t=t, message=_wording(request, exc))
    status = status_of(exc)
    headers = dict(SECURITY_HEADERS)
    if isinstance(exc, RateLimited):
        headers["retry-after"] = str(exc.retry_after)
    return HTMLResponse(html, status_code=status, headers=headers)


def _wording(request: Request, exc: YorumError) -> str:
    t = messages(request, None, request.query_params.get("lang"))
    values: dict[str, Any] = {
        "limit": services(request).settings.comments.max_text_length,
        "retry_after": getattr(exc, "retry_after", 1),
    }
    return t.error(exc.code, exc.field, **values)


def _notice(query: QueryParams) -> str | None:
    if query.get("reported"):
        return "reported"
    if query.get("held"):
        return "held"
    if query.get("posted"):
        return "posted"
    return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def _find(page: ThreadPage, comment_id: int) -> Any:
    """The comment with this id among the page's, if it is there."""
    stack = list(page.nodes)
    while stack:
        node = stack.pop()
        if node.comment.id == comment_id:
            return node.comment
        stack.extend(node.replies)
    return None
