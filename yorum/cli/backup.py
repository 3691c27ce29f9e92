"""``yorum backup`` and ``yorum restore``: online SQLite backups and putting one back."""

from __future__ import annotations

from pathlib import Path

import click

from yorum import backup as backups
from yorum.cli.options import common, settings_for
from yorum.errors import YorumError


@click.command("backup")
@common
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(config: str | None, data_dir: str | None, path: Path) -> None:
    """Copy the SQLite database to PATH while the server runs (and the secret beside it).

    Example: yorum backup /var/backups/yorum/$(date +%F).sqlite3
    """
    settings = settings_for(config, data_dir)
    try:
        done = backups.backup(settings, path)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"backed up to {done.path} ({done.size} bytes, integrity checked)")
    if done.secret is not None:
        click.echo(f"install secret copied to {done.secret}; keep both together")


@click.command("restore")
@common
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing database (stop the server).")
def restore(config: str | None, data_dir: str | None, path: Path, force: bool) -> None:
    """Put the backup PATH in place of the install's database (with the server stopped).

    Example: yorum restore /var/backups/yorum/2026-11-26.sqlite3 --force
    """
    settings = settings_for(config, data_dir)
    try:
        target = backups.restore(settings, path, force=force)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"restored {path} to {target}")
