"""Building responses: JSON with compression, CORS echo, and the problem body for errors."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from typing import Any

import brotli
import orjson
from starlette.requests import Request
from starlette.responses import Response

from yorum.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

COMPRESS_MIN_BYTES = 1024
JSON = "application/json"


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return orjson.dumps(data)


def pick_encoding(accepted: str | None) -> str | None:
    """The best compression an Accept-Encoding value allows: ``br``, ``gzip`` or None."""
    if not accepted:
        return None
    if "br" in accepted:
        return "br"
    if "gzip" in accepted:
        return "gzip"
    return None


def encoding_for(request: Request) -> str | None:
    """The best compression the client accepts: ``br``, ``gzip`` or None."""
    return pick_encoding(request.headers.get("accept-encoding"))


def compress(body: bytes, encoding: str) -> bytes:
    """``body`` compressed with ``encoding`` (``br`` or ``gzip``)."""
    if encoding == "br":
        return bytes(brotli.compress(body, quality=5))
    return gzip.compress(body, compresslevel=6, mtime=0)


def cors_for(origin: str | None) -> dict[str, str]:
    """Echo the caller's Origin. Handlers have already refused origins a site does not allow."""
    if not origin:
        return {}
    return {"access-control-allow-origin": origin, "access-control-expose-headers": "ETag"}


ADMIN_API = "/api/admin/"
"""The admin API answers its own pages and scripts with tokens, never other origins."""


def cors_headers(request: Request) -> dict[str, str]:
    """The CORS headers for this request's Origin (none for the admin API)."""
    if request.url.path.startswith(ADMIN_API):
        return {}
    return cors_for(request.headers.get("origin"))


def respond(
    request: Request,
    body: bytes,
    *,
    status: int = 200,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response for ``body``, compressed when large and the client accepts it."""
    out = {"vary": "Origin, Accept-Encoding", **cors_headers(request), **(headers or {})}
    if len(body) >= COMPRESS_MIN_BYTES:
        encoding = encoding_for(request)
        if encoding:
            body = compress(body, encoding)
            out["content-encoding"] = encoding
    return Response(body, status_code=status, media_type=media_type, headers=out)


def json_response(request: Request, data: Any, status: int = 200) -> Response:
    """``data`` as a JSON response."""
    return respond(request, dumps(data), status=status)


async def read_json(request: Request, limit: int) -> Any:
    """The decoded JSON body, refusing other media types and bodies over ``limit`` bytes."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON:
        raise UnsupportedMediaType("Send the body as application/json.")
    body = await read_body(request, limit)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("The body is not valid JSON.") from None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (``PayloadTooLarge``) as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The body is larger than {limit} bytes.")
    return bytes(body)
