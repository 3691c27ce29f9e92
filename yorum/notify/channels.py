"""The two channels of the delivery worker, and the worker as ``yorum serve`` runs it.

``EmailChannel`` composes a queued mail as things are now (``compose.Composer``) and
sends it over SMTP (``mail.Mailer``), both on a worker thread. ``WebhookChannel`` looks
the endpoint up and POSTs the event snapshot stored with the message, signed, with the
message's id as ``webhook-id`` so a receiver can tell a retry from a new event.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable

import httpx2 as httpx

from yorum.models import OutboxMessage, Webhook
from yorum.notify import Dropped
from yorum.notify.compose import Composer
from yorum.notify.links import Links
from yorum.notify.mail import Mailer
from yorum.notify.webhook import WebhookSender
from yorum.notify.worker import Channel, DeliveryWorker
from yorum.settings import Settings
from yorum.storage import Store
from yorum.storage import webhooks as webhook_rows


class EmailChannel:
    """Composes and sends queued mails."""

    def __init__(self, composer: Composer, mailer: Mailer) -> None:
        self.composer = composer
        self.mailer = mailer

    async def deliver(self, message: OutboxMessage) -> None:
        mail = await asyncio.to_thread(self.composer.compose, message)
        await asyncio.to_thread(self.mailer.send, mail)


class WebhookChannel:
    """Posts queued events to their endpoints."""

    def __init__(self, store: Store, sender: WebhookSender) -> None:
        self.store = store
        self.sender = sender

    async def deliver(self, message: OutboxMessage) -> None:
        hook = await asyncio.to_thread(self._hook, int(message.recipient))
        if hook is None or not hook.active:
            raise Dropped("the webhook was removed or switched off")
        await self.sender.deliver(
            hook, msg_id=f"msg_{message.id}", event_type=message.payload["type"],
            payload=message.payload["data"], occurred=message.created_at,
        )  # fmt: skip

    def _hook(self, hook_id: int) -> Webhook | None:
        with self.store.read() as tx:
            return webhook_rows.get(tx, hook_id)

    async def aclose(self) -> None:
        await self.sender.aclose()


def delivery_worker(
    store: Store,
    settings: Settings,
    links: Links,
    *,
    clock: Callable[[], float] = time.time,
    tls_context: ssl.SSLContext | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DeliveryWorker:
    """The worker with both channels, as ``yorum serve`` and ``yorum worker`` run it."""
    mailer = Mailer(settings.smtp, tls_context=tls_context)
    sender = WebhookSender(settings.notify, transport=transport, clock=clock)
    channels: dict[str, Channel] = {
        "email": EmailChannel(Composer(store, links, settings), mailer),
        "webhook": WebhookChannel(store, sender),
    }
    return DeliveryWorker(store, settings.notify, channels, mail=mailer.enabled, clock=clock)
