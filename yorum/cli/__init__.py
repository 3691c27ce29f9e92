"""The ``yorum`` command: serve, migrate, check, and manage sites (moderation commands live
in ``yorum.cli.moderation``).

Scriptable and stable: deploy scripts drive it. Exit status 0 on success, 1 when the
command could not do what was asked (with the reason on stderr), 2 for usage errors.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import signal
from typing import Any

import click

from yorum import __version__, logs, scrape
from yorum.cli.backup import backup, restore
from yorum.cli.commenters import commenter
from yorum.cli.export import export
from yorum.cli.imports import import_command
from yorum.cli.moderation import ban, comments, thread, words
from yorum.cli.options import common, services_for, settings_for
from yorum.cli.sites import site
from yorum.cli.users import user
from yorum.cli.webhooks import webhook
from yorum.notify import DeliveryFailed
from yorum.notify.mail import Mailer
from yorum.services import build
from yorum.settings import SECTIONS, Settings
from yorum.storage import migrate as migrations
from yorum.storage import redact_url

_SERVE_SETTINGS = "YORUM_INTERNAL_SERVE_SETTINGS"  # hands settings to worker processes


@click.group()
@click.version_option(__version__, prog_name="yorum")
def main() -> None:
    """yorum: a self-hosted, privacy-first comment server."""


@main.command()
@common
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default 8080).")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default 1).")
def serve(
    config: str | None,
    data_dir: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
) -> None:
    """Serve yorum over HTTP; a fresh data directory gets a database and a site `default`.

    Example: yorum serve --host 0.0.0.0 --port 8080 --data-dir /var/lib/yorum
    """
    import uvicorn

    settings = settings_for(config, data_dir, host=host, port=port, workers=workers)
    logs.configure(settings.log)
    if settings.metrics.enabled:  # before anything imports prometheus_client
        scrape.prepare_multiprocess(os.environ)
    services = services_for(settings)
    first_site = services.sites.ensure_default()
    has_users = bool(services.accounts.all())
    services.close()
    server = settings.server
    click.echo(
        f"yorum {__version__} serving http://{server.host}:{server.port} "
        f"({server.workers} worker{'s' if server.workers > 1 else ''}; "
        f"first site: {first_site.id})",
        err=True,
    )
    if not has_users:
        click.echo(
            "No admin account yet. Create one with\n"
            f"  yorum user add NAME --admin --data-dir {settings.server.data_dir}\n"
            f"then sign in at http://{server.host}:{server.port}/admin",
            err=True,
        )
    os.environ[_SERVE_SETTINGS] = json.dumps(dataclasses.asdict(settings))
    signal.signal(signal.SIGTERM, _stopped)
    uvicorn.run(
        "yorum.cli:app_factory",
        factory=True,
        host=server.host,
        port=server.port,
        workers=server.workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        forwarded_allow_ips=server.forwarded_allow_ips,
        access_log=False,  # access logs would record readers' addresses
        ws="none",  # no WebSocket routes; uvicorn's WebSocket log lines name the client
        log_config=None,  # logging is yorum.logs's, in every process
        timeout_graceful_shutdown=10,
        log_level=settings.log.level,
    )


def _stopped(signum: int, frame: object) -> None:
    """End ``serve`` with status 0 once uvicorn has stopped gracefully on SIGTERM.

    uvicorn catches SIGTERM, lets requests in progress finish, and then raises the signal
    again for the handler that was there before its own. Without this one the process
    would die of the signal, which systemd and scripts that check the status read as a
    failure; a stop that was asked for and done is a success.
    """
    raise SystemExit(0)


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's per-thread memory arenas before the thread pool starts.

    By default glibc gives threads up to eight arenas per core, and a server whose pool
    threads take turns at the database keeps tens of megabytes in them that it never
    hands back. Two arenas cost nothing measurable in throughput (see bench/README.md).
    Elsewhere than glibc this does nothing.
    """
    import ctypes
    import ctypes.util

    m_arena_max = -8
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(m_arena_max, arenas)
    except (OSError, AttributeError):
        pass


def app_factory() -> Any:
    """Build the app in a worker process from the settings ``serve`` resolved."""
    from yorum.web import create_app

    _limit_malloc_arenas()
    raw = json.loads(os.environ[_SERVE_SETTINGS])
    settings = Settings(**{name: cls(**raw[name]) for name, cls in SECTIONS.items()})
    logs.configure(settings.log)
    app = create_app(
        build(settings, migrate_schema=False),
        close_on_shutdown=True,
        deliver=settings.notify.worker,
    )
    _freeze_the_heap()
    return app


def _freeze_the_heap() -> None:
    """Leave what the process has built so far out of the garbage collector's full passes.

    Modules, settings, word lists and language profiles are hundreds of thousands of
    objects that live as long as the process; every full collection walked them all and
    stopped the server for 100 to 400 ms under load. Frozen, a full pass takes about 10 ms
    (bench/README.md: uncached thread reads' p99 at two connections went from 52 to 14 ms).
    """
    gc.collect()
    gc.freeze()


@main.command("worker")
@common
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def worker_command(config: str | None, data_dir: str | None, once: bool) -> None:
    """Deliver notifications from the outbox (e-mail, webhooks) until stopped.

    For installs that run delivery apart from yorum serve (notify.worker = false); any
    number may run against one database. Example: yorum worker --config /etc/yorum.toml
    """
    from yorum.notify.channels import delivery_worker

    settings = settings_for(config, data_dir)
    logs.configure(settings.log)
    services = services_for(settings)
    worker = delivery_worker(services.store, services.settings, services.links)

    async def deliver() -> int:
        try:
            if once:
                return await worker.drain()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            click.echo("yorum worker delivering; stop with Ctrl-C or SIGTERM", err=True)
            await worker.run(stop)
            return 0
        finally:
            await worker.aclose()

    try:
        delivered = asyncio.run(deliver())
    finally:
        services.close()
    if once:
        click.echo(f"delivered or tried {delivered} message(s)")


@main.command("migrate")
@common
def migrate_command(config: str | None, data_dir: str | None) -> None:
    """Bring the database schema up to date (serve also does this on start).

    Example: yorum migrate --config /etc/yorum/yorum.toml
    """
    services = services_for(settings_for(config, data_dir))
    click.echo(f"database at revision {migrations.current(services.store)}")
    services.close()


@main.command()
@common
@click.option(
    "--smtp", is_flag=True, help="Also connect to the mail server, log in, and report how."
)
def check(config: str | None, data_dir: str | None, smtp: bool) -> None:
    """Validate the configuration and print every problem with its key.

    Example: yorum check --config /etc/yorum/yorum.toml --smtp
    """
    settings = settings_for(config, data_dir)
    click.echo(f"configuration ok; database: {redact_url(settings.database_url)}")
    if smtp:
        _check_smtp(Mailer(settings.smtp))


def _check_smtp(mailer: Mailer) -> None:
    """Print how the mail server answered, or the error (exit status 1)."""
    if not mailer.enabled:
        click.echo("error: no mail server configured (set smtp.host)", err=True)
        raise SystemExit(1)
    try:
        summary = mailer.check()
    except DeliveryFailed as exc:
        click.echo(f"error: smtp: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"smtp ok: {summary}")


main.add_command(site)
main.add_command(comments)
main.add_command(backup)
main.add_command(import_command)
main.add_command(restore)
main.add_command(thread)
main.add_command(ban)
main.add_command(commenter)
main.add_command(words)
main.add_command(user)
main.add_command(webhook)
main.add_command(export)
