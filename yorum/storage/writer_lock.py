"""The SQLite writer's turn: one lock for the threads of a process and for processes.

SQLite lets one connection write at a time. Left to itself, a writer that finds the
database locked sleeps in SQLite's busy handler, in steps that grow to 100 ms, and under
a burst of posts from several worker processes those sleeps, not the work, set the pace.
yorum's writers instead take turns here first: threads of one process on a
``threading.Lock``, processes on an advisory ``flock`` of a file beside the database,
polled at sub-millisecond intervals. SQLite's own lock is then almost always free when a
yorum writer asks for it (other programs still meet it through the busy handler).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_MAX_POLL = 0.001  # seconds between tries for the file lock, at most


class WriterLock:
    """Whose turn it is to write to one SQLite database."""

    def __init__(self, database: Path | None, timeout: float) -> None:
        self.timeout = timeout
        self._threads = threading.Lock()
        self._path = database.with_name(database.name + "-writer.lock") if database else None
        self._fd: int | None = None  # opened on first use, beside the database

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Hold the turn; yields False (holding nothing) if it did not come in time."""
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            yield False
            return
        try:
            if self._path is None:
                yield True
            elif self._lock_file(deadline):
                try:
                    yield True
                finally:
                    assert self._fd is not None
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
            else:
                yield False
        finally:
            self._threads.release()

    def _lock_file(self, deadline: float) -> bool:
        if self._fd is None:
            assert self._path is not None
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        delay = 0.00005
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(delay)
                delay = min(delay * 2, _MAX_POLL)

    def close(self) -> None:
        """Release the lock file."""
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
