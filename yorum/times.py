"""Times as yorum writes them everywhere (API, webhooks, exports): ISO 8601, UTC, with
milliseconds, like ``2026-11-26T18:52:07.123Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


def iso(timestamp: float | None) -> str | None:
    """An epoch time as ISO 8601 in UTC with milliseconds."""
    if timestamp is None:
        return None
    return _iso(timestamp)


@lru_cache(maxsize=1 << 16)
def _iso(timestamp: float) -> str:
    # Remembered: formatting was a sixth of an uncached thread read, and a comment's
    # times are formatted on every read of its thread.
    return (
        datetime.fromtimestamp(timestamp, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
