"""The public API's answers: ``present_*`` turns models into JSON, beside its JSON Schema.

The OpenAPI document is assembled from these schemas, and a test checks real responses
against it. E-mail addresses and IP hashes never appear in a ``present_*`` for public
responses, except the author's own e-mail in ``present_source`` (which needs their edit
token).
"""

from __future__ import annotations

from typing import Any

from yorum.models import (
    Comment,
    CommentNode,
    FieldRule,
    Posted,
    ReportResult,
    Site,
    SiteComment,
    Status,
    ThreadPage,
    VoteResult,
)
from yorum.settings import CommentSettings
from yorum.times import iso

_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}

COMMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A comment as readers see it; a deleted placeholder has empty fields.",
    "required": [
        "id",
        "parent",
        "depth",
        "author",
        "website",
        "html",
        "status",
        "created",
        "edited",
        "likes",
        "dislikes",
        "avatar",
        "pinned",
        "locked",
    ],
    "properties": {
        "id": {"type": "integer"},
        "parent": {"type": ["integer", "null"]},
        "depth": {"type": "integer", "minimum": 0},
        "author": {"type": "string"},
        "website": {"type": "string"},
        "html": {"type": "string", "description": "Sanitized HTML."},
        "status": {"enum": ["approved", "pending", "deleted"]},
        "created": _TIME,
        "edited": _MAYBE_TIME,
        "likes": {"type": "integer"},
        "dislikes": {"type": "integer"},
        "avatar": {
            "type": "string",
            "description": "Seed of the author's generated picture (same author, same seed); "
            "empty for anonymous comments.",
        },
        "pinned": {"type": "boolean", "description": "Pinned by a moderator: listed first."},
        "locked": {"type": "boolean", "description": "Locked by a moderator: no replies."},
    },
}


def present_comment(comment: Comment) -> dict[str, Any]:
    """A comment for any reader: no e-mail, no IP hash, no Markdown source."""
    return {
        "id": comment.id,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author": comment.author,
        "website": comment.website,
        "html": comment.text_html,
        # A comment judged spam reads as pending to its author: spammers learn nothing.
        "status": "pending" if comment.status is Status.SPAM else comment.status.value,
        "created": iso(comment.created_at),
        "edited": iso(comment.edited_at),
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "avatar": comment.avatar,
        "pinned": comment.pinned,
        "locked": comment.locked,
    }


NODE_SCHEMA: dict[str, Any] = {
    "allOf": [{"$ref": "#/components/schemas/Comment"}],
    "type": "object",
    "required": ["replies", "hidden_replies", "reply_count"],
    "properties": {
        "replies": {"type": "array", "items": {"$ref": "#/components/schemas/CommentNode"}},
        "hidden_replies": {
            "type": "integer",
            "description": "Direct replies not included; list them with parent=id.",
        },
        "reply_count": {"type": "integer", "description": "Visible replies at any depth."},
    },
}


def present_node(node: CommentNode) -> dict[str, Any]:
    """A comment with the replies shown under it."""
    return {
        **present_comment(node.comment),
        "replies": [present_node(child) for child in node.replies],
        "hidden_replies": node.hidden_replies,
        "reply_count": node.reply_count,
    }


PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "site",
        "uri",
        "title",
        "locked",
        "closed",
        "total",
        "comments",
        "hidden",
        "next_cursor",
    ],
    "properties": {
        "site": {"type": "string"},
        "uri": {"type": "string"},
        "title": {"type": "string"},
        "locked": {
            "type": "boolean",
            "description": "The thread takes no comments (locked by a moderator, or closed).",
        },
        "closed": {
            "type": "boolean",
            "description": "The thread is older than the site's close_after_days.",
        },
        "total": {"type": "integer", "description": "Visible comments in the whole thread."},
        "comments": {"type": "array", "items": {"$ref": "#/components/schemas/CommentNode"}},
        "hidden": {"type": "integer", "description": "Items after this page."},
        "next_cursor": {"type": ["string", "null"]},
    },
}


def present_page(page: ThreadPage) -> dict[str, Any]:
    """One page of a thread."""
    return {
        "site": page.site_id,
        "uri": page.uri,
        "title": page.thread.title if page.thread else "",
        "locked": (page.thread.locked if page.thread else False) or page.closed,
        "closed": page.closed,
        "total": page.total,
        "comments": [present_node(node) for node in page.nodes],
        "hidden": page.hidden,
        "next_cursor": page.next_cursor,
    }


POSTED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["comment", "edit_token", "edit_until"],
    "properties": {
        "comment": {"$ref": "#/components/schemas/Comment"},
        "edit_token": {"type": "string", "description": "Send as X-Edit-Token to edit/delete."},
        "edit_until": _TIME,
    },
}


def present_posted(posted: Posted) -> dict[str, Any]:
    """A new comment and the author's edit token."""
    return {
        "comment": present_comment(posted.comment),
        "edit_token": posted.edit_token,
        "edit_until": iso(posted.edit_until),
    }


SOURCE_SCHEMA: dict[str, Any] = {
    "allOf": [{"$ref": "#/components/schemas/Comment"}],
    "type": "object",
    "required": ["text", "email"],
    "properties": {"text": {"type": "string"}, "email": {"type": "string"}},
}


def present_source(comment: Comment) -> dict[str, Any]:
    """The author's own comment with its Markdown source and e-mail."""
    return {**present_comment(comment), "text": comment.text_raw, "email": comment.email}


VOTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "likes", "dislikes", "vote"],
    "properties": {
        "id": {"type": "integer"},
        "likes": {"type": "integer"},
        "dislikes": {"type": "integer"},
        "vote": {"enum": [1, -1, 0]},
    },
}


def present_vote(result: VoteResult) -> dict[str, Any]:
    """A comment's tally after a vote."""
    return {
        "id": result.comment_id,
        "likes": result.likes,
        "dislikes": result.dislikes,
        "vote": result.vote,
    }


COUNTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["counts"],
    "properties": {"counts": {"type": "array", "items": {"type": "integer"}}},
}


def present_counts(counts: list[int]) -> dict[str, Any]:
    """Counts in the order the URIs were asked."""
    return {"counts": counts}


LATEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["comments"],
    "properties": {
        "comments": {
            "type": "array",
            "items": {
                "allOf": [{"$ref": "#/components/schemas/Comment"}],
                "type": "object",
                "required": ["uri", "title"],
                "properties": {"uri": {"type": "string"}, "title": {"type": "string"}},
            },
        }
    },
}


def present_latest(items: list[SiteComment]) -> dict[str, Any]:
    """A site's newest comments with their pages."""
    return {
        "comments": [
            {**present_comment(item.comment), "uri": item.uri, "title": item.title}
            for item in items
        ]
    }


DELETED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["deleted", "placeholder"],
    "properties": {
        "deleted": {"type": "boolean"},
        "placeholder": {
            "oneOf": [{"$ref": "#/components/schemas/Comment"}, {"type": "null"}],
            "description": "What stays in the thread when the comment had replies.",
        },
    },
}


def present_deleted(placeholder: Comment | None) -> dict[str, Any]:
    """The outcome of a delete."""
    return {
        "deleted": True,
        "placeholder": present_comment(placeholder) if placeholder else None,
    }


PREVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["html"],
    "properties": {"html": {"type": "string"}},
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message", "field"],
    "properties": {
        "error": {"type": "string", "description": "Stable code; localize by this."},
        "message": {"type": "string", "description": "English explanation."},
        "field": {"type": ["string", "null"], "description": "The input at fault, if one."},
    },
}


_RULE = {"enum": [r.value for r in FieldRule]}
SITE_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What a site's comment form asks for, and its limits.",
    "required": ["site", "name", "language", "fields", "edit_window", "max_text_length"],
    "properties": {
        "site": {"type": "string"},
        "name": {"type": "string"},
        "language": {"type": "string"},
        "fields": {
            "type": "object",
            "required": ["author", "email", "website"],
            "properties": {"author": _RULE, "email": _RULE, "website": _RULE},
        },
        "edit_window": {"type": "integer", "description": "Seconds an author may edit."},
        "max_text_length": {"type": "integer"},
        "proof_of_work": {
            "type": "boolean",
            "description": "Whether a comment needs a solved challenge from /api/challenge.",
        },
        "reply_notifications": {
            "type": "boolean",
            "description": "Whether the form may offer to mail the author replies (`notify`).",
        },
    },
}

CHALLENGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A proof-of-work challenge in the ALTCHA format: find the number n "
    "(0 <= n <= maxnumber) with SHA-256(salt + n) = challenge, then send base64 JSON "
    "{algorithm, challenge, number, salt, signature, took} as the comment's `altcha`.",
    "required": ["algorithm", "challenge", "maxnumber", "salt", "signature"],
    "properties": {
        "algorithm": {"const": "SHA-256"},
        "challenge": {"type": "string", "description": "Hex SHA-256 to find."},
        "maxnumber": {"type": "integer", "description": "Largest number to try."},
        "salt": {"type": "string", "description": "Carries ?expires= (unix time)."},
        "signature": {"type": "string", "description": "The server's HMAC of the challenge."},
    },
}


def present_site_config(
    site: Site, limits: CommentSettings, proof_of_work: bool, mail: bool
) -> dict[str, Any]:
    """The public side of a site: its form's fields and limits (never its origins)."""
    return {
        "site": site.id,
        "name": site.name,
        "language": site.language,
        "fields": {name: site.field_rule(name).value for name in ("author", "email", "website")},
        "edit_window": limits.edit_window,
        "max_text_length": limits.max_text_length,
        "proof_of_work": proof_of_work,
        "reply_notifications": mail and site.reply_notifications,
    }


REPORT_RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "reports", "held"],
    "properties": {
        "id": {"type": "integer"},
        "reports": {"type": "integer", "description": "Open reports of the comment."},
        "held": {
            "type": "boolean",
            "description": "The reports reached the site's threshold: the comment is held.",
        },
    },
}


def present_report(result: ReportResult) -> dict[str, Any]:
    """What a reader's report did."""
    return {"id": result.comment_id, "reports": result.reports, "held": result.held}


RESPONSE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Comment": COMMENT_SCHEMA,
    "CommentNode": NODE_SCHEMA,
    "ThreadPage": PAGE_SCHEMA,
    "Posted": POSTED_SCHEMA,
    "CommentSource": SOURCE_SCHEMA,
    "VoteResult": VOTE_SCHEMA,
    "Counts": COUNTS_SCHEMA,
    "Latest": LATEST_SCHEMA,
    "Deleted": DELETED_SCHEMA,
    "PreviewResult": PREVIEW_SCHEMA,
    "SiteConfig": SITE_CONFIG_SCHEMA,
    "Challenge": CHALLENGE_SCHEMA,
    "ReportResult": REPORT_RESULT_SCHEMA,
    "Error": ERROR_SCHEMA,
}
