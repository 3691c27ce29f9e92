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

from yorum import site_changes
from yorum.notify.channels import delivery_worker
from yorum.services import Services
from yorum.web.cache import PageCache
from yorum.web.errors import HANDLERS
from yorum.web.live import LiveHub
from yorum.web.routes import ADMIN_API, API, routes
from yorum.web.schemas import RequestSchemas
from yorum.web.thread_read import FastThreadReads, ThreadReads


class YorumApp(Starlette):
    """The Starlette app with ``FastThreadReads`` as its outermost layer.

    Outside even Starlette's error middleware, so a cached thread page costs nothing but
    its own lookup; the layer hands anything it does not answer to the full stack.
    Set ``fast_thread_reads`` to False before the first request to leave it out.
    """

    fast_thread_reads = True

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if not self.fast_thread_reads:
            return stack
        return FastThreadReads(stack, self.state.thread_reads)


def create_app(
    services: Services, *, close_on_shutdown: bool = False, deliver: bool = False
) -> YorumApp:
    """The ASGI app serving ``services``; with ``deliver``, it runs the delivery worker."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
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

    app = YorumApp(routes=routes(), exception_handlers=dict(HANDLERS), lifespan=lifespan)
    app.state.services = services
    app.state.schemas = RequestSchemas(services.settings.comments)
    app.state.operations = [*API, *ADMIN_API]
    settings = services.settings.cache
    app.state.cache = PageCache(settings.max_entries, enabled=settings.enabled)
    app.state.thread_reads = ThreadReads(services, app.state.schemas.thread, app.state.cache)
    app.state.live = LiveHub(services)
    return app
