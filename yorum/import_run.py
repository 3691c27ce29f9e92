"""One import while it runs (``yorum.imports`` starts it): the source read in batches,
each batch stored with its parents before its replies, and at the end the late parents
linked, depths fixed, unanswered deleted comments dropped, and a full backup's other
parts restored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from yorum import render
from yorum.import_report import ImportReport
from yorum.import_workers import render_all
from yorum.importers import ImportedComment, Record, Restore, RestoredComment, Skipped
from yorum.models import Site, Status
from yorum.moderation.text import fold_word
from yorum.remap import Remap
from yorum.storage import Tx
from yorum.storage import imports as rows

if TYPE_CHECKING:
    from yorum.imports import ImportService

BATCH = 5000
"""Records per write transaction."""

# Column limits of the tables (yorum.storage.tables).
_EMAIL, _WEBSITE, _URI, _TITLE, _SOURCE_ID = 254, 2048, 2048, 300, 200


@dataclass
class Batch:
    """Records read together and stored in one transaction."""

    comments: dict[str, ImportedComment]  # by source id
    read: int  # records read, skipped ones included
    skipped: list[Skipped]
    duplicates: int  # records repeated in the batch
    known: set[str]  # source ids imported before (as the batch was read)
    html: Callable[[], list[str]] = lambda: []  # the rendered texts, in order of ``comments``


class ImportRun:
    """The state of one import while it runs: thread ids, and what awaits the end."""

    def __init__(
        self, service: ImportService, site: Site, source: str, remap: Remap, report: ImportReport
    ) -> None:
        self.service = service
        self.site = site
        self.source = source
        self.remap = remap
        self.report = report
        self.threads: dict[str, int] = {}  # yorum thread key -> thread id
        self.keys: dict[str, str] = {}  # the source's thread key -> yorum's
        self.ip_hashes: dict[str, str] = {}
        self.placeholders: list[int] = []  # deleted comments, dropped at the end if no replies
        self.restore: Restore | None = None  # the rest of a full backup (yorum's own format)

    # -- reading ---------------------------------------------------------------------------

    def read(self, stream: Iterator[Record]) -> Iterator[Batch]:
        """The records in batches; raises the source's ``BrokenInput`` where it breaks."""
        while True:
            comments: dict[str, ImportedComment] = {}
            skipped: list[Skipped] = []
            read = duplicates = 0
            for record in islice(stream, BATCH):
                if isinstance(record, Restore):  # after the last comment
                    self.restore = record
                    continue
                read += 1
                if isinstance(record, Skipped):
                    skipped.append(record)
                elif not record.source_id or len(record.source_id) > _SOURCE_ID:
                    skipped.append(Skipped(record.source_id[:40], "no usable id in the source"))
                elif record.source_id in comments:
                    duplicates += 1
                else:
                    comments[record.source_id] = record
            if not read:
                return
            with self.service.store.read() as tx:
                known = rows.known(tx, self.site.id, self.source, list(comments))
            yield Batch(comments, read, skipped, duplicates, known)
            if read < BATCH:
                return

    def texts(self, batch: Batch) -> list[str]:
        """What to render of a batch: the texts of the comments not imported before (a
        restored comment brings its HTML)."""
        return [
            ""
            if c.status is Status.DELETED
            or c.source_id in batch.known
            or isinstance(c, RestoredComment)
            else c.text
            for c in batch.comments.values()
        ]

    # -- storing ---------------------------------------------------------------------------

    def store(self, tx: Tx, batch: Batch) -> None:
        """Store a batch's comments (those not imported before) and count the rest."""
        site, report = self.site, self.report
        rows.prepare(tx)
        report.read += batch.read
        report.already_there += batch.duplicates
        for skipped in batch.skipped:
            report.skip(skipped)
        html = dict(zip(batch.comments, batch.html(), strict=True))
        known = rows.known(tx, site.id, self.source, list(batch.comments))
        report.already_there += len(known)
        keys: dict[str, str] = {}  # source id -> thread key
        fresh = []
        for record in batch.comments.values():
            if record.source_id in known:
                continue
            key = self._key(record.thread)
            if not key or len(key) > _URI:
                report.skip(Skipped(record.source_id, "no usable page address"))
                continue
            keys[record.source_id] = key
            if record.parent == record.source_id:
                record = dataclasses.replace(record, parent=None)
            if isinstance(record, RestoredComment):  # sanitized again: files can be edited
                html[record.source_id] = render.sanitize(record.html)
            elif record.source_id in batch.known:  # not rendered: it was there as we read
                html[record.source_id] = render_all([record.text])[0]
            fresh.append(record)
        self._ensure_threads(tx, {keys[r.source_id]: r.title for r in fresh})
        parents = {r.parent for r in fresh if r.parent}
        in_batch = {r.source_id for r in fresh}
        stored = rows.kept(tx, site.id, self.source, [p for p in parents if p not in in_batch])
        # Parents before their replies: first what has no parent, a stored one, or one not
        # in this batch, then the replies to those, breadth first; replies whose parent is
        # nowhere yet are stored top-level and linked at the end (as are replies caught in
        # a cycle, a source's error, which the end cuts).
        replies: dict[str, list[ImportedComment]] = {}
        ordered: list[ImportedComment] = []
        for record in fresh:
            if record.parent and record.parent in in_batch and record.parent not in stored:
                replies.setdefault(record.parent, []).append(record)
            else:
                ordered.append(record)
        at = 0
        while at < len(ordered):
            ordered.extend(replies.pop(ordered[at].source_id, ()))
            at += 1
        ordered.extend(record for cycle in replies.values() for record in cycle)
        ids = rows.allocate_ids(tx, len(ordered))
        comment_rows, imported_rows, verdicts = [], [], []
        for record, comment_id in zip(ordered, ids, strict=True):
            parent = stored.get(record.parent) if record.parent else None
            parent_id, depth = self._place(parent)
            row = self._row(record, self.threads[keys[record.source_id]], parent_id, depth)
            row["id"] = comment_id
            row["text_html"] = html[record.source_id] if row["text_raw"] else ""
            comment_rows.append(row)
            imported_rows.append(
                {
                    "site_id": site.id,
                    "source": self.source,
                    "source_id": record.source_id,
                    "comment_id": comment_id,
                    "parent_source_id": record.parent if record.parent and not parent else None,
                }
            )
            stored[record.source_id] = (comment_id, depth, parent_id)
            if isinstance(record, RestoredComment):  # kept as the backup has it
                if record.score is not None:
                    verdicts.append((comment_id, record.score, record.reasons))
            elif record.status is Status.DELETED:
                self.placeholders.append(comment_id)
        rows.insert_comments(tx, comment_rows)
        rows.remember(tx, imported_rows)
        rows.add_verdicts(tx, verdicts)
        report.imported += len(ordered)
        rows.bump(tx, {self.threads[keys[r.source_id]] for r in fresh})

    def _key(self, thread: str) -> str:
        key = self.keys.get(thread)
        if key is None:
            key = self.keys[thread] = self.remap.key(thread.strip(), self.site)
        return key

    def _ip_hash(self, ip: str) -> str:
        if not ip:
            return ""
        hashed = self.ip_hashes.get(ip)
        if hashed is None:
            if len(self.ip_hashes) > 10_000:
                self.ip_hashes.clear()
            hashed = self.ip_hashes[ip] = self.service.hash_ip(ip)
        return hashed

    def _ensure_threads(self, tx: Tx, pages: dict[str, str]) -> None:
        """Find or create the thread of each ``key -> title``; fill in missing titles."""
        missing = [key for key in pages if key not in self.threads]
        if not missing:
            return
        found = rows.threads_of(tx, self.site.id, missing)
        titles = {}
        for key, (thread_id, title) in found.items():
            self.threads[key] = thread_id
            if not title and pages[key]:
                titles[thread_id] = self._title(pages[key])
        rows.set_titles(tx, titles)
        new = {key: self._title(pages[key]) for key in missing if key not in found}
        rows.create_threads(tx, self.site.id, new, self.service.clock())
        for key, (thread_id, _) in rows.threads_of(tx, self.site.id, list(new)).items():
            self.threads[key] = thread_id
        self.report.threads_created += len(new)

    def _title(self, title: str) -> str:
        title = " ".join(title.split())
        if len(title) > _TITLE:
            self.report.notes[f"page titles shortened to {_TITLE} characters"] += 1
            return title[: _TITLE - 1] + "…"
        return title

    def _place(self, parent: tuple[int, int, int | None] | None) -> tuple[int | None, int]:
        """``(parent id, depth)`` of a reply to ``parent`` (its comment id, depth and parent
        id): under it, or beside it when it is as deep as replies nest (``max_depth``), as
        a reply posted there would be refused."""
        if parent is None:
            return None, 0
        comment_id, depth, parent_id = parent
        if depth < self.service.settings.max_depth:
            return comment_id, depth + 1
        return parent_id, depth

    def _row(
        self, record: ImportedComment, thread_id: int, parent_id: int | None, depth: int
    ) -> dict[str, Any]:
        """The ``comments`` row for a record (all but id and HTML), fitted to the limits."""
        notes = self.report.notes
        author, email, website = record.author.strip(), record.email.strip(), record.website
        limit = self.service.settings.max_name_length
        if len(author) > limit:
            notes[f"author names shortened to {limit} characters"] += 1
            author = author[: limit - 1] + "…"
        if len(email) > _EMAIL:
            notes["e-mail addresses over 254 characters left out"] += 1
            email = ""
        if len(website) > _WEBSITE:
            notes["websites over 2048 characters left out"] += 1
            website = ""
        text = record.text
        if isinstance(record, RestoredComment):  # as the backup has it, but for the limits
            return {
                **self._fields(thread_id, parent_id, depth, record, author, email, website, text),
                "ip_hash": record.ip_hash[:64],
                "avatar": record.avatar[:16],
                "pinned": record.pinned,
                "locked": record.locked,
                "hold_reason": record.hold_reason,
                "notify": record.notify,
            }
        if record.status is Status.DELETED:
            author = email = website = text = ""
        return {
            **self._fields(thread_id, parent_id, depth, record, author, email, website, text),
            "ip_hash": self._ip_hash(record.ip),
            "avatar": self.service.avatar_seed(email, author),
            "pinned": False,
            "locked": False,
            "hold_reason": "",
            "notify": False,
        }

    @staticmethod
    def _fields(
        thread_id: int,
        parent_id: int | None,
        depth: int,
        record: ImportedComment,
        author: str,
        email: str,
        website: str,
        text: str,
    ) -> dict[str, Any]:
        """The columns every imported comment fills the same way."""
        return {
            "thread_id": thread_id,
            "parent_id": parent_id,
            "depth": depth,
            "author": author,
            "email": email,
            "website": website,
            "text_raw": text,
            "status": record.status.value,
            "created_at": record.created_at,
            "edited_at": record.edited_at,
            "likes": max(0, record.likes),
            "dislikes": max(0, record.dislikes),
        }

    # -- the end ---------------------------------------------------------------------------

    def finish(self, tx: Tx) -> None:
        """Link replies to parents that came after them, fix depths, count orphans, and
        drop deleted comments nothing replies to."""
        site_id, source = self.site.id, self.source
        waiting = rows.pending(tx, site_id, source)
        if waiting:
            parents = {parent for _, parent in waiting}
            found: dict[str, tuple[int, int, int | None]] = {}
            names = sorted(parents)
            for start in range(0, len(names), BATCH):
                found.update(rows.kept(tx, site_id, source, names[start : start + BATCH]))
            links = [(child, found[parent][0]) for child, parent in waiting if parent in found]
            self.report.orphans += len(waiting) - len(links)
            rows.link(tx, links)
            rows.settle(tx, site_id, source)
            affected = sorted(rows.thread_ids(tx, [child for child, _ in links]))
            for start in range(0, len(affected), 500):
                chunk = affected[start : start + 500]
                self.report.orphans += self._fix_depths(tx, chunk)
            rows.bump(tx, affected)
        dropped_any = True
        while dropped_any and self.placeholders:
            dropped_any = False
            for start in range(0, len(self.placeholders), BATCH):
                chunk = self.placeholders[start : start + BATCH]
                for source_id in rows.drop_childless(tx, site_id, source, chunk):
                    dropped_any = True
                    self.report.imported -= 1
                    self.report.skip(Skipped(source_id, "deleted without replies"))
        if self.restore is not None:
            self._restore(tx, self.restore)

    def _restore(self, tx: Tx, restore: Restore) -> None:
        """The rest of a full backup, once its comments are in: the site's settings, the
        threads' state (threads without comments too), bans, word lists, commenters,
        reader reports and the audit log. What the site has already stays as it is, so
        restoring a file twice adds nothing."""
        site_id, source, restored = self.site.id, self.source, self.report.restored
        if restore.site is not None:
            rows.restore_site(tx, dataclasses.replace(restore.site, id=site_id))
            restored["site settings"] = 1
        pages = {self._key(t.uri): t for t in restore.threads.values()}
        self._ensure_threads(tx, {key: thread.title for key, thread in pages.items()})
        rows.restore_threads(
            tx, {self.threads[k]: (t.locked, t.created_at) for k, t in pages.items()}
        )
        restored["threads"] = len(pages)
        restored["bans"] = rows.restore_bans(tx, site_id, restore.bans)
        words = [(word, fold_word(word.word)) for word in restore.words]
        restored["words"] = rows.restore_words(tx, site_id, words)
        restored["commenters"] = rows.restore_commenters(tx, site_id, restore.commenters)
        named = {r.comment for r in restore.reports}
        named |= {a.comment for a in restore.audit_log if a.comment is not None}
        ids: dict[str, tuple[int, int, int | None]] = {}
        names = sorted(named)
        for start in range(0, len(names), BATCH):
            ids.update(rows.kept(tx, site_id, source, names[start : start + BATCH]))
        reports = [(ids[r.comment][0], r) for r in restore.reports if r.comment in ids]
        if len(reports) < len(restore.reports):
            self.report.notes["reports on comments not imported left out"] += len(
                restore.reports
            ) - len(reports)
        restored["reports"] = rows.restore_reports(tx, reports)
        entries = [(ids[a.comment][0] if a.comment in ids else None, a) for a in restore.audit_log]
        restored["audit entries"] = rows.restore_audit(tx, site_id, entries)
        rows.bump(tx, {self.threads[key] for key in pages})

    def _fix_depths(self, tx: Tx, thread_ids: list[int]) -> int:
        """Recompute the depth of every comment of these threads; break reply cycles
        (a source's error) by making their comments top-level. Returns how many were."""
        tree = rows.tree(tx, thread_ids)
        parent_of = {cid: parent for cid, parent, _ in tree}
        children: dict[int | None, list[int]] = {}
        for cid, parent, _ in tree:
            children.setdefault(parent if parent in parent_of else None, []).append(cid)
        limit = self.service.settings.max_depth
        place: dict[int, tuple[int | None, int]] = {}  # comment id -> (parent id, depth)
        stack = [(cid, parent_of[cid], 0) for cid in children.get(None, [])]
        while stack:
            cid, parent, d = stack.pop()
            place[cid] = (parent, d)
            # Its replies go under it, or beside it once it is as deep as replies nest.
            below = (cid, d + 1) if d < limit else (parent, d)
            stack.extend((child, *below) for child in children.get(cid, []))
        cuts: set[int] = set()
        for cid, _, _ in tree:
            if cid in place:
                continue
            # Not reached from a top-level comment: up its parents is a cycle; cut it there.
            walked: set[int] = set()
            node = cid
            while node not in walked and node not in cuts:
                walked.add(node)
                node = parent_of[node]  # type: ignore[assignment]
            cuts.add(node)
        changes: list[tuple[int, int | None, int]] = [(cid, None, 0) for cid in cuts]
        changes += [
            (cid, *place[cid])
            for cid, parent, old in tree
            if cid in place and place[cid] != (parent, old)
        ]
        rows.set_tree(tx, changes)
        if cuts:  # the depths below the cuts, now that they are top-level
            return len(cuts) + self._fix_depths(tx, thread_ids)
        return 0
