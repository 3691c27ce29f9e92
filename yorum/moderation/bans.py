"""Ban lists: who may not post to a site, by e-mail address, client address or name.

Addresses are never stored: a ban on an address stores its keyed hash, the same one
comments carry, so it matches without yorum ever writing the address down. Names match
as patterns (``*`` and ``?``), ignoring case. A ban may expire.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import time
from collections.abc import Callable

from yorum.errors import Banned, CommentNotFound, Invalid, NotFound
from yorum.models import Ban, BanKind
from yorum.privacy import IpHasher
from yorum.storage import Store, Tx
from yorum.storage import audit as audit_rows
from yorum.storage import bans as ban_rows
from yorum.storage import comments as comment_rows
from yorum.storage import threads as thread_rows

MAX_VALUE = 254  # the longest value a ban stores


class BanList:
    """Adds, lists and lifts bans, and checks a new comment against them."""

    def __init__(
        self, store: Store, hash_ip: IpHasher, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.hash_ip = hash_ip
        self.clock = clock

    def add(
        self,
        site_id: str,
        kind: BanKind,
        value: str,
        *,
        actor: str,
        reason: str = "",
        days: float | None = None,
    ) -> int:
        """Ban an e-mail address, a client address or a name pattern; returns the ban's id."""
        value = value.strip()
        if kind is BanKind.EMAIL:
            if "@" not in value:
                raise Invalid("This is not an e-mail address.", field="email")
            value = value.lower()
        elif kind is BanKind.IP:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                raise Invalid("This is not an IP address.", field="ip") from None
            value = self.hash_ip(value)
        elif not value:
            raise Invalid("Give a name or a pattern like 'spam*'.", field="name")
        if len(value) > MAX_VALUE:
            raise Invalid(f"A ban's value is at most {MAX_VALUE} characters.", field=kind.value)
        now = self.clock()
        with self.store.write() as tx:
            return self._add(tx, site_id, kind, value, actor, reason, days, now)

    def ban_author(
        self,
        comment_id: int,
        kind: BanKind,
        *,
        actor: str,
        reason: str = "",
        days: float | None = None,
    ) -> tuple[str, int]:
        """Ban the author of a comment by its address hash, e-mail or exact name.

        This is how a moderator bans an address: yorum never shows (or keeps) the address,
        only the keyed hash the comment carries. Returns the site and the ban's id.
        """
        now = self.clock()
        with self.store.write() as tx:
            comment = comment_rows.get(tx, comment_id)
            thread = None if comment is None else thread_rows.get(tx, comment.thread_id)
            if comment is None or thread is None:
                raise CommentNotFound(f"There is no comment {comment_id}.", field="id")
            values = {
                BanKind.IP: comment.ip_hash,
                BanKind.EMAIL: comment.email.strip().lower(),
                # the exact name, its pattern characters made literal
                BanKind.NAME: "".join(f"[{c}]" if c in "*?[" else c for c in comment.author),
            }
            if not values[kind]:
                raise Invalid(f"Comment {comment_id} has no {kind.value} to ban.", field="kind")
            if len(values[kind]) > MAX_VALUE:
                raise Invalid("The name is too long to ban; ban a pattern instead.", field="kind")
            ban_id = self._add(
                tx, thread.site_id, kind, values[kind], actor, reason, days, now, comment_id
            )
        return thread.site_id, ban_id

    @staticmethod
    def _add(
        tx: Tx,
        site_id: str,
        kind: BanKind,
        value: str,
        actor: str,
        reason: str,
        days: float | None,
        now: float,
        comment_id: int | None = None,
    ) -> int:
        expires = now + days * 86400 if days else None
        ban_id = ban_rows.add(
            tx, site_id=site_id, kind=kind, value=value, reason=reason, now=now,
            expires_at=expires,
        )  # fmt: skip
        audit_rows.record(
            tx, site_id=site_id, actor=actor, action=f"ban {kind.value}", reason=reason, at=now,
            comment_id=comment_id,
        )  # fmt: skip
        return ban_id

    def active(self, site_id: str) -> list[Ban]:
        """The site's bans in force now."""
        with self.store.read() as tx:
            return ban_rows.active(tx, site_id, self.clock())

    def lift(self, site_id: str, ban_id: int, *, actor: str, reason: str = "") -> None:
        """Remove a ban."""
        now = self.clock()
        with self.store.write() as tx:
            if not ban_rows.remove(tx, site_id, ban_id):
                raise NotFound(f"Site {site_id!r} has no ban {ban_id}.", field="id")
            audit_rows.record(
                tx, site_id=site_id, actor=actor, action="unban", reason=reason, at=now
            )

    def check(self, site_id: str, *, email: str, ip_hash: str, author: str) -> None:
        """Raise ``Banned`` if any ban of the site matches this author."""
        for ban in self.active(site_id):
            if (
                (ban.kind is BanKind.EMAIL and email and email.strip().lower() == ban.value)
                or (ban.kind is BanKind.IP and ip_hash == ban.value)
                or (ban.kind is BanKind.NAME and author
                    and fnmatch.fnmatchcase(author.lower(), ban.value.lower()))
            ):  # fmt: skip
                raise Banned("You may not post comments here.")
