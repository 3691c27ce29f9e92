"""Isso's wire format: its comment objects, thread listing, client config and request bodies.

Pure translation between yorum's models and the JSON that Isso 0.14's client sends and
expects; the rules stay in the services, and nothing here knows about HTTP. Isso nests
replies one level deep, so a thread is shown two levels deep: top-level comments, and under
each all the replies below it (at any depth in yorum), oldest first, as its replies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from typing import Any

from yorum.errors import BadRequest, Invalid
from yorum.listing import Tree, sort_key
from yorum.models import Comment, FieldRule, Site, Sort, Status, VoteResult
from yorum.web.schemas import SITE, URI
from yorum.web.validation import Bool, Choice, Field, Int, Number, Schema

#: Isso's ``mode``: 1 public, 2 waiting for moderation, 4 deleted but kept for its replies.
MODE = {Status.APPROVED: 1, Status.PENDING: 2, Status.SPAM: 2, Status.DELETED: 4}
SORTS = {"oldest": Sort.OLDEST, "newest": Sort.NEWEST, "upvotes": Sort.BEST}
NEW_KEYS = ("text", "author", "email", "website", "parent", "title")
EDIT_KEYS = ("text", "author", "website")

LISTING = Schema(
    "IssoThreadQuery",
    [
        SITE,
        URI,
        Field("parent", Int(), False, "Only the replies of this comment."),
        Field("limit", Int(0), False, "Top-level comments (or replies, with parent)."),
        Field("offset", Int(0), False, "Comments to skip (with limit).", 0),
        Field("nested_limit", Int(0), False, "Replies under each top-level comment."),
        Field("after", Number(0, 1e11), False, "Only comments created after (Unix time).", 0.0),
        Field("sort", Choice(tuple(SORTS)), False, "Order of top-level comments.", "oldest"),
        Field("plain", Bool(), False, "Markdown source instead of HTML.", False),
    ],
)
FEED = Schema("IssoFeedQuery", [SITE, URI])
LATEST = Schema("IssoLatestQuery", [SITE, Field("limit", Int(1, 100), True, "How many.")])


@dataclass(frozen=True)
class ListingQuery:
    """What a ``GET /`` of Isso's API asks for."""

    parent: int | None
    limit: int | None
    offset: int
    nested_limit: int | None
    after: float
    sort: Sort
    plain: bool

    @classmethod
    def from_checked(cls, q: dict[str, Any]) -> ListingQuery:
        """The query from values ``LISTING`` has checked."""
        return cls(
            q["parent"], q["limit"], q["offset"], q["nested_limit"], q["after"],
            SORTS[q["sort"]], q["plain"],
        )  # fmt: skip


def identicon_seed(comment: Comment) -> str:
    """Isso's ``hash``: 12 hex digits that seed the identicon.

    The author's avatar seed (keyed, so it tells nothing about the address), or for an
    anonymous comment one derived from its id, so anonymous comments do not look alike.
    """
    if comment.avatar:
        return comment.avatar[:12]
    return hashlib.sha256(f"comment:{comment.id}".encode()).hexdigest()[:12]


def present(comment: Comment, *, parent: int | None, plain: bool = False) -> dict[str, Any]:
    """A comment as Isso's client reads it.

    Isso's client puts ``author`` and ``website`` into the page as HTML, so both are sent
    HTML-escaped, as Isso itself sends them. E-mail and address hashes are never sent.
    """
    deleted = comment.status is Status.DELETED
    text = comment.text_raw if plain else comment.text_html
    return {
        "id": comment.id,
        "parent": parent,
        "text": "" if deleted else text,
        "author": escape(comment.author) if comment.author and not deleted else None,
        "website": escape(comment.website) if comment.website and not deleted else None,
        "mode": MODE[comment.status],
        "created": comment.created_at,
        "modified": comment.edited_at,
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "notification": int(comment.notify),
        "hash": identicon_seed(comment),
    }


def below(tree: Tree, comment_id: int) -> list[Comment]:
    """Every reply readers see below a comment, at any depth, oldest first."""
    found: list[Comment] = []
    pending = list(tree.shown(comment_id))
    while pending:
        reply = pending.pop()
        found.append(reply)
        pending.extend(tree.shown(reply.id))
    return sorted(found, key=lambda c: (c.created_at, c.id))


def listing(tree: Tree, q: ListingQuery, config: dict[str, Any]) -> dict[str, Any]:
    """Isso's answer to ``GET /``: a page of the thread (or of one comment's replies)."""
    if q.parent is None:
        candidates = sorted(tree.shown(None), key=sort_key(q.sort, pinned_first=True))
        total = len(candidates) + sum(len(below(tree, c.id)) for c in candidates)
    else:
        candidates = below(tree, q.parent) if tree.contains(q.parent) else []
        total = len(candidates)
    candidates = [c for c in candidates if c.created_at > q.after]
    end = None if q.limit is None else q.offset + q.limit
    chosen = candidates[q.offset : end]
    replies = [present(c, parent=q.parent, plain=q.plain) for c in chosen]
    if q.parent is None:
        for item, comment in zip(replies, chosen, strict=True):
            item.update(_replies(tree, comment, q))
    return {
        "id": q.parent,
        "total_replies": total,
        "hidden_replies": max(0, len(candidates) - q.offset - len(chosen)),
        "replies": replies,
        "config": config,  # deprecated in Isso in favour of GET /config, still sent
    }


def _replies(tree: Tree, comment: Comment, q: ListingQuery) -> dict[str, Any]:
    """The replies shown under a top-level comment in a thread listing."""
    everything = below(tree, comment.id)
    shown = [c for c in everything if c.created_at > q.after]
    if q.nested_limit is not None:
        shown = shown[: q.nested_limit]
    return {
        "total_replies": len(everything),
        "hidden_replies": len(everything) - len(shown),
        "replies": [present(c, parent=comment.id, plain=q.plain) for c in shown],
    }


def client_config(site: Site, mail: bool) -> dict[str, Any]:
    """The settings Isso's client takes from the server (``GET /config``)."""
    return {
        "reply-to-self": True,  # yorum has no rule against answering oneself
        "require-email": site.email_field is FieldRule.REQUIRED,
        "require-author": site.author_field is FieldRule.REQUIRED,
        "reply-notifications": mail and site.reply_notifications,
        "gravatar": False,  # a reader's browser never asks a third party for pictures
        "avatar": True,
        "feed": True,
    }


def vote(result: VoteResult) -> dict[str, Any]:
    """A comment's tally after a like or dislike."""
    return {"likes": result.likes, "dislikes": result.dislikes}


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def new_comment_body(data: Any, site_id: str, uri: str) -> dict[str, Any]:
    """Isso's ``POST /new`` body as the body of yorum's ``POST /api/comments``.

    Keys Isso does not accept are dropped, as Isso drops them; ``null`` means absent.
    """
    data = _object(data)
    body: dict[str, Any] = {"site": site_id, "uri": uri}
    body.update({key: data[key] for key in NEW_KEYS if data.get(key) is not None})
    notification = data.get("notification")
    if notification is not None:
        if notification not in (0, 1) or isinstance(notification, float):
            raise Invalid("notification must be 0 or 1.", field="notification")
        body["notify"] = bool(notification)
    return body


def edit_body(data: Any) -> dict[str, Any]:
    """Isso's ``PUT /id/<id>`` body as the body of yorum's edit: text, author, website."""
    data = _object(data)
    return {key: data[key] for key in EDIT_KEYS if data.get(key) is not None}


def count_body(data: Any, site_id: str) -> dict[str, Any]:
    """Isso's ``POST /count`` body (a JSON array of URIs) as yorum's counts request."""
    if not isinstance(data, list):
        raise BadRequest("The request body must be a JSON array of URIs.")
    return {"site": site_id, "uris": data}
