"""The in-memory cache of rendered thread pages, with precompressed bodies and ETags.

An entry is keyed by everything that shapes a page (site, URI, sort, limit, cursor,
parent) and stamped with the thread's version; an entry whose stamp differs from the
thread's current version is never served, so every write to a thread invalidates its
pages in every process at once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from yorum.web.responses import compress

PageKey = tuple[str, str, str, int, str, int]


@dataclass
class CachedPage:
    """A serialized page and its compressed forms, made on first use."""

    version: tuple[int, int]
    body: bytes
    etag: str
    _encoded: dict[str, bytes] = field(default_factory=dict)

    def encoded(self, encoding: str | None) -> bytes:
        """The body in ``encoding`` (``br``, ``gzip`` or None for identity)."""
        if encoding is None:
            return self.body
        data = self._encoded.get(encoding)
        if data is None:
            data = self._encoded[encoding] = compress(self.body, encoding)
        return data


def make_etag(key: PageKey, version: tuple[int, int]) -> str:
    """A strong ETag naming the thread version and the page's parameters."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()
    return f'"{version[0]}-{version[1]}-{digest}"'


class PageCache:
    """A bounded LRU of thread pages."""

    def __init__(self, max_entries: int, enabled: bool = True) -> None:
        self.max_entries = max_entries
        self.enabled = enabled
        self._entries: OrderedDict[PageKey, CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: PageKey, version: tuple[int, int]) -> CachedPage | None:
        """The cached page, if it was made at this thread version."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, key: PageKey, version: tuple[int, int], body: bytes) -> CachedPage:
        """Store a freshly rendered page (a no-op store when caching is disabled)."""
        entry = CachedPage(version, body, make_etag(key, version))
        if not self.enabled:
            return entry
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry
