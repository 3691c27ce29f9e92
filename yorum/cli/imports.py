"""``yorum import FORMAT FILE --site SITE``: another system's comments into a site.

Shows a progress bar on a terminal and plain progress lines otherwise (on standard
error), then prints the report (on standard output). Exits 1 when the file breaks off,
after reporting what the batches before the break imported.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.import_report import ImportReport
from yorum.importers import Importer, load
from yorum.imports import ImportService
from yorum.remap import Remap

PLAIN_EVERY = 5.0
"""Seconds between progress lines when standard error is not a terminal."""


@click.command("import")
@common
@click.argument("format_name", metavar="FORMAT")
@click.argument("file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--site", "site_id", required=True, help="The site to import into.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="Replace the leading OLD of thread URLs with NEW (repeatable).",
)
@click.option(
    "--map-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of 'OLD NEW' lines, one rule a line, as --map takes them.",
)
def import_command(
    config: str | None,
    data_dir: str | None,
    format_name: str,
    file: str,
    site_id: str,
    dry_run: bool,
    maps: tuple[str, ...],
    map_file: Path | None,
) -> None:
    """Import another system's comments: FORMAT is disqus, wordpress, isso, remark42,
    commento, yorum (yorum export's JSON), or any importer installed.

    Importing a file twice changes nothing. Example:
    yorum import disqus export.xml --site blog --map https://old.example.org/=/ --dry-run
    """
    try:
        importer = load(format_name)
    except YorumError as exc:
        raise click.BadParameter(exc.message, param_hint="FORMAT") from None
    try:
        remap = Remap.parse(maps, map_file)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    services = services_for(settings_for(config, data_dir))
    try:
        with open(file, "rb") as source:
            report = _run(services.imports, importer, source, site_id, remap, dry_run)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    for line in report.lines():
        click.echo(line)
    if report.broken:
        raise SystemExit(1)


def _run(
    service: ImportService,
    importer: Importer,
    source: BinaryIO,
    site_id: str,
    remap: Remap,
    dry_run: bool,
) -> ImportReport:
    """Run the import with progress shown as the terminal allows; the report."""
    size = max(1, Path(source.name).stat().st_size)
    records = importer.parse(source)

    def run(progress: Callable[[int], None]) -> ImportReport:
        return service.run(
            site_id,
            records,
            source=importer.name,
            remap=remap,
            dry_run=dry_run,
            progress=progress,
        )

    if sys.stderr.isatty():
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[records]} records"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task(f"Importing {Path(source.name).name}", total=size, records=0)

            def advance(read: int) -> None:
                bar.update(task, completed=source.tell(), records=f"{read:,}")

            return run(advance)

    last = time.monotonic()

    def line(read: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PLAIN_EVERY:
            last = time.monotonic()
            share = 100 * source.tell() / size
            click.echo(f"read {read} records ({share:.0f}% of the file)", err=True)

    return run(line)
