"""``yorum import FORMAT FILE --site SITE``: comments from another system's export."""

from __future__ import annotations

from pathlib import Path

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.importers import load
from yorum.imports import ImportReport


def _pairs(maps: tuple[str, ...], map_file: Path | None) -> list[tuple[str, str]]:
    lines = list(maps)
    if map_file is not None:
        for line in map_file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                old, _, new = line.strip().partition(" ")
                lines.append(f"{old}={new.strip()}")
    pairs = []
    for line in lines:
        old, sep, new = line.partition("=")
        if not sep or not old:
            raise click.UsageError(f"--map takes OLD_PREFIX=NEW_PREFIX, not {line!r}")
        pairs.append((old, new))
    return pairs


def _print(report: ImportReport, dry_run: bool) -> None:
    verb = "would import" if dry_run else "imported"
    skipped = sum(report.skipped.values())
    click.echo(f"read {report.read} records: {verb} {report.imported}, "
               f"{report.already} already there, {skipped} skipped")  # fmt: skip
    if not dry_run:
        click.echo(f"threads created: {report.threads}; replies without their parent: "
                   f"{report.orphans} (kept at the top level)")  # fmt: skip
    for reason, count in report.skipped.most_common():
        click.echo(f"  skipped {count}: {reason}")
    for example in report.examples:
        if example.source_id:
            click.echo(f"    {example.source_id}: {example.reason}")


@click.command("import")
@common
@click.argument("format_name", metavar="FORMAT")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--dry-run", is_flag=True, help="Read everything, write nothing, report.")
@click.option("--map", "maps", multiple=True, help="OLD_PREFIX=NEW_PREFIX for page keys.")
@click.option(
    "--map-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A file of 'OLD_PREFIX NEW_PREFIX' lines.",
)
def import_command(
    config: str | None,
    data_dir: str | None,
    format_name: str,
    file: Path,
    site_id: str,
    dry_run: bool,
    maps: tuple[str, ...],
    map_file: Path | None,
) -> None:
    """Import comments from another system's export (importing twice changes nothing).

    Example: yorum import disqus export.xml --site blog --map http://old.example=https://blog.example
    """
    pairs = _pairs(maps, map_file)
    services = services_for(settings_for(config, data_dir))
    report = ImportReport()
    try:
        importer = load(format_name)
        with file.open("rb") as source:
            report = services.imports.run(
                site_id, importer.parse(source), source=format_name, remap=pairs,
                dry_run=dry_run, report=report,
                progress=lambda n: click.echo(f"... {n} records read", err=True),
            )  # fmt: skip
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if report.read:
            click.echo("before that (the broken batch was not written):", err=True)
            _print(report, dry_run)
        raise SystemExit(1) from None
    finally:
        services.close()
    _print(report, dry_run)
