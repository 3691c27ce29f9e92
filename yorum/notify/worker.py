"""The delivery worker: claims due outbox messages, delivers them, retries, gives up.

It runs as an asyncio task inside ``yorum serve`` (``notify.worker = true``), in every
worker process, or alone as ``yorum worker``. Several may run against one database: a
claim leases its messages (``storage.outbox.claim``), so they share the work instead of
repeating it. Each message goes to its channel (``email`` or ``webhook``); a failure is
retried after ``notify.retry_base`` seconds, doubling each time up to ``notify.retry_max``
with ±25% jitter, until ``notify.max_attempts``, then the message is dead and the admin
shows it. The worker also queues the hourly and daily digests of sites that want them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, Protocol

from yorum import metrics
from yorum.models import NotifyMode, OutboxMessage
from yorum.notify import DeliveryFailed, Dropped
from yorum.settings import NotifySettings
from yorum.storage import Store
from yorum.storage import digests as digest_rows
from yorum.storage import outbox as outbox_rows
from yorum.storage import sites as site_rows

log = logging.getLogger("yorum.notify")

LEASE = 300.0  # seconds a claimed message is left to its worker before others may retry it
BATCH = 20  # messages claimed (and delivered concurrently) at a time
DIGEST_CHECK = 60.0  # seconds between looks at whether a digest is due
PERIODS = {NotifyMode.HOURLY: 3600.0, NotifyMode.DAILY: 86400.0}
KEEP_SENT = 30 * 86400.0  # delivered messages are kept this long for the admin


class Outcome(NamedTuple):
    """What became of one delivery attempt."""

    message_id: int
    sent: bool  # delivered, or set aside (dropped) with ``note`` saying why
    note: str  # the error of a failed attempt
    retry_at: float | None = None  # a failed one: when to try again; None: it is dead


class Channel(Protocol):
    """Delivers one kind of message (``email``, ``webhook``)."""

    async def deliver(self, message: OutboxMessage) -> None:
        """Deliver it, or raise ``DeliveryFailed`` or ``Dropped``."""


class DeliveryWorker:
    """Delivers the outbox, one batch at a time."""

    def __init__(
        self,
        store: Store,
        settings: NotifySettings,
        channels: Mapping[str, Channel],
        *,
        mail: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.channels = channels
        self.mail = mail  # whether digests can be sent at all
        self.clock = clock
        self._next_digest_check = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; idle looks every ``notify.poll_interval`` s."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:  # the database away, say: keep the worker alive
                log.exception("the delivery worker failed; trying again shortly")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_interval)
                except TimeoutError:
                    pass

    async def run_once(self) -> int:
        """Queue due digests, then claim and deliver one batch; returns its size."""
        if self.clock() >= self._next_digest_check:
            await asyncio.to_thread(self.queue_digests)
            self._next_digest_check = self.clock() + DIGEST_CHECK
        batch = await asyncio.to_thread(self._claim)
        if batch:
            outcomes = await asyncio.gather(*(self._deliver(message) for message in batch))
            await asyncio.to_thread(self._settle, outcomes)
        return len(batch)

    async def aclose(self) -> None:
        """Close what the channels hold open (HTTP connections)."""
        for channel in self.channels.values():
            close = getattr(channel, "aclose", None)
            if close is not None:
                await close()

    async def drain(self) -> int:
        """Deliver everything due now (for ``yorum worker --once`` and tests)."""
        total = 0
        while done := await self.run_once():
            total += done
        return total

    def _claim(self) -> list[OutboxMessage]:
        with self.store.write() as tx:
            return outbox_rows.claim(tx, self.clock(), LEASE, BATCH)

    async def _deliver(self, message: OutboxMessage) -> Outcome:
        """Hand one message to its channel; what became of it, to record."""
        channel = self.channels.get(message.channel)
        what = f"message {message.id} ({message.channel} {message.kind}, site {message.site_id})"
        try:
            if channel is None:
                raise DeliveryFailed(f"no {message.channel} channel is set up", retry=False)
            await channel.deliver(message)
        except Dropped as reason:
            log.info("%s dropped: %s", what, reason)
            metrics.delivery(message.channel, "dropped")
            return Outcome(message.id, True, f"dropped: {reason}")
        except DeliveryFailed as failure:
            return self._failed(message, str(failure), failure.retry, what)
        except Exception as error:  # a bug in a channel must not stop the others
            log.exception("%s failed unexpectedly", what)
            return self._failed(message, repr(error), True, what)
        log.info("%s delivered (attempt %d)", what, message.attempts)
        metrics.delivery(message.channel, "delivered")
        return Outcome(message.id, True, "")

    def _failed(self, message: OutboxMessage, error: str, retry: bool, what: str) -> Outcome:
        attempts = message.attempts
        if not retry or attempts >= self.settings.max_attempts:
            log.warning("%s is dead after %d attempt(s): %s", what, attempts, error)
            metrics.delivery(message.channel, "dead")
            return Outcome(message.id, False, error, None)
        delay = self.delay(attempts)
        metrics.delivery(message.channel, "retry")
        log.warning(
            "%s failed (attempt %d of %d), retrying in %.0f s: %s",
            what, attempts, self.settings.max_attempts, delay, error,
        )  # fmt: skip
        return Outcome(message.id, False, error, self.clock() + delay)

    def _settle(self, outcomes: Sequence[Outcome]) -> None:
        """Record a batch's outcomes in one transaction (one commit, not one per message)."""
        now = self.clock()
        with self.store.write() as tx:
            for outcome in outcomes:
                if outcome.sent:
                    outbox_rows.sent(tx, outcome.message_id, now, outcome.note)
                else:
                    outbox_rows.failed(tx, outcome.message_id, outcome.note, outcome.retry_at)

    def delay(self, attempts: int) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones (with jitter)."""
        base = min(self.settings.retry_max, self.settings.retry_base * 2 ** (attempts - 1))
        return float(base * random.uniform(0.75, 1.25))

    def queue_digests(self) -> int:
        """Queue the digests that are due; returns how many mails were queued."""
        if not self.mail:
            return 0
        now = self.clock()
        queued = 0
        with self.store.write() as tx:
            outbox_rows.forget_sent(tx, now - KEEP_SENT)
            for site in site_rows.list_all(tx):
                period = PERIODS.get(site.notify_mode)
                if period is None or not site.notify_emails:
                    continue
                last = digest_rows.last(tx, site.id)
                if last is None:  # the first period starts now
                    digest_rows.start(tx, site.id, now)
                    continue
                # Several workers may look at once: the one that moves the period on
                # queues its digest.
                if now - last < period or not digest_rows.advance(tx, site.id, last, now):
                    continue
                if not digest_rows.comments_between(tx, site.id, last, now):
                    continue
                for address in site.notify_emails:
                    outbox_rows.add(
                        tx, channel="email", kind="digest", site_id=site.id, recipient=address,
                        payload={"since": last, "until": now}, now=now,
                    )  # fmt: skip
                    queued += 1
        return queued
