"""yorum's own export (``yorum export --format json``) read back, for a restore or a move
between yorum servers.

Comments come out as ``RestoredComment``: an ``ImportedComment`` (so anything that
imports other formats imports these) that also carries what only yorum has: the
rendered HTML, the address hash, the avatar seed, pinned and locked, the hold reason,
the reply-notification wish and the spam verdict. Everything else in the file (the
site's settings, thread locks and dates, bans, word lists, commenters, reader reports
and the audit log) is gathered on a ``Restore`` as it is read (also kept on
``YorumImporter.restore``) and yielded after the last comment; the import service
restores it once every comment is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from yorum.export import FORMAT, VERSION
from yorum.importers import (
    BrokenInput,
    Record,
    Restore,
    RestoredAction,
    RestoredBan,
    RestoredComment,
    RestoredCommenter,
    RestoredReport,
    RestoredThread,
    RestoredWord,
    Skipped,
)
from yorum.importers.sources import decompressed, json_items
from yorum.models import (
    BanKind,
    Erasure,
    FieldRule,
    NotifyMode,
    Policy,
    Reason,
    ReportReason,
    Site,
    Status,
    WordKind,
)

VERSIONS = (VERSION,)  # the versions of the format this yorum reads
_SECTIONS = ("threads", "comments", "bans", "words", "commenters", "reports", "audit_log")


class YorumImporter:
    """Reads a yorum JSON export (plain or gzip) as a stream."""

    name = "yorum"

    def __init__(self) -> None:
        self.restore = Restore()

    def parse(self, source: BinaryIO) -> Iterator[Record]:
        """The export's comments, in file order (by id: parents first)."""
        self.restore = restore = Restore()
        prefixes = {"format", "version", "exported", "site", *(f"{s}.item" for s in _SECTIONS)}
        fmt: Any = None
        version: Any = None
        for prefix, value in json_items(decompressed(source), prefixes):
            if prefix == "format":
                fmt = value
                continue
            if prefix == "version":
                version = value
                continue
            if fmt != FORMAT or version not in VERSIONS:
                raise BrokenInput(
                    "Not a yorum export of a version this yorum reads "
                    f"(format {fmt!r}, version {version!r}; reads {FORMAT} {VERSIONS}).",
                    field="file",
                )
            try:
                if prefix == "comments.item":
                    yield _comment(value, restore)
                else:
                    _gather(restore, prefix, value)
            except (KeyError, TypeError, ValueError) as exc:
                if prefix == "comments.item":
                    ident = value.get("id") if isinstance(value, dict) else None
                    yield Skipped(str(ident or ""), f"a comment yorum cannot read: {exc!r}")
                else:
                    raise BrokenInput(
                        f"{prefix.split('.')[0]}: an entry yorum cannot read: {exc!r}",
                        field="file",
                    ) from exc
        if fmt is None:
            raise BrokenInput("Not a yorum export: it has no format marker.", field="file")
        yield restore


def _comment(c: dict[str, Any], restore: Restore) -> RestoredComment:
    verdict = c.get("verdict")
    thread = restore.threads.get(_str(c["thread"]))
    parent = c["parent"]
    return RestoredComment(
        source_id=str(int(c["id"])),
        thread=_str(c["thread"]),
        title=thread.title if thread else "",
        parent=None if parent is None else str(int(parent)),
        author=_str(c["author"]),
        email=_str(c["email"]),
        website=_str(c["website"]),
        text=_str(c["text"]),
        created_at=float(c["created"]),
        status=Status(c["status"]),
        likes=int(c["likes"]),
        dislikes=int(c["dislikes"]),
        edited_at=None if c["edited"] is None else float(c["edited"]),
        html=_str(c["html"]),
        ip_hash=_str(c["ip_hash"]),
        avatar=_str(c["avatar"]),
        pinned=bool(c["pinned"]),
        locked=bool(c["locked"]),
        hold_reason=_str(c["hold_reason"]),
        notify=bool(c["notify"]),
        score=None if not verdict else float(verdict["score"]),
        reasons=tuple(
            Reason(_str(r["scorer"]), float(r["points"]), _str(r["text"]))
            for r in (verdict["reasons"] if verdict else ())
        ),
    )


def _gather(restore: Restore, prefix: str, v: Any) -> None:
    """Keep one non-comment entry on ``restore``."""
    if prefix == "exported":
        restore.exported_at = float(v)
    elif prefix == "site":
        restore.site = _site(v)
    elif prefix == "threads.item":
        thread = RestoredThread(
            _str(v["uri"]), _str(v["title"]), bool(v["locked"]), float(v["created"])
        )
        restore.threads[thread.uri] = thread
    elif prefix == "bans.item":
        expires = v["expires"]
        restore.bans.append(
            RestoredBan(
                BanKind(v["kind"]), _str(v["value"]), _str(v["reason"]), float(v["created"]),
                None if expires is None else float(expires),
            )
        )  # fmt: skip
    elif prefix == "words.item":
        restore.words.append(
            RestoredWord(WordKind(v["kind"]), _str(v["word"]), float(v["created"]))
        )
    elif prefix == "commenters.item":
        restore.commenters.append(
            RestoredCommenter(
                _str(v["key"]), bool(v["trusted"]), bool(v["known"]), float(v["updated"])
            )
        )
    elif prefix == "reports.item":
        restore.reports.append(
            RestoredReport(
                str(int(v["comment"])), _str(v["reporter_hash"]), ReportReason(v["reason"]),
                _str(v["note"]), float(v["created"]),
            )
        )  # fmt: skip
    elif prefix == "audit_log.item":
        comment = v["comment"]
        restore.audit_log.append(
            RestoredAction(
                _str(v["actor"]), _str(v["action"]),
                None if comment is None else str(int(comment)),
                None if v["uri"] is None else _str(v["uri"]), _str(v["reason"]),
                float(v["created"]),
            )
        )  # fmt: skip


def _site(v: dict[str, Any]) -> Site:
    return Site(
        id=_str(v["id"]),
        name=_str(v["name"]),
        origins=tuple(_str(o) for o in v["origins"]),
        language=_str(v["language"]),
        policy=Policy(v["policy"]),
        created_at=float(v["created"]),
        author_field=FieldRule(v["author_field"]),
        email_field=FieldRule(v["email_field"]),
        website_field=FieldRule(v["website_field"]),
        report_threshold=int(v["report_threshold"]),
        close_after_days=int(v["close_after_days"]),
        hold_score=float(v["hold_score"]),
        spam_score=float(v["spam_score"]),
        notify_emails=tuple(_str(e) for e in v["notify_emails"]),
        notify_mode=NotifyMode(v["notify_mode"]),
        reply_notifications=bool(v["reply_notifications"]),
        erasure=Erasure(v.get("erasure", Erasure.DELETE.value)),
    )


def _str(value: Any) -> str:
    """A string field; anything else is a broken entry."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value
