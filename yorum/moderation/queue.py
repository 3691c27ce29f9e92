"""ModerationService: the queue of held comments, approving, rejecting, marking spam, and
locking threads.

Every action bumps the thread's version (so caches and live readers see it at once) and
writes a row to the audit log saying who did what, when and why, in the same transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from enum import StrEnum

from yorum.errors import CommentNotFound, NotFound
from yorum.models import AuditEntry, Comment, Reason, SiteComment, Status
from yorum.moderation.bayes import AdaptiveFilter
from yorum.storage import Store, Tx
from yorum.storage import audit as audit_rows
from yorum.storage import comments as comment_rows
from yorum.storage import spam as spam_rows
from yorum.storage import threads as thread_rows


class Action(StrEnum):
    """What a moderator can do to a comment."""

    APPROVE = "approve"  # show it
    REJECT = "reject"  # remove it (a placeholder stays if it has replies)
    SPAM = "spam"  # hide it as spam (kept, for the spam filter to learn from)


class ModerationService:
    """The moderation queue and the actions on it."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        announce: Callable[[str, str], None] | None = None,
        adaptive: AdaptiveFilter | None = None,
    ) -> None:
        self.store = store
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
                comment = comment_rows.get(tx, comment_id)
                if comment is None or comment.status is Status.DELETED:
                    raise CommentNotFound(f"There is no comment {comment_id}.", field="id")
                thread = thread_rows.get(tx, comment.thread_id)
                assert thread is not None
                self._learn(tx, thread.site_id, action, comment)
                if action is Action.APPROVE:
                    comment_rows.set_status(tx, comment.id, Status.APPROVED)
                elif action is Action.SPAM:
                    comment_rows.set_status(tx, comment.id, Status.SPAM)
                elif comment_rows.has_children(tx, comment.id):
                    comment_rows.make_placeholder(tx, comment.id, now)
                else:
                    comment_rows.remove(tx, comment.id)
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

    def _learn(self, tx: Tx, site_id: str, action: Action, comment: Comment) -> None:
        """Teach the site's filter: approved is ham, spam is spam.

        A rejected comment is off topic or rude more often than spam, so it teaches
        nothing, and whatever was learned from it before is forgotten.
        """
        if self.adaptive is None:
            return
        if action is Action.APPROVE:
            self.adaptive.learn(site_id, comment, False, tx=tx)
        elif action is Action.SPAM:
            self.adaptive.learn(site_id, comment, True, tx=tx)
        else:
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
