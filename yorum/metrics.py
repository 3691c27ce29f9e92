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

import bisect
import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec

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
    """Counts and times answered requests, and the page cache's lookups, in memory;
    ``flush`` adds them to the instruments.

    A request costs a dictionary update here instead of several writes to the shared
    metric files; the app flushes every second and before each scrape, so a scrape is
    at most a second behind the other workers.
    """

    def __init__(self, cache_lookups: Callable[[], tuple[int, int]] | None = None) -> None:
        self._instruments = instruments()
        self._cache_lookups = cache_lookups  # (hits, misses) so far, for the cache counter
        self._cache_seen = (0, 0)
        self._counts: dict[tuple[str, str, int], int] = {}
        self._times: dict[tuple[str, str], list[float]] = {}  # bucket counts, then the sum
        self._lock = threading.Lock()  # flushes run on other threads (a scrape's)
        self._flush_lock = threading.Lock()

    def record(self, method: str, route: str, status: int, seconds: float | None) -> None:
        """One answered request; ``seconds`` None leaves it out of the latency histogram."""
        if method not in METHODS:
            method = "other"  # any word is a method to HTTP: keep the labels few
        key = (method, route, status)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            if seconds is None:
                return
            slot = self._times.get((method, route))
            if slot is None:
                slot = self._times[(method, route)] = [0.0] * (len(BUCKETS) + 2)
            slot[bisect.bisect_left(BUCKETS, seconds)] += 1  # the last bucket is +Inf
            slot[-1] += seconds

    def flush(self) -> None:
        """Add what was recorded since the last flush to the instruments."""
        with self._flush_lock:
            with self._lock:
                counts, self._counts = self._counts, {}
                times, self._times = self._times, {}
            made = self._instruments
            for (method, route, status), n in counts.items():
                made.requests.labels(method, route, str(status)).inc(n)
            for (method, route), slot in times.items():
                child = made.duration.labels(method, route)
                # Histogram.observe takes one value at a time; these are its own cells.
                for bucket, seen in zip(child._buckets, slot[:-1], strict=True):
                    if seen:
                        bucket.inc(seen)
                child._sum.inc(slot[-1])
            if self._cache_lookups is not None:
                hits, misses = self._cache_lookups()
                seen_hits, seen_misses = self._cache_seen
                self._cache_seen = (hits, misses)
                if hits > seen_hits:
                    made.cache_hit.inc(hits - seen_hits)
                if misses > seen_misses:
                    made.cache_miss.inc(misses - seen_misses)


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
