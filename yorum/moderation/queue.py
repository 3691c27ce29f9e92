"""ModerationService: the queue of held comments, the actions on comments, trusted
commenters, reader reports as moderators see them, and locking threads.

Every action bumps the thread's version (so caches and live readers see it at once) and
writes a row to the audit log saying who did what, when and why, in the same transaction.
Actions on several comments are all or none.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from enum import StrEnum

from yorum import render
from yorum.errors import CommentNotFound, Invalid, NotFound, WrongStatus
from yorum.models import (
    AuditEntry,
    Comment,
    Commenter,
    Reason,
    ReportedComment,
    SiteComment,
    Status,
    Thread,
)
from yorum.moderation.bayes import AdaptiveFilter
from yorum.moderation.policy import commenter_key
from yorum.notify.events import Notifier
from yorum.storage import Store, Tx
from yorum.storage import audit as audit_rows
from yorum.storage import commenters as commenter_rows
from yorum.storage import comments as comment_rows
from yorum.storage import reports as report_rows
from yorum.storage import sites as site_rows
from yorum.storage import spam as spam_rows
from yorum.storage import threads as thread_rows


class Action(StrEnum):
    """What a moderator can do to a comment."""

    APPROVE = "approve"  # show it; its author becomes known; its reports are dismissed
    REJECT = "reject"  # remove it (a placeholder stays if it has replies)
    SPAM = "spam"  # hide it as spam (kept, for the spam filter to learn from)
    NOT_SPAM = "not_spam"  # a comment marked spam was not: show it
    DELETE = "delete"  # remove it for good (a placeholder stays if it has replies)
    PIN = "pin"  # list it first among the thread's top-level comments
    UNPIN = "unpin"
    LOCK = "lock"  # no replies to it
    UNLOCK = "unlock"
    TRUST = "trust"  # trust its author: their comments skip the hold policies
    UNTRUST = "untrust"


_REMOVALS = (Action.REJECT, Action.DELETE)


class ModerationService:
    """The moderation queue and the actions on it."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        announce: Callable[[str, str], None] | None = None,
        adaptive: AdaptiveFilter | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier  # tells subscribers and webhooks of approved comments
        # Learns from every decision: approve -> ham, spam -> spam, reject -> forgotten.
        self.adaptive = adaptive
        self.clock = clock
        self.announce = announce or (lambda site_id, uri: None)

    def pending(self, site_id: str, limit: int = 100) -> list[SiteComment]:
        """Comments held for moderation, oldest first."""
        with self.store.read() as tx:
            return comment_rows.with_status(tx, site_id, Status.PENDING, limit)

    def act(
        self, action: Action, comment_ids: Sequence[int], *, actor: str, reason: str = ""
    ) -> int:
        """Apply ``action`` to each comment (all or none); returns how many changed."""
        now = self.clock()
        changed: set[tuple[str, str]] = set()
        with self.store.write() as tx:
            for comment_id in comment_ids:
                comment = self._live(tx, comment_id)
                thread = thread_rows.get(tx, comment.thread_id)
                assert thread is not None
                self._apply(tx, action, comment, thread.site_id, now)
                if self.notifier is not None and action in (Action.APPROVE, Action.NOT_SPAM):
                    if comment.status is not Status.APPROVED:  # held until now
                        self._approved(tx, thread, comment)
                thread_rows.bump(tx, thread.id)
                audit_rows.record(
                    tx,
                    site_id=thread.site_id,
                    actor=actor,
                    action=action.value,
                    comment_id=comment.id,
                    reason=reason,
                    at=now,
                )
                changed.add((thread.site_id, thread.uri))
        for site_id, uri in changed:
            self.announce(site_id, uri)
        return len(comment_ids)

    def _approved(self, tx: Tx, thread: Thread, comment: Comment) -> None:
        assert self.notifier is not None
        site = site_rows.get(tx, thread.site_id)
        assert site is not None
        shown = comment._replace(status=Status.APPROVED)
        self.notifier.approved(tx, site, thread, shown)

    @staticmethod
    def _live(tx: Tx, comment_id: int) -> Comment:
        """The comment, unless it is gone or only a deleted placeholder."""
        comment = comment_rows.get(tx, comment_id)
        if comment is None or comment.status is Status.DELETED:
            raise CommentNotFound(f"There is no comment {comment_id}.", field="id")
        return comment

    def _apply(self, tx: Tx, action: Action, comment: Comment, site_id: str, now: float) -> None:
        """One action on one comment, inside the caller's transaction."""
        key = commenter_key(comment.email, comment.ip_hash)
        if action is Action.NOT_SPAM and comment.status is not Status.SPAM:
            raise WrongStatus(f"Comment {comment.id} is not marked as spam.", field="id")
        self._learn(tx, site_id, action, comment)
        if action in (Action.APPROVE, Action.NOT_SPAM):
            comment_rows.set_status(tx, comment.id, Status.APPROVED, hold_reason="")
            commenter_rows.mark(tx, site_id, key, now=now, known=True)
            report_rows.dismiss(tx, comment.id)
        elif action is Action.SPAM:
            comment_rows.set_status(tx, comment.id, Status.SPAM)
        elif action in _REMOVALS:
            if comment_rows.has_children(tx, comment.id):
                comment_rows.make_placeholder(tx, comment.id, now)
            else:
                comment_rows.remove(tx, comment.id)
        elif action in (Action.PIN, Action.UNPIN):
            if comment.parent_id is not None and action is Action.PIN:
                raise Invalid(
                    f"Comment {comment.id} is a reply; only top-level comments are pinned.",
                    field="id",
                    code="not_top_level",
                )
            comment_rows.set_flags(tx, comment.id, pinned=action is Action.PIN)
        elif action in (Action.LOCK, Action.UNLOCK):
            comment_rows.set_flags(tx, comment.id, locked=action is Action.LOCK)
        else:
            commenter_rows.mark(tx, site_id, key, now=now, trusted=action is Action.TRUST)

    def edit(self, comment_id: int, text: str, *, actor: str, reason: str = "") -> Comment:
        """Replace a comment's text as a moderator; re-rendered, marked edited, audited."""
        if not text.strip():
            raise Invalid("The new text is empty.", field="text", code="required")
        html = render.render(text)
        now = self.clock()
        with self.store.write() as tx:
            comment = self._live(tx, comment_id)
            thread = thread_rows.get(tx, comment.thread_id)
            assert thread is not None
            comment_rows.moderator_edit(tx, comment.id, text_raw=text, text_html=html, at=now)
            thread_rows.bump(tx, thread.id)
            note = f"old text: {len(comment.text_raw)} characters"
            audit_rows.record(
                tx,
                site_id=thread.site_id,
                actor=actor,
                action="edit",
                comment_id=comment.id,
                reason=f"{reason} ({note})" if reason else note,
                at=now,
            )
            edited = comment_rows.get(tx, comment.id)
        assert edited is not None
        self.announce(thread.site_id, thread.uri)
        return edited

    def trust(
        self,
        site_id: str,
        *,
        email: str | None = None,
        comment_id: int | None = None,
        actor: str,
        reason: str = "",
    ) -> str:
        """Trust a commenter (by e-mail, or the author of a comment); returns their key."""
        return self._set_trust(site_id, email, comment_id, True, actor, reason)

    def untrust(
        self,
        site_id: str,
        *,
        email: str | None = None,
        comment_id: int | None = None,
        actor: str,
        reason: str = "",
    ) -> str:
        """Stop trusting a commenter (by e-mail, or the author of a comment)."""
        return self._set_trust(site_id, email, comment_id, False, actor, reason)

    def _set_trust(
        self,
        site_id: str,
        email: str | None,
        comment_id: int | None,
        trusted: bool,
        actor: str,
        reason: str,
    ) -> str:
        if (email is None) == (comment_id is None):
            raise Invalid("Give an e-mail address or a comment id.", field="email")
        now = self.clock()
        with self.store.write() as tx:
            if comment_id is not None:
                comment = self._live(tx, comment_id)
                thread = thread_rows.get(tx, comment.thread_id)
                assert thread is not None
                if thread.site_id != site_id:
                    raise CommentNotFound(
                        f"Site {site_id!r} has no comment {comment_id}.", field="id"
                    )
                key = commenter_key(comment.email, comment.ip_hash)
            else:
                assert email is not None
                if "@" not in email:
                    raise Invalid(f"{email!r} is not an e-mail address.", field="email")
                key = commenter_key(email, "")
            commenter_rows.mark(tx, site_id, key, now=now, trusted=trusted)
            audit_rows.record(
                tx,
                site_id=site_id,
                actor=actor,
                action="trust" if trusted else "untrust",
                comment_id=comment_id,
                reason=reason,
                at=now,
            )
        return key

    def trusted(self, site_id: str) -> list[Commenter]:
        """The site's trusted commenters."""
        with self.store.read() as tx:
            return commenter_rows.trusted(tx, site_id)

    def reported(self, site_id: str, limit: int = 100) -> list[ReportedComment]:
        """Comments with open reader reports, most reported first, with counts and reasons."""
        with self.store.read() as tx:
            rows = report_rows.reported(tx, site_id, limit)
        return [
            ReportedComment(
                comment=SiteComment(comment, uri, title),
                reports=len(found),
                reasons=dict(Counter(reason for reason, _ in found)),
                notes=[note for _, note in found if note],
            )
            for comment, uri, title, found in rows
        ]

    def _learn(self, tx: Tx, site_id: str, action: Action, comment: Comment) -> None:
        """Teach the site's filter: approved is ham, spam is spam.

        A rejected comment is off topic or rude more often than spam, so it teaches
        nothing, and whatever was learned from it before is forgotten.
        """
        if self.adaptive is None:
            return
        if action in (Action.APPROVE, Action.NOT_SPAM):
            self.adaptive.learn(site_id, comment, False, tx=tx)
        elif action is Action.SPAM:
            self.adaptive.learn(site_id, comment, True, tx=tx)
        elif action in _REMOVALS:
            self.adaptive.unlearn(site_id, comment, tx=tx)

    def reasons(self, comment_ids: Sequence[int]) -> dict[int, tuple[float, tuple[Reason, ...]]]:
        """The spam score and its reasons stored with each comment, for moderators only."""
        with self.store.read() as tx:
            return spam_rows.verdicts(tx, comment_ids)

    def lock(self, site_id: str, uri: str, locked: bool, *, actor: str, reason: str = "") -> None:
        """Close a thread to new comments (or open it again); readers still see it."""
        now = self.clock()
        with self.store.write() as tx:
            thread = thread_rows.find(tx, site_id, uri)
            if thread is None:
                raise NotFound(f"Site {site_id!r} has no thread {uri!r}.", field="uri")
            thread_rows.set_locked(tx, thread.id, locked)
            audit_rows.record(
                tx,
                site_id=site_id,
                actor=actor,
                action="lock" if locked else "unlock",
                uri=uri,
                reason=reason,
                at=now,
            )
        self.announce(site_id, uri)

    def audit(self, site_id: str, limit: int = 50) -> list[AuditEntry]:
        """The site's latest moderation actions, newest first."""
        with self.store.read() as tx:
            return audit_rows.recent(tx, site_id, limit)
