"""The admin web UI at ``/admin``: sign-in (with the TOTP step), the moderation queue,
thread locks, bans, sites and their moderators, the audit log and stats.

Server-rendered and complete without JavaScript: every action is a form that posts with
the session's CSRF token and redirects back (post/redirect/get). ``/static/admin.js`` only
adds keyboard shortcuts and select-all. Handlers parse, call one ``AdminService`` (or
``AccountService``) method, and render; the rules live in the services.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from yorum.admin import STATS_DAYS
from yorum.errors import (
    BadRequest,
    Invalid,
    LoginThrottled,
    TotpRequired,
    Unauthorized,
    YorumError,
)
from yorum.models import (
    AdminSession,
    BanKind,
    Erasure,
    FieldRule,
    NotifyMode,
    Policy,
    QueueFilter,
    Role,
    Status,
    WordKind,
)
from yorum.moderation.queue import Action
from yorum.notify.webhook import EVENT_TYPES
from yorum.web import convertors  # noqa: F401  (registers {id:id} before the routes below)
from yorum.web.admin_api import details
from yorum.web.admin_schemas import STATUSES
from yorum.web.errors import status_of
from yorum.web.pages import shown_time
from yorum.web.responses import read_body
from yorum.web.security import (
    ADMIN_HEADERS,
    call,
    check_csrf,
    clear_session_cookie,
    client_key,
    services,
    session_of,
    session_token,
    set_session_cookie,
)

FORM_LIMIT = 65536
PAGE_SIZE = 50
# The queue's buttons: what each action is called, and its key (admin.js reads data-key).
ACTION_LABELS = {
    Action.APPROVE: "Approve", Action.REJECT: "Reject", Action.SPAM: "Spam",
    Action.NOT_SPAM: "Not spam", Action.DELETE: "Delete", Action.PIN: "Pin",
    Action.UNPIN: "Unpin", Action.LOCK: "Lock replies", Action.UNLOCK: "Unlock replies",
    Action.TRUST: "Trust author", Action.UNTRUST: "Untrust author",
}  # fmt: skip
ACTION_KEYS = {Action.APPROVE: "a", Action.REJECT: "r", Action.SPAM: "s", Action.NOT_SPAM: "n",
               Action.DELETE: "d"}  # fmt: skip
MAIN_ACTIONS = tuple(ACTION_KEYS)  # each a button; the rest are in the "more" menu
MORE_ACTIONS = tuple(a for a in Action if a not in ACTION_KEYS)

_templates = Environment(
    loader=PackageLoader("yorum.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters["when"] = shown_time

Form = dict[str, list[str]]
Handler = Callable[[Request], Awaitable[Response]]


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:  # fmt: skip
    html = _templates.get_template(f"admin/{template}").render(request=request, **context)
    return HTMLResponse(html, status_code=status, headers={**ADMIN_HEADERS, **(headers or {})})


def redirect(url: str, request: Request | None = None, token: str | None = None) -> Response:
    response = RedirectResponse(url, status_code=303, headers=ADMIN_HEADERS)
    if request is not None and token is not None:
        set_session_cookie(response, request, token)
    return response


async def read_form(request: Request) -> Form:
    body = await read_body(request, FORM_LIMIT)
    form: Form = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(key, []).append(value)
    return form


def one(form: Form, name: str, default: str = "") -> str:
    return form.get(name, [default])[0]


def back_to(form: Form, fallback: str = "/admin") -> str:
    """Where to go after a form: a path inside the admin, never elsewhere."""
    back = one(form, "back")
    ok = back.startswith("/admin") and not back.startswith("//") and "\\" not in back
    return back if ok else fallback


def signed_in(handler: Callable[[Request, AdminSession], Awaitable[Response]]) -> Handler:
    """A page for signed-in users: GETs without a session go to the sign-in page; POSTs
    must carry the CSRF token; domain errors become an error page with their status."""

    async def page(request: Request) -> Response:
        try:
            session = await call(session_of, request)
        except TotpRequired:
            return redirect("/admin/login/totp")
        except Unauthorized as exc:
            if request.method == "GET":
                return redirect("/admin/login")
            return error_page(request, exc, None)
        try:
            return await handler(request, session)
        except YorumError as exc:
            return error_page(request, exc, session)

    page.__name__ = handler.__name__
    page.__doc__ = handler.__doc__
    return page


def error_page(request: Request, exc: YorumError, session: AdminSession | None) -> Response:
    return render(request, "error.html", status_of(exc), error=exc, session=session)


async def posted(request: Request, session: AdminSession) -> Form:
    """The form of a POST, once its CSRF token is checked."""
    form = await read_form(request)
    check_csrf(session, one(form, "csrf"))
    return form


# -- signing in and out --------------------------------------------------------------


async def login(request: Request) -> Response:
    """The sign-in form; POST checks the name and password."""
    if request.method == "GET":
        return render(request, "login.html", session=None, error=None, name="")
    form = await read_form(request)
    name = one(form, "name")
    accounts = services(request).accounts
    try:
        token, session = await call(
            accounts.login, name, one(form, "password"), client_key(request)
        )
    except LoginThrottled as exc:
        headers = {"retry-after": str(exc.retry_after)}
        return render(request, "login.html", 429, headers, session=None, error=exc, name=name)
    except YorumError as exc:
        return render(request, "login.html", 401, session=None, error=exc, name=name)
    return redirect("/admin" if session.verified else "/admin/login/totp", request, token)


async def login_totp(request: Request) -> Response:
    """The second step for accounts with TOTP: the code from the authenticator."""
    token = session_token(request)
    if not token:
        return redirect("/admin/login")
    accounts = services(request).accounts
    try:
        pending = await call(accounts.session, token, allow_unverified=True)
    except Unauthorized:
        return redirect("/admin/login")
    if pending.verified:
        return redirect("/admin")
    if request.method == "GET":
        return render(request, "totp.html", session=None, error=None, csrf=pending.csrf)
    form = await read_form(request)
    try:
        check_csrf(pending, one(form, "csrf"))
        await call(accounts.verify_totp, token, one(form, "code"), client_key(request))
    except LoginThrottled as exc:
        headers = {"retry-after": str(exc.retry_after)}
        return render(request, "totp.html", 429, headers, session=None, error=exc,
                      csrf=pending.csrf)  # fmt: skip
    except YorumError as exc:
        return render(request, "totp.html", status_of(exc), session=None, error=exc,
                      csrf=pending.csrf)  # fmt: skip
    return redirect("/admin")


@signed_in
async def logout(request: Request, session: AdminSession) -> Response:
    """End the session (its cookie is refused from now on)."""
    await posted(request, session)
    token = session_token(request) or ""
    await call(services(request).accounts.logout, token)
    response = redirect("/admin/login")
    clear_session_cookie(response, request)
    return response


# -- the queue -----------------------------------------------------------------------


@signed_in
async def queue(request: Request, session: AdminSession) -> Response:
    """The moderation queue with its filters, paged."""
    q = request.query_params
    status = q.get("status", "pending")
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}.", field="status")
    page_no = int(q["page"]) if q.get("page", "").isdigit() and int(q["page"]) > 0 else 1
    wanted = QueueFilter(
        (), None if status in ("all", "reported") else Status(status), q.get("site", ""),
        q.get("uri", ""), q.get("author", ""), q.get("q", ""), (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE, reported=status == "reported",
    )  # fmt: skip
    admin = services(request).admin
    items, total = await call(admin.queue, session.user, wanted)
    notes = await call(admin.notes, items)
    sites = await call(admin.visible_sites, session.user)
    filters = {k: q.get(k, "") for k in ("site", "uri", "author", "q")} | {"status": status}
    pages = max(1, math.ceil(total / PAGE_SIZE))

    def page_url(n: int) -> str:
        return "/admin?" + urlencode({**{k: v for k, v in filters.items() if v}, "page": n})

    return render(
        request, "queue.html", session=session, items=items, total=total, sites=sites,
        filters=filters, statuses=STATUSES, page=page_no, pages=pages, page_url=page_url,
        main_actions=MAIN_ACTIONS, more_actions=MORE_ACTIONS, labels=ACTION_LABELS,
        action_keys=ACTION_KEYS, details=details, notes=notes,
        here=str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
    )  # fmt: skip


@signed_in
async def act(request: Request, session: AdminSession) -> Response:
    """Apply an action to the checked comments (or to the one whose button was pressed)."""
    form = await posted(request, session)
    chosen = one(form, "action") or request.query_params.get("action", "")
    if chosen == "more":
        chosen = one(form, "more")
    try:
        action = Action(chosen)
    except ValueError:
        raise Invalid("Choose an action.", field="action") from None
    raw_ids = form.get("one") or form.get("id", [])
    if not all(i.isdigit() for i in raw_ids):
        raise BadRequest("Comment ids are numbers.")
    ids = [int(i) for i in raw_ids]
    admin = services(request).admin
    changed = await call(admin.act, session.user, action, ids, one(form, "reason"))
    return redirect(_with_notice(back_to(form), f"{action.value}:{changed}"))


@signed_in
async def edit(request: Request, session: AdminSession) -> Response:
    """Replace one comment's text (the form of its row's edit box)."""
    form = await posted(request, session)
    raw_id = request.query_params.get("id", "")
    if not raw_id.isdigit():
        raise BadRequest("Comment ids are numbers.")
    text = one(form, "text")
    await call(services(request).admin.edit, session.user, int(raw_id), text,
               one(form, "reason"))  # fmt: skip
    return redirect(_with_notice(back_to(form), "edit:1"))


@signed_in
async def ban_author(request: Request, session: AdminSession) -> Response:
    """Ban one comment's author (the form of its row's "Ban author" box)."""
    form = await posted(request, session)
    raw_id = request.query_params.get("id", "")
    if not raw_id.isdigit():
        raise BadRequest("Comment ids are numbers.")
    kind = _choice(BanKind, one(form, "by"), "by")
    days_raw = one(form, "days").strip()
    days = float(_number(days_raw, "days", int)) if days_raw else None
    if days is not None and not 1 <= days <= 36500:
        raise Invalid("days is between 1 and 36500.", field="days")
    await call(services(request).admin.ban_author, session.user, int(raw_id), kind,
               one(form, "reason"), days)  # fmt: skip
    return redirect(_with_notice(back_to(form), f"ban {kind.value}"))


@signed_in
async def lock(request: Request, session: AdminSession) -> Response:
    """Lock or unlock a thread."""
    form = await posted(request, session)
    locked = one(form, "locked") == "1"
    q = request.query_params
    site, uri = one(form, "site") or q.get("site", ""), one(form, "uri") or q.get("uri", "")
    await call(services(request).admin.lock, session.user, site, uri, locked, one(form, "reason"))
    return redirect(_with_notice(back_to(form), "locked" if locked else "unlocked"))


def _with_notice(url: str, notice: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{urlencode({'done': notice})}"


# -- bans ----------------------------------------------------------------------------


async def _site_choice(request: Request, session: AdminSession) -> tuple[str, list[Any]]:
    sites = await call(services(request).admin.visible_sites, session.user)
    chosen = request.query_params.get("site") or (sites[0].id if sites else "")
    return chosen, sites


@signed_in
async def bans(request: Request, session: AdminSession) -> Response:
    """A site's bans, and the form to add one."""
    site, sites = await _site_choice(request, session)
    found = await call(services(request).admin.bans_of, session.user, site) if site else []
    return render(request, "bans.html", session=session, site=site, sites=sites, bans=found,
                  kinds=list(BanKind))  # fmt: skip


@signed_in
async def add_ban(request: Request, session: AdminSession) -> Response:
    form = await posted(request, session)
    try:
        kind = BanKind(one(form, "kind"))
    except ValueError:
        raise Invalid("Choose what to ban.", field="kind") from None
    days_raw = one(form, "days").strip()
    if days_raw and not days_raw.isdigit():
        raise Invalid("Days is a whole number.", field="days")
    site = one(form, "site")
    await call(
        services(request).admin.ban, session.user, site, kind, one(form, "value"),
        one(form, "reason"), int(days_raw) if days_raw else None,
    )  # fmt: skip
    return redirect(_with_notice("/admin/bans?" + urlencode({"site": site}), "banned"))


@signed_in
async def lift_ban(request: Request, session: AdminSession) -> Response:
    form = await posted(request, session)
    site = one(form, "site")
    await call(services(request).admin.lift_ban, session.user, site, request.path_params["id"])
    return redirect(_with_notice("/admin/bans?" + urlencode({"site": site}), "lifted"))


# -- sites, moderators, audit log, stats ---------------------------------------------


@signed_in
async def sites(request: Request, session: AdminSession) -> Response:
    """The user's sites; global admins also see every user."""
    admin = services(request).admin
    found = await call(admin.visible_sites, session.user)
    users = await call(admin.users, session.user) if session.user.is_admin else []
    return render(request, "sites.html", session=session, sites=found, users=users)


@signed_in
async def add_site(request: Request, session: AdminSession) -> Response:
    """Add a site (global admins)."""
    form = await posted(request, session)
    origins = [o for o in one(form, "origins").split() if o] or ["*"]
    site_id = one(form, "id").strip()
    await call(services(request).admin.add_site, session.user, site_id, one(form, "name"),
               origins)  # fmt: skip
    return redirect(_with_notice(f"/admin/sites/{site_id}", "added"))


@signed_in
async def users(request: Request, session: AdminSession) -> Response:
    """Add or remove a user (global admins)."""
    form = await posted(request, session)
    admin = services(request).admin
    name = one(form, "name")
    if one(form, "remove") == "1":
        await call(admin.remove_user, session.user, name)
        return redirect(_with_notice("/admin/sites", "removed"))
    await call(admin.add_user, session.user, name, one(form, "password"),
               one(form, "is_admin") == "1")  # fmt: skip
    return redirect(_with_notice("/admin/sites", "added"))


@signed_in
async def site(request: Request, session: AdminSession) -> Response:
    """One site: its settings (site admins may change them) and its moderators."""
    site_id = request.path_params["site"]
    admin = services(request).admin
    if request.method == "POST":
        form = await posted(request, session)
        changes: dict[str, Any] = {
            "name": one(form, "name"),
            "origins": [o for o in one(form, "origins").split() if o],
            "language": one(form, "language").strip(),
            "policy": _choice(Policy, one(form, "policy"), "policy"),
        }
        for name in ("author_field", "email_field", "website_field"):
            changes[name] = _choice(FieldRule, one(form, name), name)
        numbers = {"report_threshold": int, "close_after_days": int, "hold_score": float,
                   "spam_score": float}  # fmt: skip
        for name, kind in numbers.items():
            if name in form:  # a form from before these settings changes none of them
                changes[name] = _number(one(form, name), name, kind)
        if "erasure" in form:
            changes["erasure"] = _choice(Erasure, one(form, "erasure"), "erasure")
        if "notify_mode" in form:
            changes["notify_mode"] = _choice(NotifyMode, one(form, "notify_mode"), "notify_mode")
            changes["notify_emails"] = one(form, "notify_emails").split()
            changes["reply_notifications"] = one(form, "reply_notifications") == "1"
        await call(admin.update_site, session.user, site_id, changes)
        return redirect(_with_notice(f"/admin/sites/{site_id}", "saved"))
    return await _site_page(request, session, site_id)


async def _site_page(
    request: Request, session: AdminSession, site_id: str, new_secret: str = ""
) -> Response:
    admin = services(request).admin
    await call(admin.moderators, session.user, site_id)  # checks access first
    current = await call(services(request).sites.get, site_id)
    mods = await call(admin.moderators, session.user, site_id)
    words = await call(admin.word_list, session.user, site_id)
    trusted = await call(admin.trusted, session.user, site_id)
    is_admin = session.user.role_on(site_id) is Role.ADMIN
    hooks = await call(admin.webhooks_of, session.user, site_id) if is_admin else []
    return render(
        request, "site.html", session=session, site=current, moderators=mods,
        policies=list(Policy), rules=list(FieldRule), roles=list(Role), words=words,
        notify_modes=list(NotifyMode), erasures=list(Erasure),
        word_kinds=list(WordKind), trusted=trusted, hooks=hooks, event_types=EVENT_TYPES,
        new_secret=new_secret,
        can_edit=session.user.role_on(site_id) is Role.ADMIN,
    )  # fmt: skip


def _number(value: str, field: str, kind: Callable[[str], Any]) -> Any:
    try:
        return kind(value.strip())
    except ValueError:
        raise Invalid(f"{field} must be a number.", field=field) from None


@signed_in
async def site_webhooks(request: Request, session: AdminSession) -> Response:
    """Add a webhook endpoint to the site (its secret shown once), or remove one."""
    site_id = request.path_params["site"]
    form = await posted(request, session)
    admin = services(request).admin
    if one(form, "remove"):
        if not one(form, "remove").isdigit():
            raise BadRequest("Webhook ids are numbers.")
        await call(admin.remove_webhook, session.user, site_id, int(one(form, "remove")))
        return redirect(_with_notice(f"/admin/sites/{site_id}", "removed") + "#webhooks")
    events = form.get("event", []) or ["*"]
    hook = await call(admin.add_webhook, session.user, site_id, one(form, "url"), events)
    # The secret is shown this once, on the page this POST answers with (never in a URL,
    # where it would stay in the browser's history); the admin's pages are not cached.
    return await _site_page(request, session, site_id, new_secret=hook.secret)


@signed_in
async def site_words(request: Request, session: AdminSession) -> Response:
    """Add words to the site's banned or suspect list (one per line), or remove one."""
    site_id = request.path_params["site"]
    form = await posted(request, session)
    admin = services(request).admin
    if one(form, "remove"):
        await call(admin.remove_words, session.user, site_id, [one(form, "remove")])
        return redirect(_with_notice(f"/admin/sites/{site_id}", "removed") + "#words")
    kind = _choice(WordKind, one(form, "kind"), "kind")
    words = [w.strip() for w in one(form, "words").splitlines() if w.strip()]
    if not words:
        raise Invalid("Give at least one word, one per line.", field="words")
    if len(words) > 500:
        raise Invalid("At most 500 words at a time.", field="words")
    await call(admin.add_words, session.user, site_id, kind, words)
    return redirect(_with_notice(f"/admin/sites/{site_id}", "added") + "#words")


def _choice(kind: Any, value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a choice for {field}.", field=field) from None


@signed_in
async def moderator(request: Request, session: AdminSession) -> Response:
    """Give a user a role on the site, or remove it."""
    site_id = request.path_params["site"]
    form = await posted(request, session)
    role_raw = one(form, "role")
    role = None if role_raw == "none" else _choice(Role, role_raw, "role")
    await call(services(request).admin.set_moderator, session.user, site_id,
               one(form, "name").strip().lower(), role)  # fmt: skip
    return redirect(_with_notice(f"/admin/sites/{site_id}", "saved"))


@signed_in
async def audit(request: Request, session: AdminSession) -> Response:
    """A site's audit log, newest first."""
    site, sites_ = await _site_choice(request, session)
    entries = await call(services(request).admin.audit, session.user, site) if site else []
    return render(request, "audit.html", session=session, site=site, sites=sites_,
                  entries=entries)  # fmt: skip


@signed_in
async def readers(request: Request, session: AdminSession) -> Response:
    """A reader's data: look it up by site and e-mail, download it, or erase it."""
    admin = services(request).admin
    sites_ = await call(admin.visible_sites, session.user)
    q = request.query_params
    site_id, email = q.get("site", ""), q.get("email", "").strip()
    if request.method == "POST":
        form = await posted(request, session)
        site_id, email = one(form, "site"), one(form, "email")
        erased = await call(admin.erase_reader, session.user, site_id, email)
        total = erased.deleted + erased.placeholders + erased.anonymized
        return redirect(_with_notice(f"/admin/readers?{urlencode({'site': site_id})}",
                                     f"erased {total} comments"))  # fmt: skip
    found = await call(admin.reader_data, session.user, site_id, email) if email else None
    if found is not None and q.get("download") == "1":
        disposition = f'attachment; filename="yorum-{site_id}-reader.json"'
        return Response(orjson.dumps(found, option=orjson.OPT_INDENT_2),
                        media_type="application/json",
                        headers={**ADMIN_HEADERS, "content-disposition": disposition})  # fmt: skip
    return render(request, "readers.html", session=session, sites=sites_, site=site_id,
                  email=email, found=found)  # fmt: skip


@signed_in
async def deliveries(request: Request, session: AdminSession) -> Response:
    """Recent notifications (mails and webhook calls) with their attempts and errors."""
    q = request.query_params
    status, site_id = q.get("status", ""), q.get("site", "")
    admin = services(request).admin
    found = await call(admin.deliveries, session.user, site_id, status)
    sites_ = await call(admin.visible_sites, session.user)
    return render(request, "deliveries.html", session=session, messages=found, sites=sites_,
                  chosen_status=status, site=site_id,
                  here=str(request.url.path) + ("?" + request.url.query if request.url.query
                                                else ""))  # fmt: skip


@signed_in
async def resend(request: Request, session: AdminSession) -> Response:
    """Queue one notification again."""
    form = await posted(request, session)
    message_id: int = request.path_params["id"]
    await call(services(request).admin.resend, session.user, message_id)
    return redirect(_with_notice(back_to(form, "/admin/deliveries"), f"resend:{message_id}"))


@signed_in
async def stats(request: Request, session: AdminSession) -> Response:
    """Comments per day for the last 30 days, by status."""
    days = await call(services(request).admin.stats, session.user, "")
    top = max((sum(d.counts.values()) for d in days), default=0)
    totals = {s: sum(d.counts.get(s, 0) for d in days) for s in ("approved", "pending", "spam")}
    return render(request, "stats.html", session=session, days=days, top=top, totals=totals,
                  span=STATS_DAYS)  # fmt: skip


ROUTES = [
    Route("/admin/login", login, methods=["GET", "POST"]),
    Route("/admin/login/totp", login_totp, methods=["GET", "POST"]),
    Route("/admin/logout", logout, methods=["POST"]),
    Route("/admin", queue, methods=["GET"]),
    Route("/admin/act", act, methods=["POST"]),
    Route("/admin/edit", edit, methods=["POST"]),
    Route("/admin/ban-author", ban_author, methods=["POST"]),
    Route("/admin/lock", lock, methods=["POST"]),
    Route("/admin/bans", bans, methods=["GET"]),
    Route("/admin/bans/add", add_ban, methods=["POST"]),
    Route("/admin/bans/{id:id}/lift", lift_ban, methods=["POST"]),
    Route("/admin/sites", sites, methods=["GET"]),
    Route("/admin/sites/add", add_site, methods=["POST"]),
    Route("/admin/users", users, methods=["POST"]),
    Route("/admin/sites/{site}", site, methods=["GET", "POST"]),
    Route("/admin/sites/{site}/moderators", moderator, methods=["POST"]),
    Route("/admin/sites/{site}/words", site_words, methods=["POST"]),
    Route("/admin/sites/{site}/webhooks", site_webhooks, methods=["POST"]),
    Route("/admin/audit", audit, methods=["GET"]),
    Route("/admin/deliveries", deliveries, methods=["GET"]),
    Route("/admin/readers", readers, methods=["GET", "POST"]),
    Route("/admin/deliveries/{id:id}/resend", resend, methods=["POST"]),
    Route("/admin/stats", stats, methods=["GET"]),
]
