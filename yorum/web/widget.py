"""The widget's files: ``/embed.js``, ``/embed.css``, ``/count.js`` and its languages.

Built from ``widget/`` into ``static/widget/`` and committed, so installing yorum needs no
Node. They are read and compressed once per process. Pages name the scripts by stable
URLs, so those are cached for an hour and revalidated by ETag; the stylesheet is named by
the script with its content hash (``?v=``), so that URL is cached for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

from yorum.web.responses import compress, pick_encoding

SCRIPT_CACHE = "public, max-age=3600"
FOREVER = "public, max-age=31536000, immutable"
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}


@dataclass
class Asset:
    """One built file, its ETag, and its compressed forms."""

    name: str
    body: bytes
    version: str = ""
    _encoded: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.version = hashlib.sha256(self.body).hexdigest()[:12]

    @property
    def etag(self) -> str:
        """A strong ETag: the content's hash."""
        return f'"{self.version}"'

    def encoded(self, encoding: str | None) -> bytes:
        """The file in ``encoding`` (``br``, ``gzip``, or None for as it is)."""
        if encoding is None:
            return self.body
        if encoding not in self._encoded:
            self._encoded[encoding] = compress(self.body, encoding)
        return self._encoded[encoding]


def _load(name: str) -> Asset:
    return Asset(name, files("yorum.web").joinpath(f"static/widget/{name}").read_bytes())


ASSETS = {name: _load(name) for name in ("embed.js", "embed.css", "count.js")}
LANGUAGES = {
    path.name: Asset(path.name, path.read_bytes())
    for path in files("yorum.web").joinpath("static/widget/i18n").iterdir()
    if path.name.endswith(".json")
}


def serve(request: Request) -> Response:
    """One of the widget's files, compressed if the browser takes it, 304 if unchanged."""
    return _send(request, ASSETS[request.url.path.lstrip("/")], pinned=None)


def language(request: Request) -> Response:
    """A language of the widget (``/widget/i18n/tr.json``), fetched when a page needs it.

    The script asks with ``?v=`` naming the build of all languages, so any answer to a
    request that carries one may be kept for good.
    """
    asset = LANGUAGES.get(request.path_params["name"])
    if asset is None:
        return Response(status_code=404, headers={"cache-control": "no-cache"})
    return _send(request, asset, pinned=bool(request.query_params.get("v")))


def _send(request: Request, asset: Asset, pinned: bool | None) -> Response:
    if pinned is None:
        pinned = request.query_params.get("v") == asset.version
    headers = {
        "etag": asset.etag,
        "cache-control": FOREVER if pinned else SCRIPT_CACHE,
        "vary": "Accept-Encoding",
        "x-content-type-options": "nosniff",
    }
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    encoding = pick_encoding(request.headers.get("accept-encoding"))
    if encoding:
        headers["content-encoding"] = encoding
    media_type = _MEDIA_TYPES[asset.name[asset.name.rindex(".") :]]
    return Response(asset.encoded(encoding), media_type=media_type, headers=headers)
