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

from yorum.errors import Banned, Invalid, NotFound
from yorum.models import Ban, BanKind
from yorum.privacy import IpHasher
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import bans as ban_rows


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
        now = self.clock()
        expires = now + days * 86400 if days else None
        with self.store.write() as tx:
            ban_id = ban_rows.add(
                tx, site_id=site_id, kind=kind, value=value, reason=reason, now=now,
                expires_at=expires,
            )  # fmt: skip
            audit_rows.record(
                tx, site_id=site_id, actor=actor, action=f"ban {kind.value}", reason=reason, at=now
            )
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
