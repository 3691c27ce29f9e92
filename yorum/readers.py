"""Readers' own data: everything a site stores under a reader's e-mail address, to hand
over (a JSON export) or to erase.

A reader asks from the site's privacy page: yorum mails a signed link to the address, so
only its owner gets the data or can erase it; a moderator can do the same from the
admin. Erasing follows the site's ``erasure`` setting: ``delete`` removes the comments (a
blank placeholder stays where others replied), ``anonymize`` keeps their text with no
name, address, website or picture. Either way the address, its reply subscription, its
standing, pending mails to it, and the address hashes and scorer traces of the comments
are gone. Both acts are written to the audit log, naming the address only by a keyed hash.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yorum.errors import Invalid
from yorum.models import Erasure
from yorum.privacy import IpHasher
from yorum.sites import SiteService
from yorum.storage import Store
from yorum.storage import audit as audit_rows
from yorum.storage import comments as comment_rows
from yorum.storage import outbox as outbox_rows
from yorum.storage import readers as reader_rows
from yorum.storage import subscribers as subscriber_rows
from yorum.storage import threads as thread_rows

FORMAT = "yorum-reader-data/1"
ASK_AGAIN_AFTER = 600.0  # seconds before another data mail to the same address


@dataclass(frozen=True)
class Erased:
    """What erasing did: comments deleted (or left as placeholders) or anonymized."""

    deleted: int
    placeholders: int
    anonymized: int


def _address(email: str) -> str:
    address = email.strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or len(address) > 254:
        raise Invalid("Give the e-mail address you wrote your comments with.", field="email")
    return address


class ReaderData:
    """Exports and erases what a site stores about one reader."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        fingerprint: IpHasher,
        *,
        mail: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.sites = sites
        self.fingerprint = fingerprint  # keyed hash naming an address in the audit log
        self.mail = mail
        self.clock = clock

    def _who(self, address: str) -> str:
        return "reader " + self.fingerprint("email:" + address)[:12]

    def request(self, site_id: str, email: str) -> bool:
        """Queue the mail with the reader's export and erase links; False without a mail
        server. Asking again within ten minutes queues nothing more (and says nothing)."""
        site = self.sites.get(site_id)
        address = _address(email)
        if not self.mail:
            return False
        now = self.clock()
        with self.store.write() as tx:
            recent = outbox_rows.recent(tx, [site.id], channel="email", limit=200)
            if any(m.kind == "data" and m.recipient == address and
                   now - m.created_at < ASK_AGAIN_AFTER for m in recent):  # fmt: skip
                return True
            outbox_rows.add(
                tx, channel="email", kind="data", site_id=site.id, recipient=address,
                payload={}, now=now,
            )  # fmt: skip
        return True

    def export(self, site_id: str, email: str, *, actor: str) -> dict[str, Any]:
        """Everything stored under the address on the site, as one JSON-ready document."""
        site = self.sites.get(site_id)
        address = _address(email)
        now = self.clock()
        with self.store.write() as tx:
            found = reader_rows.comments_of(tx, site.id, address)
            standing = subscriber_rows.get(tx, site.id, address)
            audit_rows.record(
                tx, site_id=site.id, actor=actor, action="reader export",
                reason=f"{self._who(address)}: {len(found)} comments", at=now,
            )  # fmt: skip
        return {
            "format": FORMAT,
            "site": {"id": site.id, "name": site.name},
            "email": address,
            "exported": now,
            "reply_mails": None if standing is None else {
                "asked": standing.asked_at, "confirmed": standing.confirmed_at,
                "unsubscribed": standing.unsubscribed_at,
            },
            "comments": [
                {
                    "id": c.id, "page": t.uri, "title": t.title, "parent": c.parent_id,
                    "author": c.author, "website": c.website, "text": c.text_raw,
                    "status": c.status.value, "created": c.created_at, "edited": c.edited_at,
                    "likes": c.likes, "dislikes": c.dislikes, "reply_mails": c.notify,
                }
                for c, t in found
            ],
            "not_included": (
                "Your address is never stored with your network address: comments keep only "
                "a keyed hash of it, which cannot be turned back into the address."
            ),
        }  # fmt: skip

    def erase(self, site_id: str, email: str, *, actor: str) -> Erased:
        """Erase the address's data on the site as the site's ``erasure`` setting says."""
        site = self.sites.get(site_id)
        address = _address(email)
        now = self.clock()
        deleted = placeholders = anonymized = 0
        with self.store.write() as tx:
            found = reader_rows.comments_of(tx, site.id, address)
            ids = [c.id for c, _ in found]
            reader_rows.forget_traces(tx, ids)
            for comment, thread in found:
                if site.erasure is Erasure.ANONYMIZE:
                    reader_rows.anonymize(tx, comment.id)
                    anonymized += 1
                elif comment_rows.has_children(tx, comment.id):
                    comment_rows.make_placeholder(tx, comment.id, now)
                    placeholders += 1
                else:
                    comment_rows.remove(tx, comment.id)
                    deleted += 1
                thread_rows.bump(tx, thread.id)
            reader_rows.forget_address(tx, site.id, address)
            audit_rows.record(
                tx, site_id=site.id, actor=actor, action="reader erase",
                reason=f"{self._who(address)}: {site.erasure.value}, {len(found)} comments",
                at=now,
            )  # fmt: skip
        return Erased(deleted, placeholders, anonymized)
