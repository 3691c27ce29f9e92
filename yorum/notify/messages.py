"""The mails yorum sends, composed from templates in the site's language.

Each function returns a ready ``EmailMessage``: multipart/alternative with a text/plain
part (comments as their author wrote them, ``text_raw``) and then a text/html part
(comments as yorum shows them, the sanitized ``text_html``; everything else escaped),
with ``From``, ``To``, ``Subject``, ``Date``, ``Message-ID`` and
``Auto-Submitted: auto-generated``. The templates live in ``yorum/notify/templates``
(``NAME.txt`` and ``NAME.html``), the wording in ``yorum.notify.strings``.

What the caller passes is checked: a link that is not an absolute http(s) URL, or an
unknown moderation action, is a ``ValueError`` (a bug in the caller); a recipient that
is not an e-mail address is ``DeliveryFailed(retry=False)``, since that mail can never
go out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from yorum.models import Comment, Site, Status
from yorum.notify import DeliveryFailed
from yorum.notify.strings import Strings, for_language

ACTIONS = ("approve", "reject", "spam")  # the moderation links a moderator mail can carry
DIGEST_LISTED = 50  # comments a digest lists; the rest are counted
_SUBJECT_TITLE = 120  # characters of a page title or name that fit in a subject

_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")  # local@domain
_DIGEST_ORDER = {Status.PENDING: 0, Status.APPROVED: 1, Status.SPAM: 2, Status.DELETED: 3}


@dataclass(frozen=True)
class DigestItem:
    """One comment of a digest, with the page it was written on."""

    comment: Comment
    uri: str
    title: str
    page_url: str  # absolute link to the comment on its page; empty: show the URI only


@dataclass(frozen=True)
class _DigestThread:
    """The listed comments of one page, for the digest templates."""

    uri: str
    title: str
    page_url: str
    comments: list[Comment]


def moderator_mail(
    *,
    site: Site,
    comment: Comment,
    uri: str,
    title: str,
    page_url: str,
    held_because: str,
    links: Mapping[str, str],
    admin_url: str,
    to: Sequence[str],
    sender: str,
) -> EmailMessage:
    """Tell a site's moderators about a new comment: published, held, or put in spam.

    ``links`` maps actions among ``approve``, ``reject`` and ``spam`` to absolute URLs of
    pages where the moderator confirms it; each becomes a button, in that order.
    ``page_url`` may be empty when the page's address is not known (the URI is shown).
    """
    unknown = sorted(set(links) - set(ACTIONS))
    if unknown:
        raise ValueError(f"unknown moderation action(s) {unknown}; known: {list(ACTIONS)}")
    t = for_language(site.language)
    state = {Status.APPROVED: "new", Status.PENDING: "held"}.get(comment.status, "spam")
    subject_key = "moderator.subject.new" if state == "new" else "moderator.subject.held"
    actions = [
        (action, _url(links[action], f"links[{action!r}]")) for action in ACTIONS if action in links
    ]
    return _compose(
        "moderator",
        t,
        site=site,
        subject=f"[{_short(_site_name(site))}] {t(subject_key, title=_short(title or uri))}",
        to=to,
        sender=sender,
        context={
            "comment": comment,
            "state": state,
            "uri": uri,
            "title": _oneline(title) or uri,
            "page_url": _url(page_url, "page_url", optional=True),
            "held_because": held_because.strip(),
            "actions": actions,
            "admin_url": _url(admin_url, "admin_url"),
        },
    )


def digest_mail(
    *,
    site: Site,
    items: Sequence[DigestItem],
    since: float,
    until: float,
    admin_url: str,
    to: Sequence[str],
    sender: str,
) -> EmailMessage:
    """Summarize a period's comments for a site's moderators (hourly or daily mode).

    Counts the comments by status and lists up to ``DIGEST_LISTED`` of them grouped by
    page; when there are more, held ones are listed first and the rest are counted.
    """
    t = for_language(site.language)
    ordered = sorted(
        items, key=lambda i: (_DIGEST_ORDER.get(i.comment.status, 9), i.comment.created_at)
    )
    listed = ordered[:DIGEST_LISTED]
    threads: dict[str, _DigestThread] = {}
    for item in listed:
        thread = threads.get(item.uri)
        if thread is None:
            link = _url(item.page_url, f"the page_url of {item.uri}", optional=True)
            title = _oneline(item.title) or item.uri
            thread = threads[item.uri] = _DigestThread(item.uri, title, link, [])
        thread.comments.append(item.comment)
    for thread in threads.values():
        thread.comments.sort(key=lambda c: c.created_at)
    statuses = [i.comment.status for i in items]
    counts = [
        ("digest.total", len(items)),
        ("status.approved", statuses.count(Status.APPROVED)),
        ("status.pending", statuses.count(Status.PENDING)),
        ("status.spam", statuses.count(Status.SPAM)),
    ]
    period = {"since": _utc(since), "until": _utc(until)}
    return _compose(
        "digest",
        t,
        site=site,
        subject=f"[{_short(_site_name(site))}] {t('digest.subject', **period)}",
        to=to,
        sender=sender,
        context={
            "period": period,
            "counts": counts,
            "threads": list(threads.values()),
            "more": len(items) - len(listed),
            "admin_url": _url(admin_url, "admin_url"),
        },
    )


def confirm_mail(
    *, site: Site, to: str, confirm_url: str, page_url: str, sender: str
) -> EmailMessage:
    """Ask a commenter to confirm they want mail about replies (double opt-in)."""
    t = for_language(site.language)
    return _compose(
        "confirm",
        t,
        site=site,
        subject=t("confirm.subject", site=_short(_site_name(site))),
        to=[to],
        sender=sender,
        context={
            "confirm_url": _url(confirm_url, "confirm_url"),
            "page_url": _url(page_url, "page_url"),
        },
    )


def data_mail(*, site: Site, to: str, data_url: str, sender: str) -> EmailMessage:
    """The link to a reader's own data on the site (to see, download or erase it)."""
    t = for_language(site.language)
    return _compose(
        "data",
        t,
        site=site,
        subject=t("data.subject", site=_short(_site_name(site))),
        to=[to],
        sender=sender,
        context={"data_url": _url(data_url, "data_url")},
    )


def reply_mail(
    *,
    site: Site,
    to: str,
    parent: Comment,
    reply: Comment,
    page_url: str,
    unsubscribe_url: str,
    sender: str,
) -> EmailMessage:
    """Tell a subscribed commenter that someone replied to their comment ``parent``.

    ``page_url`` should lead to the reply on its page. The mail carries a one-click
    unsubscribe link and the RFC 8058 ``List-Unsubscribe`` headers; it never shows the
    replier's e-mail address or website.
    """
    t = for_language(site.language)
    unsubscribe = _url(unsubscribe_url, "unsubscribe_url")
    author = _oneline(reply.author) or t("anonymous")
    return _compose(
        "reply",
        t,
        site=site,
        subject=t("reply.subject", author=_short(author), site=_short(_site_name(site))),
        to=[to],
        sender=sender,
        context={
            "parent": parent,
            "reply": reply,
            "author": author,
            "page_url": _url(page_url, "page_url"),
            "unsubscribe_url": unsubscribe,
        },
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _compose(
    template: str,
    t: Strings,
    *,
    site: Site,
    subject: str,
    to: Sequence[str],
    sender: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """Render ``template`` (text and HTML) and wrap both parts in a message with headers."""
    recipients = [_recipient(address) for address in to]
    if not recipients:
        raise DeliveryFailed("the mail has no recipients", retry=False)
    from_name, from_address = _sender(sender)
    subject = _oneline(subject)
    values = {
        **context,
        "t": t,
        "site_name": _site_name(site),
        "subject": subject,
        "lang": t.language,
        "dir": t.direction,
    }
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = formataddr((from_name, from_address))
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(_TEMPLATES.get_template(f"{template}.txt").render(values))
    message.add_alternative(
        _TEMPLATES.get_template(f"{template}.html").render(values), subtype="html"
    )
    return message


def _recipient(value: str) -> str:
    """One recipient as a header value; an address that cannot be mailed fails for good."""
    name, address = parseaddr(value)
    if not _ADDRESS.fullmatch(address) or _has_control(value):
        raise DeliveryFailed(f"not an e-mail address: {value!r}", retry=False)
    return formataddr((_oneline(name), address))


def _sender(value: str) -> tuple[str, str]:
    """The display name and address of ``smtp.sender``."""
    name, address = parseaddr(value)
    if not _ADDRESS.fullmatch(address) or _has_control(value):
        raise DeliveryFailed(f"smtp.sender is not an e-mail address: {value!r}")
    return _oneline(name), address


def _url(value: str, what: str, *, optional: bool = False) -> str:
    """``value`` if it is an absolute http(s) URL fit for a link and a header."""
    if optional and not value:
        return ""
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() or ch in '<>"' for ch in value)
        or _has_control(value)
    ):
        raise ValueError(f"{what} must be an absolute http(s) URL, not {value!r}")
    return value


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _oneline(text: str) -> str:
    """``text`` on one line: any run of whitespace or control characters becomes a space.

    Subjects and names go through this, so a title cannot smuggle in a header.
    """
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(cleaned.split())


def _short(text: str) -> str:
    """One line of at most ``_SUBJECT_TITLE`` characters, for a subject."""
    line = _oneline(text)
    return line if len(line) <= _SUBJECT_TITLE else line[: _SUBJECT_TITLE - 1].rstrip() + "…"


def _site_name(site: Site) -> str:
    return _oneline(site.name) or site.id


def _utc(timestamp: float) -> str:
    """A time as the mails write it: ``2026-05-04 13:07 UTC``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _quote(text: str) -> str:
    """Plain text quoted e-mail style, each line starting with ``> ``."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines()) or ">"


def _sanitized(html: str) -> Markup:
    """A comment's stored ``text_html``: already sanitized by yorum.render, used as is."""
    return Markup(html)


def _environment() -> Environment:
    """Templates by file name: ``.html`` ones escape every value, ``.txt`` ones none."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters |= {"utc": _utc, "oneline": _oneline, "quote": _quote, "sanitized": _sanitized}
    return env


_TEMPLATES = _environment()
