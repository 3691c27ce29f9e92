"""What the links in mails do: moderate a comment, confirm an address, unsubscribe.

Each link opens a page that says what will happen, with one button; the change happens
when that button posts (or, for unsubscribing, when a mail client posts the RFC 8058
one-click request). ``LinkActions`` reads the signed token and calls the service that
owns the rule: a moderator's action goes through ``ModerationService.act`` and the audit
log like any other, with the mail's recipient as the actor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from yorum.errors import CommentNotFound, Invalid
from yorum.models import Comment, Site, Status, Thread
from yorum.moderation.queue import Action, ModerationService
from yorum.notify import links as link_kinds
from yorum.notify.links import Links
from yorum.storage import Store
from yorum.storage import comments as comment_rows
from yorum.storage import sites as site_rows
from yorum.storage import subscribers as subscriber_rows
from yorum.storage import threads as thread_rows

MAIL_ACTIONS = (Action.APPROVE, Action.REJECT, Action.SPAM)


@dataclass(frozen=True)
class ModerationLink:
    """A moderation link, read: the comment it acts on and the action."""

    site: Site
    thread: Thread
    comment: Comment
    action: Action
    moderator: str  # the address the mail went to


@dataclass(frozen=True)
class SubscriptionLink:
    """A confirm or unsubscribe link, read: the site and the address."""

    site: Site
    email: str


class LinkActions:
    """Reads the links of mails and does what they say, once confirmed."""

    def __init__(
        self,
        store: Store,
        links: Links,
        moderation: ModerationService,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.links = links
        self.moderation = moderation
        self.clock = clock

    def moderation_link(self, token: str) -> ModerationLink:
        """What a moderation link would do (for the page it opens); changes nothing."""
        fields = self.links.read(token, link_kinds.MODERATE)
        try:
            action = Action(fields["a"])
        except ValueError:
            raise Invalid("This link is for something else.", field="t") from None
        if action not in MAIL_ACTIONS:
            raise Invalid("This link is for something else.", field="t")
        with self.store.read() as tx:
            comment = comment_rows.get(tx, int(fields["c"]))
            if comment is None or comment.status is Status.DELETED:
                raise CommentNotFound("This comment is no longer here.")
            thread = thread_rows.get(tx, comment.thread_id)
            site = None if thread is None else site_rows.get(tx, thread.site_id)
        assert thread is not None and site is not None
        return ModerationLink(site, thread, comment, action, str(fields["m"]))

    def moderate(self, token: str) -> ModerationLink:
        """Do what a moderation link says; audited with the mail's recipient as actor."""
        link = self.moderation_link(token)
        actor = f"mail:{link.moderator}"[:200]
        self.moderation.act(
            link.action, [link.comment.id], actor=actor, reason="from a notification mail"
        )
        return link

    def subscription_link(self, token: str, purpose: str) -> SubscriptionLink:
        """The site and address of a confirm or unsubscribe link; changes nothing."""
        fields = self.links.read(token, purpose)
        with self.store.read() as tx:
            site = site_rows.get(tx, str(fields["s"]))
        if site is None:
            raise Invalid("This link is for a site that is gone.", field="t")
        return SubscriptionLink(site, str(fields["e"]))

    def confirm(self, token: str) -> SubscriptionLink:
        """Confirm an address for reply mails (double opt-in, second step)."""
        link = self.subscription_link(token, link_kinds.CONFIRM)
        with self.store.write() as tx:
            if not subscriber_rows.confirm(tx, link.site.id, link.email, self.clock()):
                raise Invalid("This address asked for no mails here.", field="t")
        return link

    def unsubscribe(self, token: str) -> SubscriptionLink:
        """Stop reply mails to an address (idempotent: twice is fine)."""
        link = self.subscription_link(token, link_kinds.UNSUBSCRIBE)
        with self.store.write() as tx:
            subscriber_rows.unsubscribe(tx, link.site.id, link.email, self.clock())
        return link
