"""Where service calls run: quick reads on the event loop, everything else on threads.

Service methods are blocking calls; handlers run them through ``read`` or ``blocking``.
A read from SQLite in WAL mode takes microseconds to a millisecond of CPU and never waits
for a lock, so handing it to a worker thread costs more than it saves (and under load the
threads fight over the GIL). Writes can wait for the database's write lock, and every call
to PostgreSQL waits on the network: those run in the thread pool so the event loop keeps
serving.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from yorum.services import Services

P = ParamSpec("P")
T = TypeVar("T")


async def read(services: Services, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the read ``fn`` where it is cheapest (see the module docstring)."""
    if services.reads_are_quick:
        return fn(*args, **kwargs)
    return await run_in_threadpool(fn, *args, **kwargs)


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn`` on the thread pool: a write, or anything that may wait or take long."""
    return await run_in_threadpool(fn, *args, **kwargs)
