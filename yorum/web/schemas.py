"""The public API's request shapes: what each endpoint accepts, and its limits.

Request schemas are built from the settings, so the limits they enforce and document are
the configured ones. What the API answers is shaped in ``yorum.web.present``; the OpenAPI
document is assembled from both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from yorum.models import (
    NewComment,
    ReportReason,
    Sort,
)
from yorum.settings import CommentSettings
from yorum.web.validation import Array, Bool, Choice, Field, Int, Schema, Str

SITE = Field("site", Str(64, min_length=1, pattern=r"[a-z0-9][a-z0-9_-]*"), True, "Site id.")
URI = Field("uri", Str(2048, min_length=1, format="uri"), True, "The page: a path or URL.")


class RequestSchemas:
    """Every request shape of the public API, with limits from the settings."""

    def __init__(self, limits: CommentSettings) -> None:
        self.limits = limits
        text = Field(
            "text",
            Str(limits.max_text_length, min_length=1, multiline=True),
            True,
            "Markdown (CommonMark, no raw HTML).",
        )
        author = Field("author", Str(limits.max_name_length), False, "Display name.", "")
        website = Field("website", Str(512, format="url"), False, "Author's web site.", "")
        self.thread = Schema(
            "ThreadQuery",
            [
                SITE,
                URI,
                Field(
                    "sort",
                    Choice(tuple(s.value for s in Sort)),
                    False,
                    "Order of top-level comments; replies read oldest first.",
                    Sort.OLDEST.value,
                ),
                Field("limit", Int(1, limits.max_page_size), False, "Comments per page."),
                Field(
                    "cursor",
                    Str(512, pattern=r"[A-Za-z0-9_-]+"),
                    False,
                    "next_cursor of the previous page.",
                ),
                Field("parent", Int(), False, "List the replies of this comment instead."),
            ],
        )
        self.new_comment = Schema(
            "NewComment",
            [
                SITE,
                URI,
                text,
                author,
                Field("email", Str(254, format="email"), False, "Never shown to readers.", ""),
                website,
                Field("parent", Int(), False, "Id of the comment this replies to."),
                Field("title", Str(300), False, "Page title, stored with a new thread.", ""),
                Field(
                    "altcha",
                    Str(2048),
                    False,
                    "A solved proof-of-work challenge from GET /api/challenge: the base64 "
                    "ALTCHA payload. Required unless the install switches proof of work off.",
                ),
                Field("url", Str(512), False, "Leave empty: a trap for programs.", ""),
                Field(
                    "notify",
                    Bool(),
                    False,
                    "Mail replies to the author (with email; they confirm the address first).",
                    False,
                ),
            ],
        )
        # An edit leaves absent fields as they are.
        self.edit = Schema(
            "CommentEdit", [text, replace(author, default=None), replace(website, default=None)]
        )
        self.vote = Schema(
            "Vote", [Field("value", Choice((1, -1, 0)), True, "1 up, -1 down, 0 withdraw.")]
        )
        uris = Array(Str(2048, min_length=1, format="uri"), max_items=100)
        self.counts = Schema("CountsRequest", [SITE, Field("uris", uris, True, "Up to 100 pages.")])
        self.counts_query = Schema(
            "CountsQuery", [SITE, Field("uri", uris, True, "Repeat for each page (up to 100).")]
        )
        self.latest = Schema(
            "LatestQuery", [SITE, Field("limit", Int(1, 100), False, "How many.", 20)]
        )
        self.site_feed = Schema("SiteFeedQuery", [SITE])
        self.thread_feed = Schema("ThreadFeedQuery", [SITE, URI])
        self.events = Schema("EventsQuery", [SITE, URI])
        self.site_config = Schema("SiteQuery", [SITE])
        self.challenge = Schema("ChallengeQuery", [SITE])
        self.preview = Schema("Preview", [text])
        self.report = Schema(
            "Report",
            [
                Field(
                    "reason",
                    Choice(tuple(r.value for r in ReportReason)),
                    True,
                    "Why the comment should be looked at.",
                ),
                Field("note", Str(500), False, "A short note for the moderators.", ""),
            ],
        )


def new_comment(data: dict[str, Any]) -> NewComment:
    """The comment a checked ``NewComment`` body (or form) describes."""
    return NewComment(
        site_id=data["site"],
        uri=data["uri"],
        text=data["text"],
        author=data["author"],
        email=data["email"],
        website=data["website"],
        parent_id=data["parent"],
        title=data["title"],
        notify=bool(data.get("notify")),
    )
