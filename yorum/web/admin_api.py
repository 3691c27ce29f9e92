"""The JSON admin API (``/api/admin/...``): the queue, actions, locks, bans, sites, the
audit log and stats. Thin handlers: authenticate, parse, one ``AdminService`` call, present.

Callers authenticate with ``Authorization: Bearer <token>`` (``yorum user token``) or with
the admin session cookie plus the ``X-CSRF-Token`` header on requests that change things.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from yorum.models import (
    AuditEntry,
    Ban,
    BanKind,
    CommentNotes,
    Erasure,
    FieldRule,
    NotifyMode,
    OutboxMessage,
    Policy,
    QueueFilter,
    QueueItem,
    Site,
    User,
    Word,
    WordKind,
)
from yorum.moderation.queue import Action
from yorum.times import iso
from yorum.web.admin_schemas import REQUESTS, status_of
from yorum.web.responses import json_response, read_json
from yorum.web.security import api_user, call, services

BODY_LIMIT = 65536


async def _user(request: Request) -> User:
    return await call(api_user, request)


def _query(request: Request, name: str) -> dict[str, Any]:
    params = request.query_params
    multi = {k: params.getlist(k) for k in params}
    return REQUESTS[name].parse_query(params, multi)


async def _body(request: Request, name: str) -> dict[str, Any]:
    return REQUESTS[name].parse(await read_json(request, BODY_LIMIT))


def queue_filter(values: dict[str, Any]) -> QueueFilter:
    """The filter a parsed ``admin_queue`` query describes (sites are narrowed later)."""
    return QueueFilter(
        sites=(), status=status_of(values["status"]), site_id=values["site"],
        uri=values["uri"], author=values["author"], text=values["q"],
        offset=values["offset"], limit=values["limit"], reported=values["status"] == "reported",
    )  # fmt: skip


def details(item: QueueItem) -> dict[str, Any]:
    """What a moderator may want to know about a comment beyond its text and its notes.

    Keys are added as yorum learns more about comments; the admin UI lists them all.
    """
    c = item.comment
    out: dict[str, Any] = {"likes": c.likes, "dislikes": c.dislikes}
    if c.ip_hash:
        out["address_hash"] = c.ip_hash[:12]
    if c.edited_at is not None:
        out["edited"] = iso(c.edited_at)
    return out


def present_notes(notes: CommentNotes) -> dict[str, Any]:
    """Why a comment is where it is: its hold reason, spam verdict and open reports."""
    return {
        "held_because": notes.hold_reason,
        "score": notes.score,
        "reasons": [{"scorer": r.scorer, "points": r.points, "text": r.text}
                    for r in notes.reasons],
        "reports": [{"reason": reason, "note": note} for reason, note in notes.reports],
    }  # fmt: skip


def present_item(item: QueueItem, notes: CommentNotes) -> dict[str, Any]:
    c = item.comment
    return {
        "id": c.id, "site": item.site_id, "uri": item.uri, "title": item.title,
        "author": c.author, "email": c.email, "website": c.website, "text": c.text_raw,
        "html": c.text_html, "status": c.status.value, "created": iso(c.created_at),
        "parent": c.parent_id, "pinned": c.pinned, "locked": c.locked,
        "details": details(item), **present_notes(notes),
    }  # fmt: skip


def present_ban(ban: Ban) -> dict[str, Any]:
    return {
        "id": ban.id, "site": ban.site_id, "kind": ban.kind.value, "value": ban.value,
        "reason": ban.reason, "created": iso(ban.created_at), "expires": iso(ban.expires_at),
    }  # fmt: skip


def present_site(site: Site) -> dict[str, Any]:
    return {
        "id": site.id, "name": site.name, "origins": list(site.origins),
        "language": site.language, "policy": site.policy.value,
        "author_field": site.author_field.value, "email_field": site.email_field.value,
        "website_field": site.website_field.value, "report_threshold": site.report_threshold,
        "close_after_days": site.close_after_days, "hold_score": site.hold_score,
        "spam_score": site.spam_score, "notify_emails": list(site.notify_emails),
        "notify_mode": site.notify_mode.value, "reply_notifications": site.reply_notifications,
        "erasure": site.erasure.value,
        "created": iso(site.created_at),
    }  # fmt: skip


def present_delivery(m: OutboxMessage) -> dict[str, Any]:
    return {
        "id": m.id, "site": m.site_id, "channel": m.channel, "kind": m.kind,
        "event": m.payload.get("type"), "recipient": m.recipient, "status": m.status,
        "attempts": m.attempts, "last_error": m.last_error, "created": iso(m.created_at),
        "due": iso(m.due_at) if m.status == "pending" else None, "sent": iso(m.sent_at),
    }  # fmt: skip


def present_word(word: Word) -> dict[str, Any]:
    return {"kind": word.kind.value, "word": word.word, "folded": word.folded}


def present_entry(entry: AuditEntry) -> dict[str, Any]:
    return {
        "site": entry.site_id, "actor": entry.actor, "action": entry.action,
        "comment": entry.comment_id, "uri": entry.uri, "reason": entry.reason,
        "at": iso(entry.at),
    }  # fmt: skip


async def me(request: Request) -> Response:
    user = await _user(request)
    roles = {site: role.value for site, role in user.roles.items()}
    return json_response(request, {"name": user.name, "is_admin": user.is_admin, "roles": roles})


async def queue(request: Request) -> Response:
    user = await _user(request)
    wanted = queue_filter(_query(request, "admin_queue"))
    admin = services(request).admin
    items, total = await call(admin.queue, user, wanted)
    notes = await call(admin.notes, items)
    return json_response(
        request,
        {"items": [present_item(i, notes[i.comment.id]) for i in items], "total": total,
         "offset": wanted.offset, "limit": wanted.limit},
    )  # fmt: skip


async def act(request: Request) -> Response:
    user = await _user(request)
    body = await _body(request, "admin_act")
    changed = await call(
        services(request).admin.act, user, Action(body["action"]), body["ids"], body["reason"]
    )
    return json_response(request, {"changed": changed})


async def edit(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_edit")
    comment_id: int = request.path_params["id"]
    await call(services(request).admin.edit, user, comment_id, b["text"], b["reason"])
    return json_response(request, {"id": comment_id})


async def words(request: Request) -> Response:
    user = await _user(request)
    site = _query(request, "admin_site_query")["site"]
    found = await call(services(request).admin.word_list, user, site)
    return json_response(request, {"words": [present_word(w) for w in found]})


async def add_words(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_words")
    changed = await call(
        services(request).admin.add_words, user, b["site"], WordKind(b["kind"]), b["words"]
    )
    return json_response(request, {"changed": changed})


async def remove_words(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_words_remove")
    changed = await call(services(request).admin.remove_words, user, b["site"], b["words"])
    return json_response(request, {"changed": changed})


async def lock(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_lock")
    await call(services(request).admin.lock, user, b["site"], b["uri"], b["locked"], b["reason"])
    return json_response(request, {"site": b["site"], "uri": b["uri"], "locked": b["locked"]})


async def bans(request: Request) -> Response:
    user = await _user(request)
    site = _query(request, "admin_site_query")["site"]
    found = await call(services(request).admin.bans_of, user, site)
    return json_response(request, {"bans": [present_ban(b) for b in found]})


async def add_ban(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_ban")
    ban_id = await call(
        services(request).admin.ban, user, b["site"], BanKind(b["kind"]), b["value"],
        b["reason"], b["days"],
    )  # fmt: skip
    return json_response(request, {"id": ban_id}, status=201)


async def ban_author(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_ban_author")
    comment_id: int = request.path_params["id"]
    ban_id = await call(
        services(request).admin.ban_author, user, comment_id, BanKind(b["by"]), b["reason"],
        b["days"],
    )  # fmt: skip
    return json_response(request, {"id": ban_id}, status=201)


async def lift_ban(request: Request) -> Response:
    user = await _user(request)
    site = _query(request, "admin_site_query")["site"]
    ban_id: int = request.path_params["id"]
    await call(services(request).admin.lift_ban, user, site, ban_id)
    return json_response(request, {"lifted": ban_id})


async def sites(request: Request) -> Response:
    user = await _user(request)
    found = await call(services(request).admin.visible_sites, user)
    return json_response(request, {"sites": [present_site(s) for s in found]})


async def update_site(request: Request) -> Response:
    user = await _user(request)
    raw = await read_json(request, BODY_LIMIT)
    parsed = REQUESTS["admin_site"].parse(raw)
    changes: dict[str, Any] = {k: v for k, v in parsed.items() if v is not None}
    if "policy" in changes:
        changes["policy"] = Policy(changes["policy"])
    if "notify_mode" in changes:
        changes["notify_mode"] = NotifyMode(changes["notify_mode"])
    if "erasure" in changes:
        changes["erasure"] = Erasure(changes["erasure"])
    for name in ("author_field", "email_field", "website_field"):
        if name in changes:
            changes[name] = FieldRule(changes[name])
    site = await call(services(request).admin.update_site, user, request.path_params["site"],
                      changes)  # fmt: skip
    return json_response(request, present_site(site))


async def deliveries(request: Request) -> Response:
    user = await _user(request)
    q = _query(request, "admin_deliveries")
    found = await call(services(request).admin.deliveries, user, q["site"], q["status"],
                       q["limit"])  # fmt: skip
    return json_response(request, {"deliveries": [present_delivery(m) for m in found]})


async def resend(request: Request) -> Response:
    user = await _user(request)
    message_id: int = request.path_params["id"]
    await call(services(request).admin.resend, user, message_id)
    return json_response(request, {"resent": message_id})


async def reader_data(request: Request) -> Response:
    user = await _user(request)
    q = _query(request, "admin_reader")
    found = await call(services(request).admin.reader_data, user, q["site"], q["email"])
    return json_response(request, found)


async def erase_reader(request: Request) -> Response:
    user = await _user(request)
    b = await _body(request, "admin_reader")
    erased = await call(services(request).admin.erase_reader, user, b["site"], b["email"])
    return json_response(request, {"deleted": erased.deleted,
                                   "placeholders": erased.placeholders,
                                   "anonymized": erased.anonymized})  # fmt: skip


async def audit(request: Request) -> Response:
    user = await _user(request)
    site = _query(request, "admin_site_query")["site"]
    entries = await call(services(request).admin.audit, user, site)
    return json_response(request, {"entries": [present_entry(e) for e in entries]})


async def stats(request: Request) -> Response:
    user = await _user(request)
    site = _query(request, "admin_stats")["site"]
    days = await call(services(request).admin.stats, user, site)
    return json_response(request, {"days": [{"day": d.day, "counts": d.counts} for d in days]})
