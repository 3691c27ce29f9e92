"""``yorum export``: a site written out as yorum's JSON format, or as WordPress WXR.

Both writers stream: rows are read a batch at a time inside one read transaction (a
consistent snapshot) and written as they come, so exporting a site of any size takes
little memory. The JSON format is documented in ``docs/export-format.md`` and described
by the JSON Schema ``export.schema.json`` shipped beside this module; yorum reads it back
with ``yorum import yorum FILE``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any, BinaryIO
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import orjson

from yorum.errors import UnknownSite
from yorum.models import AuditEntry, Ban, Comment, Site, Status, Thread
from yorum.storage import Store, Tx
from yorum.storage import export as rows
from yorum.storage import sites as site_rows
from yorum.storage.spam import words as word_rows

FORMAT = "yorum-export"
VERSION = 1


def schema() -> dict[str, Any]:
    """The JSON Schema of the export format (version ``VERSION``)."""
    found: dict[str, Any] = orjson.loads(files("yorum").joinpath("export.schema.json").read_bytes())
    return found


@dataclass(frozen=True)
class Exported:
    """What an export wrote."""

    threads: int
    comments: int


class Exporter:
    """Writes one site's data to a binary stream."""

    def __init__(
        self, store: Store, server_url: str, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.server_url = server_url  # links to pages of sites that allow any origin
        self.clock = clock

    def json(self, site_id: str, out: BinaryIO) -> Exported:
        """The site in yorum's JSON format: settings, threads, comments, bans, word lists,
        commenters, reader reports and the audit log."""
        with self.store.read() as tx:
            site = _site(tx, site_id)
            writer = _JsonWriter(out)
            writer.head(self.clock(), site)
            writer.section("threads", (_thread(t) for t in rows.site_threads(tx, site_id)))
            writer.section("comments", (_comment(c) for c in rows.site_comments(tx, site_id)))
            writer.section("bans", (_ban(b) for b in rows.site_bans(tx, site_id)))
            writer.section(
                "words",
                (
                    {"kind": w.kind.value, "word": w.word, "created": w.created_at}
                    for w in word_rows(tx, site_id)
                ),
            )
            writer.section(
                "commenters",
                (
                    {"key": c.key, "trusted": c.trusted, "known": c.known, "updated": c.updated_at}
                    for c in rows.site_commenters(tx, site_id)
                ),
            )
            writer.section("reports", (_report(r) for r in rows.site_reports(tx, site_id)))
            writer.section("audit_log", (_audit(a) for a in rows.site_audit(tx, site_id)))
            out.write(b"\n}\n")
        return Exported(writer.counts["threads"], writer.counts["comments"])

    def wxr(self, site_id: str, out: BinaryIO) -> Exported:
        """The site as WordPress eXtended RSS: an ``item`` per thread with its comments,
        for WordPress's importer or Disqus's."""
        threads = comments = 0
        with self.store.read() as tx:
            site = _site(tx, site_id)
            out.write(_wxr_head(site, self.server_url).encode())
            current: Thread | None = None
            for thread, comment in rows.threads_with_comments(tx, site_id):
                if current is None or thread.id != current.id:
                    if current is not None:
                        out.write(b"</item>\n")
                    current = thread
                    threads += 1
                    out.write(_wxr_item(site, thread, self.server_url).encode())
                if comment is not None:
                    comments += 1
                    out.write(_wxr_comment(comment).encode())
            if current is not None:
                out.write(b"</item>\n")
            out.write(b"</channel>\n</rss>\n")
        return Exported(threads, comments)


def _site(tx: Tx, site_id: str) -> Site:
    site = site_rows.get(tx, site_id)
    if site is None:
        raise UnknownSite(f"No site {site_id!r}.")
    return site


# -- JSON ------------------------------------------------------------------------------


class _JsonWriter:
    """Writes the document a piece at a time: one array element per line."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.counts: dict[str, int] = {}

    def head(self, now: float, site: Site) -> None:
        self.out.write(b'{\n"format": ' + orjson.dumps(FORMAT) + b',\n"version": %d,\n' % VERSION)
        self.out.write(b'"exported": ' + orjson.dumps(now) + b",\n")
        self.out.write(b'"site": ' + orjson.dumps(_site_settings(site)))

    def section(self, name: str, items: Iterable[dict[str, Any]]) -> None:
        self.out.write(b',\n"%s": [' % name.encode())
        count = 0
        for item in items:
            self.out.write((b"\n" if count == 0 else b",\n") + orjson.dumps(item))
            count += 1
        self.out.write(b"\n]" if count else b"]")
        self.counts[name] = count


def _site_settings(site: Site) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "origins": list(site.origins),
        "language": site.language,
        "policy": site.policy.value,
        "created": site.created_at,
        "author_field": site.author_field.value,
        "email_field": site.email_field.value,
        "website_field": site.website_field.value,
        "report_threshold": site.report_threshold,
        "close_after_days": site.close_after_days,
        "hold_score": site.hold_score,
        "spam_score": site.spam_score,
        "notify_emails": list(site.notify_emails),
        "notify_mode": site.notify_mode.value,
        "reply_notifications": site.reply_notifications,
        "erasure": site.erasure.value,
    }


def _thread(thread: Thread) -> dict[str, Any]:
    return {
        "uri": thread.uri,
        "title": thread.title,
        "locked": thread.locked,
        "created": thread.created_at,
    }


def _comment(row: rows.ExportedComment) -> dict[str, Any]:
    c = row.comment
    verdict = None
    if row.score is not None:
        verdict = {
            "score": row.score,
            "reasons": [
                {"scorer": r.scorer, "points": r.points, "text": r.text} for r in row.reasons
            ],
        }
    return {
        "id": c.id,
        "thread": row.uri,
        "parent": c.parent_id,
        "author": c.author,
        "email": c.email,
        "website": c.website,
        "text": c.text_raw,
        "html": c.text_html,
        "status": c.status.value,
        "created": c.created_at,
        "edited": c.edited_at,
        "likes": c.likes,
        "dislikes": c.dislikes,
        "pinned": c.pinned,
        "locked": c.locked,
        "ip_hash": c.ip_hash,
        "avatar": c.avatar,
        "hold_reason": c.hold_reason,
        "notify": c.notify,
        "verdict": verdict,
    }


def _ban(ban: Ban) -> dict[str, Any]:
    return {
        "kind": ban.kind.value,
        "value": ban.value,
        "reason": ban.reason,
        "created": ban.created_at,
        "expires": ban.expires_at,
    }


def _report(report: rows.ReportRow) -> dict[str, Any]:
    return {
        "comment": report.comment_id,
        "reporter_hash": report.reporter_hash,
        "reason": report.reason,
        "note": report.note,
        "created": report.created_at,
    }


def _audit(entry: AuditEntry) -> dict[str, Any]:
    return {
        "actor": entry.actor,
        "action": entry.action,
        "comment": entry.comment_id,
        "uri": entry.uri,
        "reason": entry.reason,
        "created": entry.at,
    }


# -- WXR -------------------------------------------------------------------------------

# What XML 1.0 cannot carry at all, even escaped: most control characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_APPROVED = {
    Status.APPROVED: "1",
    Status.PENDING: "0",
    Status.SPAM: "spam",
    Status.DELETED: "trash",
}
_NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dsq="http://www.disqus.com/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)


def _x(text: str) -> str:
    """Text as XML character data: escaped, with characters XML forbids left out."""
    return escape(_NOT_XML.sub("", text))


def _gmt(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rfc822(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _wxr_head(site: Site, server_url: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" {_NAMESPACES}>\n<channel>\n'
        f"<title>{_x(site.name or site.id)}</title>\n"
        f"<link>{_x(site.page_url('/', server_url))}</link>\n"
        f"<language>{_x(site.language)}</language>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        "<generator>yorum</generator>\n"
    )


def _slug(uri: str) -> str:
    path = urlsplit(uri).path.strip("/")
    return re.sub(r"[^\w-]+", "-", path.rsplit("/", 1)[-1]).strip("-").lower()


def _wxr_item(site: Site, thread: Thread, server_url: str) -> str:
    at = thread.created_at
    return (
        "<item>\n"
        f"<title>{_x(thread.title or thread.uri)}</title>\n"
        f"<link>{_x(site.page_url(thread.uri, server_url))}</link>\n"
        f"<pubDate>{_rfc822(at)}</pubDate>\n"
        "<content:encoded></content:encoded>\n"
        f"<dsq:thread_identifier>{_x(thread.uri)}</dsq:thread_identifier>\n"
        f"<wp:post_id>{thread.id}</wp:post_id>\n"
        f"<wp:post_date>{_gmt(at)}</wp:post_date>\n"
        f"<wp:post_date_gmt>{_gmt(at)}</wp:post_date_gmt>\n"
        f"<wp:post_name>{_x(_slug(thread.uri))}</wp:post_name>\n"
        f"<wp:comment_status>{'closed' if thread.locked else 'open'}</wp:comment_status>\n"
        "<wp:status>publish</wp:status>\n"
        "<wp:post_type>post</wp:post_type>\n"
    )


def _wxr_comment(c: Comment) -> str:
    return (
        "<wp:comment>\n"
        f"<wp:comment_id>{c.id}</wp:comment_id>\n"
        f"<wp:comment_author>{_x(c.author)}</wp:comment_author>\n"
        f"<wp:comment_author_email>{_x(c.email)}</wp:comment_author_email>\n"
        f"<wp:comment_author_url>{_x(c.website)}</wp:comment_author_url>\n"
        "<wp:comment_author_IP></wp:comment_author_IP>\n"
        f"<wp:comment_date>{_gmt(c.created_at)}</wp:comment_date>\n"
        f"<wp:comment_date_gmt>{_gmt(c.created_at)}</wp:comment_date_gmt>\n"
        f"<wp:comment_content>{_x(c.text_html)}</wp:comment_content>\n"
        f"<wp:comment_approved>{_APPROVED[c.status]}</wp:comment_approved>\n"
        "<wp:comment_type>comment</wp:comment_type>\n"
        f"<wp:comment_parent>{c.parent_id or 0}</wp:comment_parent>\n"
        "</wp:comment>\n"
    )
