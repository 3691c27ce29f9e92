"""Thread reads, the API's hottest request, answered from the page cache when possible.

``ThreadReads.answer()`` turns a raw query string and the three request headers that
matter (Origin, Accept-Encoding, If-None-Match) into a ``Reply``. The ``/api/thread`` route
calls it; so does ``FastThreadReads``, an ASGI layer in front of the router, for plain GETs,
so that a cached page costs a dict lookup, a change probe and a socket write instead of a
trip through routing and request objects. Whatever goes wrong (a bad parameter, an unknown
site, an origin not allowed) the fast layer steps aside and the full app answers with its
usual problem body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yorum.models import Sort
from yorum.services import Services
from yorum.web import concurrency
from yorum.web.cache import PageCache, PageKey
from yorum.web.observe import ROUTE_KEY
from yorum.web.present import present_page
from yorum.web.responses import COMPRESS_MIN_BYTES, JSON, cors_for, dumps, pick_encoding
from yorum.web.validation import Schema

PATH = "/api/thread"
_PARSED_MAX = 4096


@dataclass(frozen=True)
class Reply:
    """A finished response: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class ThreadReads:
    """Pages of threads, cached per thread version, with ETags and precompressed bodies."""

    def __init__(self, services: Services, schema: Schema, cache: PageCache) -> None:
        self.services = services
        self.schema = schema
        self.cache = cache
        # Checked parameters of recently seen query strings: checking is pure, so the same
        # bytes always give the same answer.
        self._parsed: dict[bytes, dict[str, Any]] = {}

    def parse(self, query_string: bytes) -> dict[str, Any]:
        """The checked parameters of a raw query string; ``Invalid`` when one is bad."""
        parsed = self._parsed.get(query_string)
        if parsed is None:
            params = QueryParams(query_string)
            multi = {key: params.getlist(key) for key in params}
            parsed = self.schema.parse_query(params, multi)
            if len(self._parsed) >= _PARSED_MAX:
                self._parsed.clear()
            self._parsed[query_string] = parsed
        return parsed

    async def answer(
        self,
        query_string: bytes,
        origin: str | None,
        accept_encoding: str | None,
        if_none_match: str | None,
    ) -> Reply:
        """The reply to ``GET /api/thread?<query_string>``; raises ``YorumError``."""
        q = self.parse(query_string)
        svc = self.services
        site, uri = q["site"], q["uri"]

        # Where the database offers a change probe this answers from memory.
        if svc.comments.versions_in_memory:
            version = svc.comments.thread_version(site, uri, origin)
        else:
            version = await concurrency.read(svc, svc.comments.thread_version, site, uri, origin)
        key: PageKey = (site, uri, q["sort"], q["limit"] or 0, q["cursor"] or "", q["parent"] or 0)
        entry = self.cache.get(key, version)
        if entry is None:
            page = await concurrency.read(
                svc,
                svc.comments.page,
                site,
                uri,
                origin=origin,
                sort=Sort(q["sort"]),
                limit=q["limit"],
                cursor=q["cursor"],
                parent_id=q["parent"],
            )
            entry = self.cache.put(key, version, dumps(present_page(page)))
        headers = {
            "etag": entry.etag,
            "cache-control": "no-cache",
            "vary": "Origin, Accept-Encoding",
            **cors_for(origin),
        }
        if if_none_match and entry.etag in if_none_match:
            return Reply(304, headers, b"")
        headers["content-type"] = JSON
        encoding = pick_encoding(accept_encoding) if len(entry.body) >= COMPRESS_MIN_BYTES else None
        if encoding:
            headers["content-encoding"] = encoding
        return Reply(200, headers, entry.encoded(encoding))


class FastThreadReads:
    """ASGI layer answering ``GET /api/thread`` directly; everything else passes through."""

    def __init__(self, app: ASGIApp, reads: ThreadReads) -> None:
        self.app = app
        self.reads = reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        wanted: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in (b"origin", b"accept-encoding", b"if-none-match"):
                wanted[name] = value.decode("latin-1")
        try:
            reply = await self.reads.answer(
                scope["query_string"],
                wanted.get(b"origin"),
                wanted.get(b"accept-encoding"),
                wanted.get(b"if-none-match"),
            )
        except Exception:  # a refusal, or a fault: the full app words it
            await self.app(scope, receive, send)
            return
        scope[ROUTE_KEY] = PATH  # for the metrics: this layer answered, not a route
        await send(start_message(reply))
        await send({"type": "http.response.body", "body": reply.body})


def start_message(reply: Reply) -> Message:
    """The ``http.response.start`` message for ``reply``."""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()]
    if reply.status != 304:
        headers.append((b"content-length", str(len(reply.body)).encode()))
    return {"type": "http.response.start", "status": reply.status, "headers": headers}
