"""What to tell whom when a comment is posted, approved or reported: outbox rows.

``Notifier`` is called by the services inside the transaction of the change, so the
messages are stored exactly when the change is: both or neither. It decides recipients
and writes small payloads (ids, or for webhooks a snapshot of the event); the worker
composes and delivers them later. It never sends anything itself.

- Moderators (the site's ``notify_emails``): a mail per new or held comment and per
  comment that readers' reports held, when the site's ``notify_mode`` is ``each``; the
  worker's digests cover ``hourly`` and ``daily``.
- Commenters who ticked "mail me replies": a confirmation mail first (double opt-in), then
  a mail per approved reply to their comments, until they unsubscribe.
- Webhooks: every event to every active endpoint of the site that wants its type.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from yorum.models import Comment, NotifyEvent, NotifyMode, Site, Status, Thread
from yorum.notify.webhook import wants
from yorum.settings import Settings
from yorum.storage import Tx
from yorum.storage import comments as comment_rows
from yorum.storage import outbox as outbox_rows
from yorum.storage import subscribers as subscriber_rows
from yorum.storage import webhooks as webhook_rows
from yorum.times import iso

ASK_AGAIN_AFTER = 86400.0  # seconds before another confirmation mail to the same address


def server_url(settings: Settings) -> str:
    """This server's public base URL, for links in mails and webhook payloads."""
    configured = settings.server.public_url.rstrip("/")
    return configured or f"http://{settings.server.host}:{settings.server.port}"


class Notifier:
    """Writes the outbox rows a change calls for, inside the change's transaction."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.mail = bool(settings.smtp.host)  # without a mail server, no mail is queued
        self.server_url = server_url(settings)

    def posted(self, tx: Tx, site: Site, thread: Thread, comment: Comment) -> None:
        """A new comment was stored (approved, held or spam)."""
        if comment.status is Status.APPROVED:
            self._event(tx, site, thread, comment, NotifyEvent.CREATED)
            self._moderators(tx, site, comment, "moderator")
            self._reply(tx, site, comment)
        elif comment.status is Status.PENDING:
            self._event(tx, site, thread, comment, NotifyEvent.HELD)
            self._moderators(tx, site, comment, "moderator")
        if comment.notify:
            self._ask(tx, site, comment)

    def approved(self, tx: Tx, site: Site, thread: Thread, comment: Comment) -> None:
        """A moderator approved a held comment (or one marked spam by mistake)."""
        self._event(tx, site, thread, comment, NotifyEvent.APPROVED)
        self._reply(tx, site, comment)

    def reported(self, tx: Tx, site: Site, thread: Thread, comment: Comment) -> None:
        """Readers' reports reached the site's threshold and held the comment."""
        self._event(tx, site, thread, comment, NotifyEvent.REPORTED)
        self._moderators(tx, site, comment, "reported")

    # -- recipients -------------------------------------------------------------------

    def _queue(self, tx: Tx, channel: str, kind: str, site: Site, to: str, **data: Any) -> None:
        outbox_rows.add(
            tx, channel=channel, kind=kind, site_id=site.id, recipient=to, payload=data,
            now=self.clock(),
        )  # fmt: skip

    def _moderators(self, tx: Tx, site: Site, comment: Comment, kind: str) -> None:
        if not self.mail or site.notify_mode is not NotifyMode.EACH:
            return
        for address in site.notify_emails:
            self._queue(tx, "email", kind, site, address, comment_id=comment.id)

    def _reply(self, tx: Tx, site: Site, reply: Comment) -> None:
        """Mail the author of the comment replied to, if they asked and confirmed."""
        if not self.mail or reply.parent_id is None or not site.reply_notifications:
            return
        parent = comment_rows.get(tx, reply.parent_id)
        if parent is None or not parent.notify or not parent.email:
            return
        address = parent.email.strip().lower()
        if address == reply.email.strip().lower():
            return  # nobody needs a mail about their own reply
        standing = subscriber_rows.get(tx, site.id, address)
        if standing is None or standing.confirmed_at is None or standing.unsubscribed_at:
            return
        self._queue(tx, "email", "reply", site, address, parent_id=parent.id, reply_id=reply.id)

    def _ask(self, tx: Tx, site: Site, comment: Comment) -> None:
        """Start (or restart) the double opt-in for an address that wants reply mails."""
        address = comment.email.strip().lower()
        if not self.mail or not address or not site.reply_notifications:
            return
        now = self.clock()
        standing = subscriber_rows.get(tx, site.id, address)
        if standing is not None and standing.unsubscribed_at is None:
            if standing.confirmed_at is not None or now - standing.asked_at < ASK_AGAIN_AFTER:
                return
        subscriber_rows.ask(tx, site.id, address, now)
        self._queue(tx, "email", "confirm", site, address, comment_id=comment.id)

    def _event(
        self, tx: Tx, site: Site, thread: Thread, comment: Comment, event: NotifyEvent
    ) -> None:
        hooks = [h.id for h in webhook_rows.list_for_site(tx, site.id, active_only=True)
                 if wants(h, event.value)]  # fmt: skip
        if not hooks:
            return
        page = site.page_url(thread.uri, self.server_url)
        data = {
            "site": site.id,
            "uri": thread.uri,
            "title": thread.title,
            "url": f"{page}#yorum-{comment.id}",
            "comment": {
                "id": comment.id, "parent": comment.parent_id, "author": comment.author,
                "website": comment.website, "text": comment.text_raw,
                "html": comment.text_html, "status": comment.status.value,
                "created": iso(comment.created_at),
            },
        }  # fmt: skip
        for hook_id in hooks:
            self._queue(tx, "webhook", "event", site, str(hook_id), type=event.value, data=data)
