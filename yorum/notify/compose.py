"""Turn a queued e-mail (an outbox row of ids) into the mail to send, as things are now.

Mails are composed at delivery, not when queued: the comment write stays small, links
are signed with a fresh expiry, and a mail that no longer makes sense (the comment was
deleted, the reader unsubscribed) is dropped instead of sent. ``Composer.compose`` reads
the database and calls ``yorum.notify.messages`` for the wording.
"""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage

from yorum.models import Comment, OutboxMessage, Site, Status, Thread
from yorum.notify import Dropped, messages
from yorum.notify import links as link_kinds
from yorum.notify.links import Links
from yorum.settings import Settings
from yorum.storage import Store, Tx
from yorum.storage import comments as comment_rows
from yorum.storage import digests as digest_rows
from yorum.storage import reports as report_rows
from yorum.storage import sites as site_rows
from yorum.storage import subscribers as subscriber_rows
from yorum.storage import threads as thread_rows


class Composer:
    """Builds each kind of mail from its outbox row."""

    def __init__(self, store: Store, links: Links, settings: Settings) -> None:
        self.store = store
        self.links = links
        self.sender = settings.smtp.sender
        self.admin_url = f"{links.base_url}/admin"

    def compose(self, message: OutboxMessage) -> EmailMessage:
        """The mail for ``message``; ``Dropped`` when there is nothing to send any more."""
        with self.store.read() as tx:
            site = site_rows.get(tx, message.site_id)
            if site is None:
                raise Dropped("the site is gone")
            build = {
                "moderator": self._moderator, "reported": self._moderator,
                "confirm": self._confirm, "reply": self._reply, "digest": self._digest,
                "data": self._data,
            }.get(message.kind)  # fmt: skip
            if build is None:
                raise Dropped(f"unknown kind of mail {message.kind!r}")
            return build(tx, site, message)

    def _comment(self, tx: Tx, comment_id: int) -> tuple[Comment, Thread]:
        comment = comment_rows.get(tx, comment_id)
        if comment is None or comment.status is Status.DELETED:
            raise Dropped(f"comment {comment_id} is gone")
        thread = thread_rows.get(tx, comment.thread_id)
        assert thread is not None
        return comment, thread

    def _page(self, site: Site, thread: Thread, comment_id: int | None = None) -> str:
        page = site.page_url(thread.uri, self.links.base_url)
        return f"{page}#yorum-{comment_id}" if comment_id is not None else page

    def _moderator(self, tx: Tx, site: Site, message: OutboxMessage) -> EmailMessage:
        comment, thread = self._comment(tx, message.payload["comment_id"])
        if message.kind == "reported":
            found = report_rows.of_comments(tx, [comment.id]).get(comment.id, [])
            by_reason = Counter(reason.replace("_", " ") for reason, _ in found)
            said = ", ".join(f"{reason} {n}" for reason, n in by_reason.most_common())
            why = f"reported by {len(found)} readers ({said})" if found else "reported by readers"
        else:
            why = comment.hold_reason
        actions = ("approve", "reject", "spam") if comment.status is not Status.APPROVED else (
            "reject", "spam")  # fmt: skip
        urls = {
            action: self.links.url(link_kinds.MODERATE, c=comment.id, a=action, m=message.recipient)
            for action in actions
        }
        return messages.moderator_mail(
            site=site, comment=comment, uri=thread.uri, title=thread.title,
            page_url=self._page(site, thread, comment.id), held_because=why, links=urls,
            admin_url=self.admin_url, to=[message.recipient], sender=self.sender,
        )  # fmt: skip

    def _confirm(self, tx: Tx, site: Site, message: OutboxMessage) -> EmailMessage:
        standing = subscriber_rows.get(tx, site.id, message.recipient)
        if standing is None or standing.confirmed_at is not None:
            raise Dropped("the address is confirmed already, or asked no more")
        page = self.links.base_url
        comment_id = message.payload.get("comment_id")
        if comment_id is not None:
            found = comment_rows.get(tx, comment_id)
            thread = None if found is None else thread_rows.get(tx, found.thread_id)
            if thread is not None:
                page = self._page(site, thread)
        url = self.links.url(link_kinds.CONFIRM, s=site.id, e=message.recipient)
        return messages.confirm_mail(
            site=site, to=message.recipient, confirm_url=url, page_url=page, sender=self.sender
        )

    def _data(self, tx: Tx, site: Site, message: OutboxMessage) -> EmailMessage:
        url = self.links.url(link_kinds.READER, s=site.id, e=message.recipient)
        return messages.data_mail(site=site, to=message.recipient, data_url=url,
                                  sender=self.sender)  # fmt: skip

    def _reply(self, tx: Tx, site: Site, message: OutboxMessage) -> EmailMessage:
        standing = subscriber_rows.get(tx, site.id, message.recipient)
        if standing is None or standing.confirmed_at is None or standing.unsubscribed_at:
            raise Dropped("the reader unsubscribed")
        parent, _ = self._comment(tx, message.payload["parent_id"])
        reply, thread = self._comment(tx, message.payload["reply_id"])
        if reply.status is not Status.APPROVED:
            raise Dropped(f"reply {reply.id} is not shown any more")
        # Unsubscribe links stay good for a year: people unsubscribe from old mails.
        unsubscribe = self.links.url(
            link_kinds.UNSUBSCRIBE, ttl=365 * 86400.0, s=site.id, e=message.recipient
        )
        return messages.reply_mail(
            site=site, to=message.recipient, parent=parent, reply=reply,
            page_url=self._page(site, thread, reply.id), unsubscribe_url=unsubscribe,
            sender=self.sender,
        )  # fmt: skip

    def _digest(self, tx: Tx, site: Site, message: OutboxMessage) -> EmailMessage:
        since, until = message.payload["since"], message.payload["until"]
        found = digest_rows.comments_between(tx, site.id, since, until)
        if not found:
            raise Dropped("nothing left to report for the period")
        items = [
            messages.DigestItem(comment, thread.uri, thread.title,
                                self._page(site, thread, comment.id))
            for comment, thread in found
        ]  # fmt: skip
        return messages.digest_mail(
            site=site, items=items, since=since, until=until, admin_url=self.admin_url,
            to=[message.recipient], sender=self.sender,
        )  # fmt: skip
