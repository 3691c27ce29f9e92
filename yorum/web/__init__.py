"""The web layer: ``create_app(services)`` builds the Starlette app around the services.

Handlers parse requests, call one service method and present the result; nothing below
this package imports Starlette.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from yorum.services import Services
from yorum.web.cache import PageCache
from yorum.web.errors import HANDLERS
from yorum.web.routes import API, routes
from yorum.web.schemas import RequestSchemas
from yorum.web.thread_read import FastThreadReads, ThreadReads


def create_app(services: Services, *, close_on_shutdown: bool = False) -> Starlette:
    """The ASGI app serving ``services``."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            services.close()

    app = Starlette(routes=routes(), exception_handlers=dict(HANDLERS), lifespan=lifespan)
    app.state.services = services
    app.state.schemas = RequestSchemas(services.settings.comments)
    app.state.operations = API
    settings = services.settings.cache
    app.state.cache = PageCache(settings.max_entries, enabled=settings.enabled)
    app.state.thread_reads = ThreadReads(services, app.state.schemas.thread, app.state.cache)
    app.add_middleware(FastThreadReads, reads=app.state.thread_reads)
    return app
