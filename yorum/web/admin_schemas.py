"""The JSON admin API's request and response shapes (documented in the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from yorum.models import BanKind, FieldRule, NotifyMode, Policy, Status, WordKind
from yorum.moderation.queue import Action
from yorum.web.validation import Array, Bool, Choice, Field, Int, Number, Schema, Str

SITE = Field("site", Str(64, min_length=1, pattern=r"[a-z0-9][a-z0-9_-]*"), True, "Site id.")
SOME_SITE = Field("site", Str(64, pattern=r"[a-z0-9][a-z0-9_-]*"), False, "Only this site.", "")
# "reported": comments with open reader reports, whatever their status; "all": every status.
STATUSES = ("pending", "spam", "reported", "approved", "all")
WORD = Str(200, min_length=1)

REQUESTS: dict[str, Schema] = {
    "admin_queue": Schema(
        "AdminQueueQuery",
        [
            Field("status", Choice(STATUSES), False,
                  "Which comments; reported: with open reader reports; all: every status.",
                  "pending"),
            SOME_SITE,
            Field("uri", Str(2048), False, "Only this thread.", ""),
            Field("author", Str(200), False, "Author name contains this.", ""),
            Field("q", Str(200), False, "Text contains this.", ""),
            Field("offset", Int(0, 1_000_000), False, "Skip this many.", 0),
            Field("limit", Int(1, 200), False, "Comments per page.", 50),
        ],
    ),
    "admin_act": Schema(
        "AdminAction",
        [
            Field("action", Choice(tuple(a.value for a in Action)), True, "What to do."),
            Field("ids", Array(Int(1), max_items=500), True, "Comment ids (all or none)."),
            Field("reason", Str(500), False, "Why, for the audit log.", ""),
        ],
    ),
    "admin_lock": Schema(
        "AdminLock",
        [
            SITE,
            Field("uri", Str(2048, min_length=1), True, "The thread."),
            Field("locked", Bool(), True, "Lock (true) or unlock (false)."),
            Field("reason", Str(500), False, "Why, for the audit log.", ""),
        ],
    ),
    "admin_site_query": Schema("AdminSiteQuery", [SITE]),
    "admin_ban_author": Schema(
        "AdminBanAuthor",
        [
            Field("by", Choice(tuple(k.value for k in BanKind)), False,
                  "ip: the address hash the comment carries; email; name: the exact name.",
                  "ip"),
            Field("reason", Str(500), False, "Why, for the audit log.", ""),
            Field("days", Int(1, 36500), False, "Lift after this many days; absent: never."),
        ],
    ),
    "admin_edit": Schema(
        "AdminEdit",
        [
            Field("text", Str(65536, min_length=1), True, "The new text (Markdown)."),
            Field("reason", Str(500), False, "Why, for the audit log.", ""),
        ],
    ),
    "admin_words": Schema(
        "AdminWords",
        [
            SITE,
            Field("kind", Choice(tuple(k.value for k in WordKind)), True,
                  "banned: refuse comments with them; suspect: hold them."),
            Field("words", Array(WORD, max_items=500), True, "Words or phrases."),
        ],
    ),
    "admin_words_remove": Schema(
        "AdminWordsRemove",
        [SITE, Field("words", Array(WORD, max_items=500), True, "Words or phrases.")],
    ),
    "admin_stats": Schema("AdminStatsQuery", [SOME_SITE]),
    "admin_reader": Schema(
        "AdminReader",
        [SITE, Field("email", Str(254, format="email"), True, "The reader's e-mail address.")],
    ),
    "admin_deliveries": Schema(
        "AdminDeliveriesQuery",
        [
            SOME_SITE,
            Field("status", Choice(("", "pending", "sent", "dead")), False,
                  "Only this status; empty: all.", ""),
            Field("limit", Int(1, 500), False, "How many, newest first.", 100),
        ],
    ),
    "admin_ban": Schema(
        "AdminBan",
        [
            SITE,
            Field("kind", Choice(tuple(k.value for k in BanKind)), True, "What to match."),
            Field("value", Str(254, min_length=1), True,
                  "E-mail address, IP address (stored hashed) or name pattern (* and ?)."),
            Field("reason", Str(500), False, "Why, for the audit log.", ""),
            Field("days", Int(1, 36500), False, "Lift after this many days; absent: never."),
        ],
    ),
    "admin_site": Schema(
        "AdminSiteChanges",
        [
            Field("name", Str(200), False, "Display name."),
            Field("origins", Array(Str(300, min_length=1), max_items=50), False,
                  "Allowed origins, or ['*']."),
            Field("language", Str(16), False, "Default language tag."),
            Field("policy", Choice(tuple(p.value for p in Policy)), False, "Moderation policy."),
            Field("author_field", Choice(tuple(r.value for r in FieldRule)), False, "Name field."),
            Field("email_field", Choice(tuple(r.value for r in FieldRule)), False,
                  "E-mail field."),
            Field("website_field", Choice(tuple(r.value for r in FieldRule)), False,
                  "Website field."),
            Field("report_threshold", Int(0, 100000), False,
                  "Reader reports that hold a comment (0: reports never hold)."),
            Field("close_after_days", Int(0, 100000), False,
                  "Threads this many days old take no new comments (0: never)."),
            Field("hold_score", Number(0.01, 1000), False,
                  "Spam score from which a comment waits for a moderator."),
            Field("spam_score", Number(0.01, 1000), False,
                  "Spam score from which a comment goes to spam (at least hold_score)."),
            Field("notify_emails", Array(Str(254, min_length=3, format="email"), max_items=20,
                                         min_items=0), False,
                  "Addresses mailed about new and held comments."),
            Field("notify_mode", Choice(tuple(m.value for m in NotifyMode)), False,
                  "each, hourly, daily or off."),
            Field("reply_notifications", Bool(), False,
                  "Whether readers may ask to be mailed replies."),
            Field("erasure", Choice(("delete", "anonymize")), False,
                  "What erasing a reader's data does to their comments."),
        ],
        "Only the fields given change.",
    ),
}  # fmt: skip


def status_of(value: str) -> Status | None:
    """The queue's status filter (None for ``all`` and ``reported``)."""
    return None if value in ("all", "reported") else Status(value)


_OBJ = {"type": "object"}
_STR = {"type": "string"}
_INT = {"type": "integer"}

RESPONSES: dict[str, Any] = {
    "AdminMe": {"type": "object", "required": ["name", "is_admin", "roles"], "properties": {
        "name": _STR, "is_admin": {"type": "boolean"},
        "roles": {"type": "object", "additionalProperties": {"enum": ["moderator", "admin"]}},
    }},
    "AdminQueue": {"type": "object", "required": ["items", "total", "offset", "limit"],
                   "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": _INT, "site": _STR, "uri": _STR, "title": _STR, "author": _STR,
            "email": _STR, "website": _STR, "text": _STR, "html": _STR, "status": _STR,
            "created": _STR, "parent": {"type": ["integer", "null"]},
            "pinned": {"type": "boolean"}, "locked": {"type": "boolean"},
            "details": {"type": "object",
                        "description": "What else is known about the comment (votes, edits)."},
            "held_because": {"type": "string",
                             "description": "Why the site's policy or the gate held it."},
            "score": {"type": ["number", "null"], "description": "Its spam score."},
            "reasons": {"type": "array", "items": {"type": "object", "properties": {
                "scorer": _STR, "points": {"type": "number"}, "text": _STR}}},
            "reports": {"type": "array", "items": {"type": "object", "properties": {
                "reason": _STR, "note": _STR}}},
        }}},
        "total": _INT, "offset": _INT, "limit": _INT,
    }},
    "AdminActed": {"type": "object", "properties": {"changed": _INT}},
    "AdminLocked": {"type": "object", "properties": {"site": _STR, "uri": _STR,
                                                     "locked": {"type": "boolean"}}},
    "AdminBans": {"type": "object", "properties": {"bans": {"type": "array", "items": _OBJ}}},
    "AdminBanAdded": {"type": "object", "properties": {"id": _INT}},
    "AdminBanLifted": {"type": "object", "properties": {"lifted": _INT}},
    "AdminSites": {"type": "object", "properties": {"sites": {"type": "array", "items": _OBJ}}},
    "AdminSite": _OBJ,
    "AdminAudit": {"type": "object", "properties": {"entries": {"type": "array",
                                                                "items": _OBJ}}},
    "AdminEdited": {"type": "object", "properties": {"id": _INT}},
    "AdminWordList": {"type": "object", "properties": {"words": {"type": "array", "items": {
        "type": "object", "properties": {"kind": {"enum": ["banned", "suspect"]}, "word": _STR,
                                         "folded": _STR}}}}},
    "AdminWordsChanged": {"type": "object", "properties": {"changed": _INT}},
    "AdminDeliveries": {"type": "object", "properties": {"deliveries": {
        "type": "array", "items": {"type": "object", "properties": {
            "id": _INT, "site": _STR, "channel": {"enum": ["email", "webhook"]}, "kind": _STR,
            "event": {"type": ["string", "null"]}, "recipient": _STR,
            "status": {"enum": ["pending", "sent", "dead"]}, "attempts": _INT,
            "last_error": _STR, "created": _STR, "due": {"type": ["string", "null"]},
            "sent": {"type": ["string", "null"]}}}}}},
    "AdminReaderData": {"type": "object", "description": "A reader's data on one site.",
                        "properties": {"format": _STR, "email": _STR, "comments": {
                            "type": "array", "items": _OBJ}}},
    "AdminErased": {"type": "object", "properties": {
        "deleted": _INT, "placeholders": _INT, "anonymized": _INT}},
    "AdminResent": {"type": "object", "properties": {"resent": _INT}},
    "AdminStats": {"type": "object", "properties": {"days": {"type": "array", "items": {
        "type": "object", "properties": {"day": _STR, "counts": _OBJ}}}}},
}  # fmt: skip
