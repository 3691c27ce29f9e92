"""Group commit: many writers' work in one SQLite transaction, one fsync for all of them.

SQLite takes one writer at a time and, with ``synchronous=FULL``, every commit waits for
the disk. When many comments arrive at once, each waiting its turn for a lock and then for
its own fsync, the disk sets the pace. Here, writers that arrive while a transaction is
under way queue up; the next transaction runs all of them (each inside a savepoint, so one
that fails is rolled back alone) and commits once. Every caller returns only after the
commit holding its work is on disk, so an acknowledged write is as durable as before.

There is no background thread: the first writer to find nobody leading becomes the leader,
runs one batch, then hands leadership to the oldest writer still waiting.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

T = TypeVar("T")

MAX_BATCH = 64
"""The most writers one transaction serves."""


class _Job(Generic[T]):
    """One writer's work, its outcome, and the signal that wakes its thread."""

    __slots__ = ("work", "result", "error", "done", "lead", "wake")

    def __init__(self, work: Callable[[Connection], T]) -> None:
        self.work = work
        self.result: T | None = None
        self.error: BaseException | None = None
        self.done = False
        self.lead = False
        self.wake = threading.Event()


class GroupCommit:
    """Runs writers' work in shared transactions opened by ``transaction()``.

    ``transaction`` is a context manager factory yielding a connection inside a write
    transaction that commits on a clean exit (``Store.write`` on SQLite).
    """

    def __init__(self, transaction: Callable[[], AbstractContextManager[Connection]]) -> None:
        self._transaction = transaction
        self._mutex = threading.Lock()
        self._queue: deque[_Job[Any]] = deque()
        self._leading = False
        self.transactions = 0  # counters, read by tests and benchmarks
        self.jobs = 0

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(tx)`` in a write transaction; return its result once committed.

        Raises what ``work`` raised (its changes rolled back), or the error that kept the
        transaction from committing.
        """
        job: _Job[T] = _Job(work)
        with self._mutex:
            self._queue.append(job)
            if not self._leading:
                self._leading = job.lead = True
        while True:
            if job.lead:
                self._lead()
            if job.done:
                break
            job.wake.wait()
            job.wake.clear()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _lead(self) -> None:
        """Run one batch from the head of the queue, then pass the lead on."""
        with self._mutex:
            batch = [self._queue.popleft() for _ in range(min(MAX_BATCH, len(self._queue)))]
        try:
            self._run_batch(batch)
        finally:
            with self._mutex:
                for job in batch:
                    job.done = True
                    job.lead = False
                if self._queue:
                    successor = self._queue[0]
                    successor.lead = True
                    successor.wake.set()
                else:
                    self._leading = False
            for job in batch:
                job.wake.set()

    def _run_batch(self, batch: list[_Job[Any]]) -> None:
        """All of ``batch`` in one transaction, each job in a savepoint of its own."""
        try:
            with self._transaction() as tx:
                for job in batch:
                    savepoint = tx.begin_nested()
                    try:
                        job.result = job.work(tx)
                    except BaseException as exc:  # delivered to the job's own caller
                        savepoint.rollback()
                        job.error = exc
                    else:
                        savepoint.commit()
        except BaseException as exc:  # the transaction never committed: nobody's work stands
            for job in batch:
                if job.error is None:
                    job.error = exc
        self.transactions += 1
        self.jobs += len(batch)
