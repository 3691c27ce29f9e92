"""The import service: writes an importer's records into a site, in batches, idempotently.

``ImportService.run(site_id, records, source=..., remap=..., dry_run=...)`` reads the
records an importer yields (``yorum.importers``) and stores them as comments:

- each record is keyed on ``(site, source, source id)`` in the ``imported`` table, so a
  record imported before is counted as "already there" and changes nothing;
- records are written in batches, each in a transaction of its own; when the source turns
  out broken (``BrokenInput``) the batch being read is rolled back and the report tells
  what the batches before it imported;
- a reply whose parent is known (stored before, or in the same batch) is stored under it;
  one whose parent comes later is stored top-level and linked once the whole source is
  read; one whose parent never comes stays top-level and is counted as an orphan;
- a deleted comment is kept as a placeholder (no text, no author) when something replies
  to it, and dropped otherwise;
- imports skip moderation and rate limits (the comments are the publisher's own), keep
  each record's status, dates and votes, render the text like any comment's, keep only
  the keyed hash of an address, and shorten names past the site's limit.

A dry run does all of that in one transaction and rolls it back: its report is exactly the
real run's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from yorum.import_report import ImportReport
from yorum.import_run import Batch, ImportRun
from yorum.import_workers import Renderer, read_apart
from yorum.importers import BrokenInput, Record
from yorum.privacy import AvatarSeeds, IpHasher
from yorum.remap import Remap
from yorum.settings import CommentSettings
from yorum.sites import SiteService
from yorum.storage import Store, Tx

NO_REMAP = Remap()
"""Thread keys as the source has them (but URLs on the site's origins made paths)."""


class DryRun(Exception):
    """Raised inside a dry run's transaction to roll it back."""


class ImportService:
    """Stores importers' records as a site's comments (``yorum import``)."""

    def __init__(
        self,
        store: Store,
        sites: SiteService,
        hash_ip: IpHasher,
        avatar_seed: AvatarSeeds,
        settings: CommentSettings,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.sites = sites
        self.hash_ip = hash_ip
        self.avatar_seed = avatar_seed
        self.settings = settings
        self.clock = clock

    def run(
        self,
        site_id: str,
        records: Iterable[Record],
        *,
        source: str,
        remap: Remap = NO_REMAP,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import ``records`` (from the importer named ``source``) into the site.

        ``progress`` is called with the number of records read after each batch. Never
        raises ``BrokenInput``: the report's ``broken`` says where reading stopped.
        """
        site = self.sites.get(site_id)
        report = ImportReport(source=source, site_id=site.id, dry_run=dry_run)
        run = ImportRun(self, site, source, remap, report)
        # While one batch is stored, the next is read and its texts rendered (by worker
        # processes once the import proves big): the three overlap.
        with Renderer() as renderer, contextlib.suppress(DryRun):
            with self._transactions(dry_run) as batch_tx:
                waiting: Batch | None = None
                try:
                    for batch in run.read(read_apart(records)):
                        batch.html = renderer.submit(run.texts(batch))
                        if waiting is not None:
                            with batch_tx() as tx:
                                run.store(tx, waiting)
                            if progress is not None:
                                progress(report.read)
                        waiting = batch
                except BrokenInput as exc:
                    report.broken = str(exc)
                if waiting is not None:
                    with batch_tx() as tx:
                        run.store(tx, waiting)
                    if progress is not None:
                        progress(report.read)
                with batch_tx() as tx:
                    run.finish(tx)
                if dry_run:
                    raise DryRun
        return report

    @contextmanager
    def _transactions(self, dry_run: bool) -> Iterator[Callable[[], Any]]:
        """A factory of batch transactions: each its own, or savepoints of one that a dry
        run rolls back at the end."""
        if not dry_run:
            yield lambda: self.store.write(bulk=True)
            return
        with self.store.write(bulk=True) as outer:

            @contextmanager
            def savepoint() -> Iterator[Tx]:
                with outer.begin_nested():
                    yield outer

            yield savepoint
