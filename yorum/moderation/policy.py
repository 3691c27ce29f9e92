"""A site's hold policy: whether a new comment shows at once or waits for a moderator.

The same commenter is recognized by the e-mail address they give (compared in lower case)
or, when they give none, by the keyed hash of their address. A moderator may trust a
commenter (their comments are never held by policy); a commenter with an approved comment
is "known" (``hold_new`` no longer holds them).
"""

from __future__ import annotations

from yorum.models import Policy, Site, Status
from yorum.storage import Store
from yorum.storage import commenters as commenter_rows


def commenter_key(email: str, ip_hash: str) -> str:
    """Who a commenter is, for trust and ``hold_new``: their e-mail, else their address hash."""
    email = email.strip().lower()
    return f"email:{email}" if email else f"ip:{ip_hash}"


def has_links(html: str) -> bool:
    """Whether rendered comment HTML links anywhere (Markdown links and bare URLs alike)."""
    return "<a " in html


def screen(
    store: Store, site: Site, *, email: str, ip_hash: str, html: str
) -> tuple[Status, list[str]]:
    """The status a new comment gets under the site's policy, and why it is held (if so)."""
    if site.policy is Policy.OPEN:
        return Status.APPROVED, []
    with store.read() as tx:
        standing = commenter_rows.get(tx, site.id, commenter_key(email, ip_hash))
    if standing is not None and standing.trusted:
        return Status.APPROVED, []
    if site.policy is Policy.HOLD_ALL:
        return Status.PENDING, ["the site holds every comment for review"]
    if site.policy is Policy.HOLD_NEW and not (standing is not None and standing.known):
        return Status.PENDING, ["first comment from this commenter"]
    if site.policy is Policy.HOLD_LINKS and has_links(html):
        return Status.PENDING, ["the comment contains links"]
    return Status.APPROVED, []
