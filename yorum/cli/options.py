"""What every ``yorum`` command shares: the --config and --data-dir options, loading the
settings, and opening the services with a clear error instead of a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from yorum.services import Services, build
from yorum.settings import Settings, SettingsError, load, with_overrides


def settings_for(config: str | None, data_dir: str | None, **server: Any) -> Settings:
    """Settings from the file, the environment, and then the command line."""
    try:
        settings = load(config, os.environ)
    except SettingsError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from None
    overrides = {key: value for key, value in server.items() if value is not None}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return with_overrides(settings, server=overrides) if overrides else settings


def common(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command takes: the config file and the data directory."""
    func = click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        help="Data directory (or YORUM_DATA_DIR; default: the setting server.data_dir).",
        envvar="YORUM_DATA_DIR",
    )(func)
    func = click.option(
        "--config",
        type=click.Path(dir_okay=False),
        envvar="YORUM_CONFIG",
        help="TOML configuration file (or YORUM_CONFIG).",
    )(func)
    return func


def services_for(settings: Settings) -> Services:
    try:
        return build(settings)
    except Exception as exc:  # the command's edge: say what failed, not a traceback
        click.echo(f"error: cannot open the database: {exc}", err=True)
        raise SystemExit(1) from None
