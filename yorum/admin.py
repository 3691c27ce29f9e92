"""AdminService: what a signed-in user may see and do in the admin, on behalf of that user.

Every method takes the acting ``User`` first, checks the user's role on the sites it
touches, then calls the service that owns the rule (moderation, bans, sites, accounts).
The web admin pages and the JSON admin API both call this, so they cannot differ in
what they allow. Every change is audited with the user's name as the actor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from yorum.accounts import AccountService, require, require_global_admin
from yorum.errors import CommentNotFound, Invalid, NotFound
from yorum.models import (
    AuditEntry,
    Ban,
    BanKind,
    Commenter,
    CommentNotes,
    DayStats,
    OutboxMessage,
    QueueFilter,
    QueueItem,
    Role,
    Site,
    User,
    Webhook,
    Word,
    WordKind,
)
from yorum.moderation.bans import BanList
from yorum.moderation.queue import Action, ModerationService
from yorum.moderation.words import WordLists
from yorum.notify.webhook import Webhooks
from yorum.readers import Erased, ReaderData
from yorum.sites import SiteService
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import outbox as outbox_rows
from yorum.storage import queue as queue_rows
from yorum.storage import reports as report_rows

STATS_DAYS = 30
SITE_SETTINGS = ("name", "origins", "language", "policy", "author_field", "email_field",
                 "website_field", "report_threshold", "close_after_days", "hold_score",
                 "spam_score", "notify_emails", "notify_mode", "reply_notifications",
                 "erasure")  # fmt: skip
DELIVERY_STATUSES = ("", "pending", "sent", "dead")


class AdminService:
    """The admin's view of yorum, narrowed to what each user may do."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        moderation: ModerationService,
        bans: BanList,
        accounts: AccountService,
        words: WordLists,
        webhooks: Webhooks,
        readers: ReaderData,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.sites = sites
        self.moderation = moderation
        self.bans = bans
        self.accounts = accounts
        self.words = words
        self.webhooks = webhooks
        self.readers = readers
        self.clock = clock

    def visible_sites(self, user: User) -> list[Site]:
        """The sites the user moderates (every site, for global admins)."""
        return [s for s in self.sites.list() if user.role_on(s.id) is not None]

    def queue(self, user: User, wanted: QueueFilter) -> tuple[list[QueueItem], int]:
        """A page of comments the filter selects among the user's sites, and the total."""
        if wanted.site_id:
            self._allow(user, wanted.site_id)
        sites = tuple(s.id for s in self.visible_sites(user))
        f = replace(
            wanted, sites=sites, uri=wanted.uri.strip(), author=wanted.author.strip(),
            text=wanted.text.strip(), offset=max(wanted.offset, 0),
            limit=min(max(wanted.limit, 1), 200),
        )  # fmt: skip
        with self.store.read() as tx:
            return queue_rows.search(tx, f)

    def act(self, user: User, action: Action, ids: Sequence[int], reason: str = "") -> int:
        """Apply a moderation action to comments on the user's sites (all or none)."""
        if not ids:
            raise Invalid("Choose at least one comment.", field="ids")
        for comment_id in ids:
            self._require_comment(user, comment_id)
        return self.moderation.act(action, list(ids), actor=user.name, reason=reason)

    def notes(self, items: Sequence[QueueItem]) -> dict[int, CommentNotes]:
        """Why each listed comment is where it is: its hold, spam verdict and open reports.

        Only for items ``queue`` returned to the same user, so no further access check.
        """
        ids = [item.comment.id for item in items]
        verdicts = self.moderation.reasons(ids)
        with self.store.read() as tx:
            reports = report_rows.of_comments(tx, ids)
        out = {}
        for item in items:
            c = item.comment
            score, reasons = verdicts.get(c.id, (None, ()))
            out[c.id] = CommentNotes(c.hold_reason, score, reasons, tuple(reports.get(c.id, ())))
        return out

    def edit(self, user: User, comment_id: int, text: str, reason: str = "") -> None:
        """Replace a comment's text as a moderator of its site (audited)."""
        self._require_comment(user, comment_id)
        self.moderation.edit(comment_id, text, actor=user.name, reason=reason)

    def _allow(self, user: User, site_id: str, role: Role = Role.MODERATOR) -> None:
        """Refuse ``user`` unless the site exists (else ``UnknownSite``) and they hold at
        least ``role`` on it."""
        self.sites.get(site_id)
        require(user, site_id, role)

    def _require_comment(self, user: User, comment_id: int) -> str:
        with self.store.read() as tx:
            site_id = queue_rows.site_of(tx, comment_id)
        if site_id is None:
            raise CommentNotFound(f"There is no comment {comment_id}.", field="id")
        require(user, site_id)
        return site_id

    def word_list(self, user: User, site_id: str) -> list[Word]:
        """The site's banned and suspect words (its moderators may read them)."""
        self._allow(user, site_id)
        return self.words.list(site_id)

    def add_words(self, user: User, site_id: str, kind: WordKind, words: Sequence[str]) -> int:
        """Put words on the site's banned or suspect list (site admins; audited)."""
        self._allow(user, site_id, Role.ADMIN)
        return self.words.add(site_id, kind, words, actor=user.name)

    def remove_words(self, user: User, site_id: str, words: Sequence[str]) -> int:
        """Take words off the site's lists (site admins; audited)."""
        self._allow(user, site_id, Role.ADMIN)
        return self.words.remove(site_id, words, actor=user.name)

    def trusted(self, user: User, site_id: str) -> list[Commenter]:
        """The site's trusted commenters (trusting happens through ``act``)."""
        self._allow(user, site_id)
        return self.moderation.trusted(site_id)

    def lock(self, user: User, site_id: str, uri: str, locked: bool, reason: str = "") -> None:
        self._allow(user, site_id)
        self.moderation.lock(site_id, uri, locked, actor=user.name, reason=reason)

    def bans_of(self, user: User, site_id: str) -> list[Ban]:
        self._allow(user, site_id)
        return self.bans.active(site_id)

    def ban(
        self,
        user: User,
        site_id: str,
        kind: BanKind,
        value: str,
        reason: str = "",
        days: float | None = None,
    ) -> int:
        self._allow(user, site_id)
        return self.bans.add(site_id, kind, value, actor=user.name, reason=reason, days=days)

    def ban_author(
        self,
        user: User,
        comment_id: int,
        kind: BanKind,
        reason: str = "",
        days: float | None = None,
    ) -> int:
        """Ban a comment's author by address hash, e-mail or name; returns the ban's id."""
        self._require_comment(user, comment_id)
        _, ban_id = self.bans.ban_author(
            comment_id, kind, actor=user.name, reason=reason, days=days
        )
        return ban_id

    def lift_ban(self, user: User, site_id: str, ban_id: int, reason: str = "") -> None:
        self._allow(user, site_id)
        self.bans.lift(site_id, ban_id, actor=user.name, reason=reason)

    def deliveries(
        self, user: User, site_id: str = "", status: str = "", limit: int = 100
    ) -> list[OutboxMessage]:
        """The latest notifications of the user's sites (or one site), newest first."""
        if status not in DELIVERY_STATUSES:
            raise Invalid("status is pending, sent or dead.", field="status")
        if site_id:
            self._allow(user, site_id)
        sites = [site_id] if site_id else [s.id for s in self.visible_sites(user)]
        with self.store.read() as tx:
            return outbox_rows.recent(tx, sites, status=status, limit=min(max(limit, 1), 500))

    def resend(self, user: User, message_id: int) -> None:
        """Queue a notification again, due now (a dead one, or one to repeat)."""
        with self.store.read() as tx:
            message = outbox_rows.get(tx, message_id)
        if message is None:
            raise NotFound(f"There is no delivery {message_id}.", field="id")
        require(user, message.site_id)
        with self.store.write() as tx:
            outbox_rows.resend(tx, message_id, self.clock())
        self._record(message.site_id, user, "resend",
                     f"{message.channel} {message.kind} {message_id}")  # fmt: skip

    def webhooks_of(self, user: User, site_id: str) -> list[Webhook]:
        """The site's webhook endpoints (site admins; secrets are for them only)."""
        self._allow(user, site_id, Role.ADMIN)
        return self.webhooks.list(site_id)

    def add_webhook(self, user: User, site_id: str, url: str, events: Sequence[str]) -> Webhook:
        """Add an endpoint to the site (site admins); its secret is shown once, by the caller."""
        self._allow(user, site_id, Role.ADMIN)
        return self.webhooks.add(site_id, url, events or ("*",), actor=user.name)

    def remove_webhook(self, user: User, site_id: str, hook_id: int) -> None:
        """Remove an endpoint from the site (site admins)."""
        self._allow(user, site_id, Role.ADMIN)
        self.webhooks.remove(site_id, hook_id, actor=user.name)

    def reader_data(self, user: User, site_id: str, email: str) -> dict[str, Any]:
        """A reader's data on the site, as they would get it (audited with the user)."""
        self._allow(user, site_id)
        return self.readers.export(site_id, email, actor=user.name)

    def erase_reader(self, user: User, site_id: str, email: str) -> Erased:
        """Erase a reader's data on the site, as the site's erasure setting says."""
        self._allow(user, site_id)
        return self.readers.erase(site_id, email, actor=user.name)

    def audit(self, user: User, site_id: str, limit: int = 100) -> list[AuditEntry]:
        self._allow(user, site_id)
        return self.moderation.audit(site_id, limit)

    def stats(self, user: User, site_id: str = "") -> list[DayStats]:
        """Comments per UTC day over the last 30 days, by status (spam caught included)."""
        if site_id:
            self._allow(user, site_id)
        sites = (site_id,) if site_id else tuple(s.id for s in self.visible_sites(user))
        since = self.clock() - STATS_DAYS * 86400
        with self.store.read() as tx:
            return queue_rows.daily(tx, sites, since)

    def update_site(self, user: User, site_id: str, changes: dict[str, Any]) -> Site:
        """Change a site's settings (site admins and global admins)."""
        self._allow(user, site_id, Role.ADMIN)
        unknown = sorted(set(changes) - set(SITE_SETTINGS))
        if unknown:
            raise Invalid(f"Sites have no setting {unknown[0]!r} here.", field=unknown[0])
        site = self.sites.update(site_id, **changes)
        self._record(site_id, user, "site settings", ", ".join(sorted(changes)))
        return site

    def add_site(self, user: User, site_id: str, name: str, origins: list[str]) -> Site:
        require_global_admin(user)
        site = self.sites.add(site_id, name=name, origins=origins)
        self._record(site.id, user, "site added", name)
        return site

    def moderators(self, user: User, site_id: str) -> list[tuple[str, Role]]:
        self._allow(user, site_id)
        return self.accounts.moderators(site_id)

    def set_moderator(self, user: User, site_id: str, name: str, role: Role | None) -> None:
        """Give a user a role on the site, or remove it (site admins and global admins)."""
        self._allow(user, site_id, Role.ADMIN)
        self.accounts.set_role(name, site_id, role)
        self._record(site_id, user, f"role {role.value if role else 'removed'}", name)

    def users(self, user: User) -> list[User]:
        require_global_admin(user)
        return self.accounts.all()

    def add_user(self, user: User, name: str, password: str, is_admin: bool) -> User:
        """Create an account (global admins)."""
        require_global_admin(user)
        return self.accounts.add(name, password, is_admin=is_admin)

    def remove_user(self, user: User, name: str) -> None:
        """Delete an account (global admins; not their own)."""
        require_global_admin(user)
        if name.strip().lower() == user.name:
            raise Invalid("You cannot remove your own account.", field="name")
        self.accounts.remove(name.strip().lower())

    def _record(self, site_id: str, user: User, action: str, reason: str) -> None:
        with self.store.write() as tx:
            audit_rows.record(
                tx, site_id=site_id, actor=user.name, action=action[:32], reason=reason,
                at=self.clock(),
            )  # fmt: skip
