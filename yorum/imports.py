"""Writing imported comments: ``ImportService.run`` takes an importer's records to the site.

- **Idempotent**: each record is keyed on its source id (``storage.imports``); a record
  imported before is counted as "already there" and changes nothing.
- **Transactional per batch**: records are written ``BATCH`` at a time in one transaction.
  When the source breaks off (``BrokenInput``), the batch in hand is rolled back and the
  earlier ones stay, so importing the repaired file again picks up where it broke.
- **Threads whole**: a reply whose parent comes later in the file is stored at the top
  and given its parent when the parent arrives, at the end; a parent never seen leaves the
  reply at the top level, reported as an orphan.
- **Deleted comments** are kept as blank placeholders when someone replied to them, and
  left out otherwise.
- Text is rendered and sanitized like any comment; an address is kept only as its keyed
  hash. Imports skip moderation and rate limits: they are the publisher's own data.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit

from yorum import render
from yorum.importers import ImportedComment, Record, Skipped
from yorum.models import Site, Status
from yorum.privacy import AvatarSeeds, IpHasher
from yorum.settings import CommentSettings
from yorum.sites import SiteService
from yorum.storage import Store, Tx
from yorum.storage import comments as comment_rows
from yorum.storage import imports as import_rows
from yorum.storage import threads as thread_rows

BATCH = 2000
EXAMPLES = 20  # skipped records listed by id in the report (all are counted)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    read: int = 0
    imported: int = 0
    already: int = 0  # imported by an earlier run: left as they are
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> how many
    examples: list[Skipped] = field(default_factory=list)
    orphans: int = 0  # replies whose parent was not in the file: kept at the top level
    threads: int = 0  # threads created

    def skip(self, record: Skipped) -> None:
        self.skipped[record.reason] += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(record)


def remapper(pairs: Sequence[tuple[str, str]], site: Site) -> Callable[[str], str]:
    """The thread key a source's page gets here: the first matching ``OLD=NEW`` prefix
    swapped, then a full URL on one of the site's origins made a path (the widget keys
    threads by path)."""
    origins = {o for o in site.origins if o != "*"}

    def remap(key: str) -> str:
        for old, new in pairs:
            if key.startswith(old):
                key = new + key[len(old) :]
                break
        parts = urlsplit(key)
        if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" in origins:
            key = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return key

    return remap


class ImportService:
    """Takes records to a site, keyed on their source ids."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        hash_ip: IpHasher,
        avatar_seed: AvatarSeeds,
        limits: CommentSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.sites = sites
        self.hash_ip = hash_ip
        self.avatar_seed = avatar_seed
        self.limits = limits
        self.clock = clock

    def run(
        self,
        site_id: str,
        records: Iterable[Record],
        *,
        source: str,
        remap: Sequence[tuple[str, str]] = (),
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        report: ImportReport | None = None,
    ) -> ImportReport:
        """Import ``records`` into the site; the report says what happened and why.

        Pass ``report`` to see how far an import got when the source breaks off
        (``BrokenInput``): it counts what the committed batches hold.
        """
        site = self.sites.get(site_id)
        key_of = remapper(remap, site)
        report = report if report is not None else ImportReport()
        stream = iter(records)
        try:
            while True:
                before = copy.deepcopy(report)
                try:
                    with self.store.read() if dry_run else self.store.write() as tx:
                        done = self._batch(tx, site, stream, source, key_of, report, dry_run)
                except BaseException:
                    # The batch was rolled back: the report counts what stayed.
                    report.__dict__.update(before.__dict__)
                    raise
                if progress is not None:
                    progress(report.read)
                if done < BATCH:
                    break
        finally:
            if not dry_run:  # what was committed gets its late parents, broken input or not
                with self.store.write() as tx:
                    self._resolve(tx, site, source, report)
        return report

    def _batch(
        self,
        tx: Tx,
        site: Site,
        stream: Iterator[Record],
        source: str,
        key_of: Callable[[str], str],
        report: ImportReport,
        dry_run: bool,
    ) -> int:
        taken = 0
        seen: set[str] = set()
        for record in islice(stream, BATCH):
            taken += 1
            report.read += 1
            if isinstance(record, Skipped):
                report.skip(record)
                continue
            already = (
                record.source_id in seen
                or import_rows.comment_of(tx, site.id, source, record.source_id) is not None
            )
            if already:
                report.already += 1
                continue
            seen.add(record.source_id)
            report.imported += 1
            if not dry_run:
                self._store(tx, site, source, key_of(record.thread), record, report)
        return taken

    def _store(
        self, tx: Tx, site: Site, source: str, uri: str, r: ImportedComment, report: ImportReport
    ) -> None:
        if thread_rows.find(tx, site.id, uri) is None:
            report.threads += 1
        thread = thread_rows.get_or_create(tx, site.id, uri, r.title[:300], r.created_at)
        parent_id = import_rows.comment_of(tx, site.id, source, r.parent) if r.parent else None
        parent = comment_rows.get(tx, parent_id) if parent_id is not None else None
        deleted = r.status is Status.DELETED
        text = "" if deleted else r.text[: self.limits.max_text_length]
        comment = comment_rows.insert(
            tx,
            thread_id=thread.id,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author="" if deleted else r.author[: self.limits.max_name_length],
            email="" if deleted else r.email[:254],
            website="" if deleted else r.website[:512],
            text_raw=text,
            text_html=render.render(text) if text else "",
            status=r.status,
            created_at=r.created_at,
            ip_hash=self.hash_ip(r.ip) if r.ip else "",
            avatar="" if deleted else self.avatar_seed(r.email, r.author),
        )
        if r.likes or r.dislikes or r.edited_at is not None:
            import_rows.carry_over(tx, comment.id, r.likes, r.dislikes, r.edited_at)
        waiting = r.parent if r.parent and parent is None else None
        import_rows.remember(tx, site.id, source, r.source_id, comment.id, waiting)
        thread_rows.bump(tx, thread.id)

    def _resolve(self, tx: Tx, site: Site, source: str, report: ImportReport) -> None:
        """Give late parents to their replies, then drop deleted comments nobody answered."""
        for comment_id, parent_source in import_rows.unresolved(tx, site.id, source):
            parent_id = import_rows.comment_of(tx, site.id, source, parent_source)
            if parent_id is None:
                report.orphans += 1
            import_rows.resolved(tx, comment_id, parent_id)
        import_rows.fix_depths(tx, site.id)
        for comment_id in import_rows.childless_deleted(tx, site.id, source):
            comment_rows.remove(tx, comment_id)
            report.imported -= 1
            report.skip(Skipped("", "deleted, and nobody replied to it"))
