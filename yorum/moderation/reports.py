"""ReportService: readers flag comments; enough reports hold a comment for a moderator.

A reader (known only by the keyed hash of their address) reports a comment once; a second
report of the same comment from the same address is refused with ``already_reported``.
When a comment's open reports reach the site's ``report_threshold`` (0: never) it goes back
to the moderation queue, with an audit row by the actor ``readers``. Approving the comment
dismisses its reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from yorum.errors import AlreadyReported, CommentNotFound, Invalid
from yorum.models import ClientInfo, ReportReason, ReportResult, Status
from yorum.notify.events import Notifier
from yorum.privacy import IpHasher
from yorum.sites import SiteService
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import comments as comment_rows
from yorum.storage import reports as report_rows
from yorum.storage import threads as thread_rows

MAX_NOTE = 500
HELD_BY_READERS = "reported by readers"


class ReportService:
    """Reader reports of comments."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        hash_ip: IpHasher,
        clock: Callable[[], float] = time.time,
        announce: Callable[[str, str], None] | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier  # tells moderators and webhooks of comments readers held
        self.sites = sites
        self.hash_ip = hash_ip
        self.clock = clock
        self.announce = announce or (lambda site_id, uri: None)

    def report(
        self, comment_id: int, reason: ReportReason, note: str, client: ClientInfo
    ) -> ReportResult:
        """Record a reader's report; holds the comment when it reaches the site's threshold."""
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise Invalid(f"A note is at most {MAX_NOTE} characters.", field="note")
        reporter = self.hash_ip(client.ip)
        now = self.clock()
        with self.store.write() as tx:
            comment = comment_rows.get(tx, comment_id)
            if comment is None or comment.status is not Status.APPROVED:
                raise CommentNotFound(f"There is no comment {comment_id}.")
            thread = thread_rows.get(tx, comment.thread_id)
            assert thread is not None
            site = self.sites.for_origin(thread.site_id, client.origin)
            if not report_rows.add(tx, comment.id, reporter, reason.value, note, now):
                raise AlreadyReported("You reported this comment already.")
            reports = report_rows.count(tx, comment.id)
            held = 0 < site.report_threshold <= reports
            if held:
                comment_rows.set_status(tx, comment.id, Status.PENDING, hold_reason=HELD_BY_READERS)
                thread_rows.bump(tx, thread.id)
                audit_rows.record(
                    tx,
                    site_id=site.id,
                    actor="readers",
                    action="hold",
                    comment_id=comment.id,
                    reason=f"{reports} reports",
                    at=now,
                )
                if self.notifier is not None:
                    held_comment = comment._replace(
                        status=Status.PENDING, hold_reason=HELD_BY_READERS
                    )
                    self.notifier.reported(tx, site, thread, held_comment)
        if held:
            self.announce(thread.site_id, thread.uri)
        return ReportResult(comment.id, reports, held)
