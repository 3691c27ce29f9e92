"""What a scrape of ``/metrics`` answers: every process's counts, and the database's.

``yorum serve --workers N`` runs N processes and a scrape reaches one of them, so counts
live in ``prometheus_client``'s multiprocess files: ``prepare_multiprocess`` gives each
server start a fresh directory (removing those of servers that are gone), every worker
writes there, and ``exposition`` sums them. Live gauges of processes that ended are
dropped when the next scrape notices. Numbers kept in the database (the moderation queue,
the outbox) are read at scrape time by ``DatabaseCollector``, one query each, so every
process reports the same value and adding them up is never right: use ``max``.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from yorum import metrics
from yorum.storage import Store, gauges

ENV = "PROMETHEUS_MULTIPROC_DIR"
_PREFIX = "yorum-metrics-"
_DIR = re.compile(re.escape(_PREFIX) + r"(\d+)-")
_LIVE_FILE = re.compile(r"gauge_live\w*?_(\d+)\.db")

log = logging.getLogger("yorum.metrics")


def alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: it exists
        return True
    return True


def _base() -> Path:
    """Where the directories go: memory-backed /dev/shm when there is one."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def prepare_multiprocess(environ: MutableMapping[str, str], base: Path | None = None) -> Path:
    """Give this server start a fresh metrics directory, named in ``environ[ENV]``.

    Must run before ``prometheus_client`` is imported in this process; worker processes
    inherit the variable. Directories left by servers that are no longer running are
    removed, and this one is removed when the process exits.
    """
    base = base or _base()
    for old in base.glob(_PREFIX + "*"):
        match = _DIR.match(old.name)
        if match and not alive(int(match.group(1))):
            shutil.rmtree(old, ignore_errors=True)
    path = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=base))
    environ[ENV] = str(path)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def multiprocess_dir() -> Path | None:
    """The directory worker processes share counts through, if this server has one."""
    value = os.environ.get(ENV)
    return Path(value) if value else None


def forget_dead(path: Path) -> None:
    """Drop the live gauges (open streams, pool use) of processes that have ended."""
    from prometheus_client import multiprocess

    for pid in {int(m.group(1)) for f in os.listdir(path) if (m := _LIVE_FILE.match(f))}:
        if not alive(pid):
            multiprocess.mark_process_dead(pid, str(path))  # type: ignore[no-untyped-call]


def process_exits() -> None:
    """This worker process is stopping: its live gauges go with it."""
    path = multiprocess_dir()
    if path is not None and path.is_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), str(path))  # type: ignore[no-untyped-call]


def watch_pool(store: Store) -> None:
    """Report the use of ``store``'s connection pool from now on."""
    gauges.watch_pool(store, metrics.pool_usage)


class DatabaseCollector:
    """The moderation queue and the outbox, read from the database at each scrape."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily(
            "yorum_database_up", "1 when this scrape could read the database, else 0."
        )
        try:
            with self.store.read() as tx:
                found = gauges.backlog(tx)
        except Exception as exc:  # the scrape still answers, and says the database did not
            log.warning("metrics: cannot read the database (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        queue = GaugeMetricFamily(
            "yorum_moderation_queue",
            "Comments waiting for a moderator, by site and queue (pending: held; reported: "
            "with open reader reports).",
            labels=["site", "queue"],
        )
        for site in sorted({*found.sites, *found.pending, *found.reported}):
            queue.add_metric([site, "pending"], found.pending.get(site, 0))
            queue.add_metric([site, "reported"], found.reported.get(site, 0))
        yield queue
        outbox = GaugeMetricFamily(
            "yorum_outbox_messages",
            "Notifications in the outbox by channel and state (undelivered: still to be "
            "delivered or retried; dead: given up after notify.max_attempts).",
            labels=["channel", "state"],
        )
        for channel in ("email", "webhook"):
            outbox.add_metric([channel, "undelivered"], found.undelivered.get(channel, 0))
            outbox.add_metric([channel, "dead"], found.dead.get(channel, 0))
        yield outbox
        oldest = found.oldest_undelivered
        age = GaugeMetricFamily(
            "yorum_outbox_oldest_undelivered_seconds",
            "Age of the oldest undelivered notification; 0 when there is none.",
        )
        age.add_metric([], max(0.0, self.clock() - oldest) if oldest is not None else 0.0)
        yield age


class _Collectors:
    """Several collectors as one, for ``generate_latest``."""

    def __init__(self, collectors: Iterable[Any]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Any]:
        for collector in self.collectors:
            yield from collector.collect()


def exposition(store: Store, clock: Callable[[], float] = time.time) -> tuple[bytes, str]:
    """The body and content type of a scrape: this server's counts and the database's."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

    path = multiprocess_dir()
    if path is not None:
        from prometheus_client import CollectorRegistry, multiprocess

        forget_dead(path)
        counts: Any = CollectorRegistry()
        multiprocess.MultiProcessCollector(counts, path=str(path))  # type: ignore[no-untyped-call]
    else:
        counts = REGISTRY
    body = generate_latest(_Collectors([counts, DatabaseCollector(store, clock)]))
    return body, CONTENT_TYPE_LATEST
