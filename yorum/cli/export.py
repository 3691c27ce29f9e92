"""``yorum export``: write a site out as yorum's JSON format or as WordPress WXR."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.export import Exporter
from yorum.notify.events import server_url


@click.command("export")
@common
@click.option("--site", "site_id", required=True, help="The site to export.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "wxr"]),
    default="json",
    show_default=True,
    help="json: yorum's own format, everything (yorum import yorum reads it back); "
    "wxr: WordPress eXtended RSS, for WordPress or Disqus.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="File to write (default: standard output). An existing file is replaced.",
)
def export(config: str | None, data_dir: str | None, site_id: str, fmt: str, output: str) -> None:
    """Write a site's threads, comments and moderation data out, streamed.

    Example: yorum export --site blog --output blog.json
    """
    services = services_for(settings_for(config, data_dir))
    exporter = Exporter(services.store, server_url(services.settings))
    write = exporter.json if fmt == "json" else exporter.wxr
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    try:
        if output == "-":
            done = write(site_id, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with partial.open("wb") as out:
                done = write(site_id, out)
            partial.replace(target)  # a file that is there is a whole export
    except YorumError as exc:
        partial.unlink(missing_ok=True)
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"exported {done.threads} threads, {done.comments} comments", err=True)
