"""Live updates: ``GET /api/events`` streams a thread's changes as Server-Sent Events.

Each process keeps one ``LiveHub``. It learns that a thread changed, whichever process
wrote: from Redis when ``redis.url`` is set (writers publish after each commit); else on
SQLite by watching the database's change probe (a few microseconds, four times a second,
and only while someone is listening); on PostgreSQL from ``LISTEN``, as writers ``NOTIFY``
in the transaction that changes the thread. It then wakes the streams of that
thread, and each sends one ``changed`` event whose id is the thread's version, so a
browser that reconnects with ``Last-Event-ID`` hears at once whether it missed anything.
The widget answers an event by fetching the thread again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from yorum import metrics
from yorum.services import Services
from yorum.web import concurrency
from yorum.web.api import query, services
from yorum.web.responses import cors_headers, dumps

log = logging.getLogger("yorum.live")

Key = tuple[str, str]  # (site, uri)
POLL_SECONDS = 0.25  # how often SQLite's change probe is read while streams are open
HEARTBEAT_SECONDS = 15.0  # a comment line, so proxies keep the connection open
STREAM_SECONDS = 300.0  # then the stream ends and the browser reconnects by itself
RETRY_MS = 2000


class LiveHub:
    """Who listens to which thread in this process, and a watcher that wakes them."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._listeners: dict[Key, set[asyncio.Event]] = {}
        self._versions: dict[Key, tuple[int, int]] = {}
        self._watcher: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def listen(self, key: Key, version: tuple[int, int]) -> Iterator[asyncio.Event]:
        """An event set whenever thread ``key`` changes, while the block runs."""
        woken = asyncio.Event()
        self._listeners.setdefault(key, set()).add(woken)
        self._versions.setdefault(key, version)
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(self._watch())
        try:
            yield woken
        finally:
            listeners = self._listeners.get(key, set())
            listeners.discard(woken)
            if not listeners:
                self._listeners.pop(key, None)
                self._versions.pop(key, None)

    def version(self, key: Key) -> tuple[int, int]:
        """The last version of thread ``key`` the hub saw."""
        return self._versions.get(key, (0, 0))

    async def _watch(self) -> None:
        try:
            if self.services.changes is not None:
                try:
                    await self._hear_redis()
                    return
                except OSError as exc:  # Redis down: the database still knows
                    log.warning("no live updates through Redis (%s); using the database", exc)
            if self.services.comments.versions_in_memory:
                await self._poll()
            else:
                await self._listen()
        except asyncio.CancelledError:
            raise
        except Exception:  # a watcher must not die silently; streams fall back to heartbeats
            log.exception("live updates stopped")

    async def _hear_redis(self) -> None:
        assert self.services.changes is not None
        comments = self.services.comments
        async for key in self.services.changes.changes():
            if key in self._versions:
                found = await concurrency.read(self.services, comments.thread_version, *key, None)
                self._update(key, found)
            if not self._listeners:
                return

    async def _poll(self) -> None:
        comments = self.services.comments
        while self._listeners:
            await asyncio.sleep(POLL_SECONDS)
            for site, uri in list(self._listeners):
                self._update((site, uri), comments.thread_version(site, uri, None))

    async def _listen(self) -> None:
        comments = self.services.comments
        while self._listeners:
            try:
                async for thread_id in comments.changed_threads():
                    for key in [k for k, v in self._versions.items() if v[0] in (thread_id, 0)]:
                        site, uri = key
                        found = await concurrency.read(
                            self.services, comments.thread_version, site, uri, None
                        )
                        self._update(key, found)
                    if not self._listeners:
                        return
            except OSError:
                log.warning("lost the database's notifications; listening again")
                await asyncio.sleep(1)

    def _update(self, key: Key, version: tuple[int, int]) -> None:
        if key in self._versions and version != self._versions[key]:
            self._versions[key] = version
            for woken in self._listeners.get(key, ()):
                woken.set()


@contextlib.contextmanager
def counted_stream() -> Iterator[None]:
    """Count a stream while it is open (the ``yorum_live_streams_open`` gauge)."""
    metrics.stream_opened()
    try:
        yield
    finally:
        metrics.stream_closed()


def shutting_down() -> bool:
    """Whether the server was told to stop (uvicorn's SIGTERM handler has run).

    uvicorn lets open responses finish before it stops, and a stream never finishes by
    itself; so streams look here every second and end, and the browser reconnects to a
    process that is still running. uvicorn gives no public hook for this: its signal
    handler is a method of its ``Server``, whose ``should_exit`` flag is read here.
    """
    server = getattr(signal.getsignal(signal.SIGTERM), "__self__", None)
    return bool(getattr(server, "should_exit", False))


def event_id(version: tuple[int, int]) -> str:
    """The SSE id of a thread version."""
    return f"{version[0]}-{version[1]}"


def changed(version: tuple[int, int]) -> str:
    """One ``changed`` event."""
    data = dumps({"thread": version[0], "version": version[1]}).decode()
    return f"id: {event_id(version)}\nevent: changed\ndata: {data}\n\n"


async def events(request: Request) -> Response:
    """A thread's changes as Server-Sent Events, for as long as the reader stays."""
    q = query(request, "events")
    svc = services(request)
    key: Key = (q["site"], q["uri"])
    origin = request.headers.get("origin")
    version = await concurrency.read(svc, svc.comments.thread_version, *key, origin)
    hub: LiveHub = request.app.state.live
    last_seen = request.headers.get("last-event-id")

    async def stream() -> AsyncIterator[str]:
        with hub.listen(key, version) as woken, counted_stream():
            yield f"retry: {RETRY_MS}\n\n"
            if last_seen is not None and last_seen != event_id(version):
                yield changed(version)
            loop = asyncio.get_running_loop()
            ends = loop.time() + STREAM_SECONDS
            heartbeat = loop.time() + HEARTBEAT_SECONDS
            while loop.time() < ends and not shutting_down():
                try:
                    await asyncio.wait_for(woken.wait(), 1.0)
                except TimeoutError:
                    if loop.time() >= heartbeat:
                        heartbeat = loop.time() + HEARTBEAT_SECONDS
                        yield ": still here\n\n"
                    continue
                woken.clear()
                yield changed(hub.version(key))

    headers = {
        "cache-control": "no-cache",
        "x-accel-buffering": "no",  # nginx: pass events on at once
        **cors_headers(request),
    }
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
