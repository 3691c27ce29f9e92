"""yorum's Prometheus instruments, and the small calls that count with them.

The web layer, the comment service, the page cache, the live hub, the delivery worker and
the storage pool each report here; nothing here knows of HTTP frameworks. The instruments
are made on first use, and ``prometheus_client`` is imported only then: ``yorum serve``
must first point ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory (``yorum.scrape``), so
that every worker process writes its counts where a scrape of any of them finds them.

What is kept in the database (queue lengths, the outbox) is not counted here but read
when scraped (``yorum.scrape.DatabaseCollector``), so every process reports the same.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

from yorum import errors
from yorum.models import Posted, Status

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

P = ParamSpec("P")

# Latency buckets for a comment server: a cached thread page answers in about a
# millisecond, a post with its fsync in a few, a slow PostgreSQL in hundreds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # the route label of paths no route matches
OUTCOMES = {Status.APPROVED: "published", Status.PENDING: "held", Status.SPAM: "spam"}
_STORAGE_ERRORS = (errors.StorageBusy, errors.StorageUnavailable, errors.StorageFull)


class Instruments:
    """Every counter, gauge and histogram a yorum process writes to."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

        disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created: noise

        self.requests: Counter = Counter(
            "yorum_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
        )
        self.duration: Histogram = Histogram(
            "yorum_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer (live streams left out).",
            ["method", "route"],
            buckets=BUCKETS,
        )
        self.streams: Counter = Counter("yorum_live_streams", "Live-update streams opened.")
        self.streams_open: Gauge = Gauge(
            "yorum_live_streams_open", "Live-update streams open now.", multiprocess_mode="livesum"
        )
        self.comments: Counter = Counter(
            "yorum_comments",
            "Comments readers posted, by outcome: published, held (for a moderator), spam, "
            "rejected (refused with an error), failed (the database failed).",
            ["outcome"],
        )
        self.rejected: Counter = Counter(
            "yorum_comments_rejected",
            "Comments refused, by error code (rate_limited, banned, pow_invalid, ...).",
            ["code"],
        )
        self.cache: Counter = Counter(
            "yorum_page_cache_lookups",
            "Lookups in the cache of rendered thread pages, by result (hit or miss).",
            ["result"],
        )
        self.deliveries: Counter = Counter(
            "yorum_deliveries",
            "Delivery attempts from the outbox, by channel and outcome (delivered, dropped, "
            "retry: failed and will be tried again, dead: failed for good).",
            ["channel", "outcome"],
        )
        self.pool_size: Gauge = Gauge(
            "yorum_db_pool_size", "Connections the pool keeps.", multiprocess_mode="liveall"
        )
        self.pool_checked_out: Gauge = Gauge(
            "yorum_db_pool_checked_out",
            "Connections in use by a request or task.",
            multiprocess_mode="liveall",
        )
        self.pool_overflow: Gauge = Gauge(
            "yorum_db_pool_overflow",
            "Connections open beyond the pool's size.",
            multiprocess_mode="liveall",
        )
        self.cache_hit = self.cache.labels("hit")
        self.cache_miss = self.cache.labels("miss")


_made: Instruments | None = None
_lock = threading.Lock()


def instruments() -> Instruments:
    """The process's instruments, made on first use."""
    global _made
    if _made is None:
        with _lock:
            if _made is None:
                _made = Instruments()
    return _made


class HttpRecorder:
    """Counts and times answered requests; label sets are looked up once each."""

    def __init__(self) -> None:
        self._instruments = instruments()
        self._counts: dict[tuple[str, str, int], Any] = {}
        self._durations: dict[tuple[str, str], Any] = {}

    def record(self, method: str, route: str, status: int, seconds: float | None) -> None:
        """One answered request; ``seconds`` None leaves it out of the latency histogram."""
        if method not in METHODS:
            method = "other"  # any word is a method to HTTP: keep the labels few
        key = (method, route, status)
        counter = self._counts.get(key)
        if counter is None:
            counter = self._instruments.requests.labels(method, route, str(status))
            self._counts[key] = counter
        counter.inc()
        if seconds is None:
            return
        timer = self._durations.get((method, route))
        if timer is None:
            timer = self._instruments.duration.labels(method, route)
            self._durations[(method, route)] = timer
        timer.observe(seconds)


def counts_comments(post: Callable[P, Posted]) -> Callable[P, Posted]:
    """Wrap ``CommentService.post`` so each comment is counted by its outcome."""

    @functools.wraps(post)
    def counted(*args: P.args, **kwargs: P.kwargs) -> Posted:
        comments = instruments().comments
        try:
            posted = post(*args, **kwargs)
        except _STORAGE_ERRORS:
            comments.labels("failed").inc()
            raise
        except errors.YorumError as exc:
            comments.labels("rejected").inc()
            instruments().rejected.labels(exc.code).inc()
            raise
        except Exception:
            comments.labels("failed").inc()
            raise
        status = posted.comment.status
        comments.labels(OUTCOMES.get(status, status.value)).inc()
        return posted

    return counted


def cache_lookup(hit: bool) -> None:
    """One lookup in the page cache."""
    made = instruments()
    (made.cache_hit if hit else made.cache_miss).inc()


def stream_opened() -> None:
    """A live-update stream started."""
    made = instruments()
    made.streams.inc()
    made.streams_open.inc()


def stream_closed() -> None:
    """A live-update stream ended."""
    instruments().streams_open.dec()


def delivery(channel: str, outcome: str) -> None:
    """One delivery attempt ended: delivered, dropped, retry or dead."""
    instruments().deliveries.labels(channel, outcome).inc()


def pool_usage(size: int, checked_out: int, overflow: int) -> None:
    """The database pool of this process, after a connection was taken or given back."""
    made = instruments()
    made.pool_size.set(size)
    made.pool_checked_out.set(checked_out)
    made.pool_overflow.set(overflow)
