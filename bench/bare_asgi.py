"""The floor of yorum's stack: a bare ASGI app on uvicorn (uvloop, httptools) that
answers every request with the bytes of the file named by ``BENCH_BODY``.

``bench/run.py`` serves it beside yorum as the ``asgi`` scenario, so a warm thread read
can be compared with the same server doing nothing but send the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BODY = Path(os.environ["BENCH_BODY"]).read_bytes()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer HTTP requests with ``BODY``; ignore lifespan events."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
