"""The web layer: ``create_app(services)`` builds the Starlette app around the services.

Handlers parse requests, call one service method and present the result; nothing below
this package imports Starlette.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp

from yorum import scrape, site_changes
from yorum.metrics import HttpRecorder
from yorum.notify.channels import delivery_worker
from yorum.readiness import ReadinessProbe
from yorum.services import Services
from yorum.web.cache import PageCache
from yorum.web.errors import HANDLERS
from yorum.web.live import LiveHub
from yorum.web.observe import Observe
from yorum.web.routes import ADMIN_API, API, routes
from yorum.web.schemas import RequestSchemas
from yorum.web.thread_read import FastThreadReads, ThreadReads


class YorumApp(Starlette):
    """The Starlette app with ``Observe`` (request ids, metrics) and ``FastThreadReads``
    as its outermost layers.

    Outside even Starlette's error middleware, so a cached thread page costs nothing but
    its own lookup; the layer hands anything it does not answer to the full stack.
    Set ``fast_thread_reads`` to False before the first request to leave it out.
    """

    fast_thread_reads = True

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if self.fast_thread_reads:
            stack = FastThreadReads(stack, self.state.thread_reads)
        log_requests = self.state.services.settings.log.requests
        return Observe(stack, self.state.recorder, log_requests)


async def flush_every_second(recorder: HttpRecorder) -> None:
    """Hand the request counts to the shared metric files, so other workers' scrapes
    see them (until cancelled at shutdown)."""
    while True:
        await asyncio.sleep(1.0)
        recorder.flush()


def create_app(
    services: Services, *, close_on_shutdown: bool = False, deliver: bool = False
) -> YorumApp:
    """The ASGI app serving ``services``; with ``deliver``, it runs the delivery worker."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        recorder = app.state.recorder
        flushing = asyncio.create_task(flush_every_second(recorder)) if recorder else None
        worker = None
        if deliver:
            worker = delivery_worker(services.store, services.settings, services.links)
            task = asyncio.create_task(worker.run(stop), name="yorum delivery worker")
        hearing = asyncio.create_task(
            site_changes.follow(services.sites, services.store, services.changes, stop),
            name="yorum site changes",
        )
        yield
        stop.set()
        hearing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hearing
        if worker is not None:  # the batch in hand is finished, then the task ends
            await task
            await worker.aclose()
        if close_on_shutdown:
            services.close()
        if flushing is not None:
            flushing.cancel()
            app.state.recorder.flush()
        app.state.readiness.close()
        scrape.process_exits()

    app = YorumApp(routes=routes(), exception_handlers=dict(HANDLERS), lifespan=lifespan)
    app.state.services = services
    app.state.schemas = RequestSchemas(services.settings.comments)
    app.state.operations = [*API, *ADMIN_API]
    settings = services.settings.cache
    app.state.cache = cache = PageCache(settings.max_entries, enabled=settings.enabled)
    app.state.recorder = None
    if services.settings.metrics.enabled:
        app.state.recorder = HttpRecorder(lambda: (cache.hits, cache.misses))
        scrape.watch_pool(services.store)
    app.state.readiness = ReadinessProbe(services.store, services.settings.redis.url)
    app.state.thread_reads = ThreadReads(services, app.state.schemas.thread, app.state.cache)
    app.state.live = LiveHub(services)
    return app
