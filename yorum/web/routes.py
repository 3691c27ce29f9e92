"""The whole URL map in one list. API operations carry what the OpenAPI document needs."""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from yorum.web import (
    admin_api,
    admin_pages,
    api,
    convertors,  # noqa: F401  (registers {id:id} before any route)
    demo,
    feeds,
    isso_api,
    live,
    notify_pages,
    ops,
    pages,
    privacy_pages,
    widget,
)


@dataclass(frozen=True)
class Operation:
    """One API operation: method, path, handler, and its documented shapes.

    ``query`` and ``body`` name attributes of ``RequestSchemas``; ``responses`` maps
    each success status to a response schema name (or None for a non-JSON body).
    """

    method: str
    path: str
    endpoint: Callable[..., Any]
    summary: str
    query: str | None = None
    body: str | None = None
    responses: dict[int, str | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()
    edit_token: bool = False
    admin: bool = False  # needs a signed-in user (session cookie + CSRF header, or token)
    media_type: str = "application/json"


API: list[Operation] = [
    Operation("GET", "/api/thread", api.thread, "A page of a thread's comments, nested.",
              query="thread", responses={200: "ThreadPage", 304: None}, errors=(403, 404, 422)),
    Operation("POST", "/api/comments", api.create_comment, "Post a comment.",
              body="new_comment", responses={201: "Posted", 202: "Posted"},
              errors=(400, 403, 404, 409, 413, 415, 422, 429, 503)),
    Operation("GET", "/api/comments/{id:id}", api.comment_source,
              "The author's own comment with its source.", responses={200: "CommentSource"},
              errors=(403, 404, 409, 422), edit_token=True),
    Operation("PATCH", "/api/comments/{id:id}", api.edit_comment,
              "Edit the author's own comment.", body="edit", responses={200: "Comment"},
              errors=(400, 403, 404, 409, 413, 415, 422, 503), edit_token=True),
    Operation("DELETE", "/api/comments/{id:id}", api.delete_comment,
              "Delete the author's own comment.", responses={200: "Deleted"},
              errors=(403, 404, 409, 422, 503), edit_token=True),
    Operation("POST", "/api/comments/{id:id}/vote", api.vote, "Vote on a comment.",
              body="vote", responses={200: "VoteResult"},
              errors=(400, 403, 404, 413, 415, 422, 503)),
    Operation("POST", "/api/comments/{id:id}/report", api.report,
              "Report a comment to the moderators (once per reader).",
              body="report", responses={200: "ReportResult"},
              errors=(400, 403, 404, 409, 413, 415, 422, 503)),
    Operation("POST", "/api/counts", api.counts, "Comment counts for many pages.",
              body="counts", responses={200: "Counts"}, errors=(400, 403, 404, 413, 415, 422)),
    Operation("GET", "/api/counts", api.counts_get, "Comment counts for many pages.",
              query="counts_query", responses={200: "Counts"}, errors=(403, 404, 422)),
    Operation("GET", "/api/site", api.site_config,
              "A site's comment form: which fields it shows and requires, and its limits.",
              query="site_config", responses={200: "SiteConfig"}, errors=(403, 404, 422)),
    Operation("GET", "/api/challenge", api.challenge,
              "A proof-of-work challenge (ALTCHA format) to solve before posting.",
              query="challenge", responses={200: "Challenge"}, errors=(403, 404, 422)),
    Operation("GET", "/api/latest", api.latest, "A site's newest comments.",
              query="latest", responses={200: "Latest"}, errors=(403, 404, 422)),
    Operation("POST", "/api/preview", api.preview, "Render a text without posting it.",
              body="preview", responses={200: "PreviewResult"}, errors=(400, 413, 415, 422)),
    Operation("GET", "/api/events", live.events,
              "A thread's changes as Server-Sent Events (event `changed`, id = version).",
              query="events", responses={200: None}, errors=(403, 404, 422),
              media_type="text/event-stream"),
    Operation("GET", "/api/feeds/thread", feeds.thread_feed, "Atom feed of a thread.",
              query="thread_feed", responses={200: None}, errors=(404, 422),
              media_type="application/atom+xml"),
    Operation("GET", "/api/feeds/site", feeds.site_feed, "Atom feed of a site.",
              query="site_feed", responses={200: None}, errors=(404, 422),
              media_type="application/atom+xml"),
]  # fmt: skip

_A = (401, 403, 404, 422)  # every admin operation may answer these
ADMIN_API: list[Operation] = [
    Operation("GET", "/api/admin/me", admin_api.me, "The signed-in user and their roles.",
              responses={200: "AdminMe"}, errors=(401,), admin=True),
    Operation("GET", "/api/admin/queue", admin_api.queue,
              "Comments to moderate, filtered and paged (oldest first).",
              query="admin_queue", responses={200: "AdminQueue"}, errors=_A, admin=True),
    Operation("POST", "/api/admin/actions", admin_api.act,
              "A moderator action on one or many comments (all or none).",
              body="admin_act", responses={200: "AdminActed"},
              errors=(400, *_A, 409, 413, 415, 503), admin=True),
    Operation("POST", "/api/admin/comments/{id:id}/edit", admin_api.edit,
              "Replace a comment's text as a moderator (audited).", body="admin_edit",
              responses={200: "AdminEdited"}, errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("POST", "/api/admin/comments/{id:id}/ban", admin_api.ban_author,
              "Ban a comment's author by address hash, e-mail or name.", body="admin_ban_author",
              responses={201: "AdminBanAdded"}, errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("GET", "/api/admin/words", admin_api.words, "A site's banned and suspect words.",
              query="admin_site_query", responses={200: "AdminWordList"}, errors=_A,
              admin=True),
    Operation("POST", "/api/admin/words", admin_api.add_words,
              "Put words on a site's banned or suspect list (site admins).", body="admin_words",
              responses={200: "AdminWordsChanged"}, errors=(400, *_A, 413, 415, 503),
              admin=True),
    Operation("POST", "/api/admin/words/remove", admin_api.remove_words,
              "Take words off a site's lists (site admins).", body="admin_words_remove",
              responses={200: "AdminWordsChanged"}, errors=(400, *_A, 413, 415, 503),
              admin=True),
    Operation("POST", "/api/admin/locks", admin_api.lock, "Lock or unlock a thread.",
              body="admin_lock", responses={200: "AdminLocked"},
              errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("GET", "/api/admin/bans", admin_api.bans, "A site's bans in force.",
              query="admin_site_query", responses={200: "AdminBans"}, errors=_A, admin=True),
    Operation("POST", "/api/admin/bans", admin_api.add_ban, "Ban an e-mail, address or name.",
              body="admin_ban", responses={201: "AdminBanAdded"},
              errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("DELETE", "/api/admin/bans/{id:id}", admin_api.lift_ban, "Lift a ban.",
              query="admin_site_query", responses={200: "AdminBanLifted"},
              errors=(*_A, 503), admin=True),
    Operation("GET", "/api/admin/sites", admin_api.sites, "The sites the user may moderate.",
              responses={200: "AdminSites"}, errors=(401,), admin=True),
    Operation("PATCH", "/api/admin/sites/{site}", admin_api.update_site,
              "Change a site's settings (site admins).", body="admin_site",
              responses={200: "AdminSite"}, errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("GET", "/api/admin/audit", admin_api.audit, "A site's audit log, newest first.",
              query="admin_site_query", responses={200: "AdminAudit"}, errors=_A, admin=True),
    Operation("GET", "/api/admin/deliveries", admin_api.deliveries,
              "Recent notifications (mails, webhook calls) with attempts and errors.",
              query="admin_deliveries", responses={200: "AdminDeliveries"}, errors=_A,
              admin=True),
    Operation("POST", "/api/admin/deliveries/{id:id}/resend", admin_api.resend,
              "Queue a notification again, due now.", responses={200: "AdminResent"},
              errors=(*_A, 503), admin=True),
    Operation("GET", "/api/admin/readers", admin_api.reader_data,
              "Everything a site keeps under a reader's e-mail address (audited).",
              query="admin_reader", responses={200: "AdminReaderData"}, errors=_A, admin=True),
    Operation("POST", "/api/admin/readers/erase", admin_api.erase_reader,
              "Erase a reader's data on a site, as its erasure setting says (audited).",
              body="admin_reader", responses={200: "AdminErased"},
              errors=(400, *_A, 413, 415, 503), admin=True),
    Operation("GET", "/api/admin/stats", admin_api.stats,
              "Comments per day for the last 30 days, by status.",
              query="admin_stats", responses={200: "AdminStats"}, errors=_A, admin=True),
]  # fmt: skip


_ISSO = "/isso/{site}"
_ISSO_ID = _ISSO + "/id/{id:id}"
# Isso 0.14's API, one prefix per site (data-isso="https://comments.example.org/isso/blog/").
ISSO_API: list[Route] = [
    Route(_ISSO + "/", isso_api.thread, methods=["GET"]),
    Route(_ISSO + "/new", isso_api.new, methods=["POST"]),
    Route(_ISSO + "/count", isso_api.count, methods=["POST"]),
    Route(_ISSO + "/feed", isso_api.feed, methods=["GET"]),
    Route(_ISSO + "/latest", isso_api.latest, methods=["GET"]),
    Route(_ISSO + "/config", isso_api.client_config, methods=["GET"]),
    Route(_ISSO + "/preview", isso_api.preview, methods=["POST"]),
    Route(_ISSO_ID, isso_api.view, methods=["GET"]),
    Route(_ISSO_ID, isso_api.edit, methods=["PUT"]),
    Route(_ISSO_ID, isso_api.delete, methods=["DELETE"]),
    Route(_ISSO_ID + "/like", isso_api.like, methods=["POST"]),
    Route(_ISSO_ID + "/dislike", isso_api.dislike, methods=["POST"]),
    Route(_ISSO_ID + "/unsubscribe/{email}/{key}", isso_api.unsubscribe, methods=["GET"]),
    Route(_ISSO_ID + "/{action}/{key}", isso_api.moderate, methods=["GET", "POST"]),
    Route(_ISSO + "/{path:path}", isso_api.preflight, methods=["OPTIONS"]),
]


def _api_routes() -> list[BaseRoute]:
    by_path: dict[str, dict[str, Callable[..., Any]]] = defaultdict(dict)
    for op in [*API, *ADMIN_API]:
        by_path[op.path][op.method] = op.endpoint
    routes: list[BaseRoute] = []
    for path, handlers in by_path.items():
        if len(handlers) == 1:
            ((method, endpoint),) = handlers.items()
            routes.append(Route(path, endpoint, methods=[method]))
        else:
            routes.append(Route(path, _dispatch(handlers), methods=list(handlers)))
        if not path.startswith("/api/admin/"):
            routes.append(Route(path, api.preflight, methods=["OPTIONS"]))
    return routes


def _dispatch(handlers: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    """One endpoint for a path with several methods (Starlette matches paths first)."""

    async def endpoint(request: Request) -> Response:
        handler = handlers[request.method if request.method != "HEAD" else "GET"]
        if inspect.iscoroutinefunction(handler):
            response: Response = await handler(request)
        else:
            response = await run_in_threadpool(handler, request)
        return response

    return endpoint


def routes() -> list[BaseRoute]:
    """Every route of the app."""
    return [
        *_api_routes(),
        Route("/api/openapi.json", ops.openapi_document, methods=["GET"]),
        *ISSO_API,
        Route("/healthz", ops.healthz, methods=["GET"]),
        Route("/readyz", ops.readyz, methods=["GET"]),
        Route("/metrics", ops.metrics, methods=["GET"]),
        Route("/t/{site}", pages.thread, methods=["GET", "POST"]),
        *admin_pages.ROUTES,
        *notify_pages.ROUTES,
        *privacy_pages.ROUTES,
        Route("/embed.js", widget.serve, methods=["GET"]),
        Route("/embed.css", widget.serve, methods=["GET"]),
        Route("/count.js", widget.serve, methods=["GET"]),
        Route("/widget/i18n/{name}", widget.language, methods=["GET"]),
        Route("/demo", demo.page, methods=["GET"]),
        Route("/", demo.home, methods=["GET"]),
        Mount("/static", StaticFiles(packages=[("yorum.web", "static")]), name="static"),
    ]
