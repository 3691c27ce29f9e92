"""The ``yorum`` command: serve, migrate, check, and manage sites.

Scriptable and stable: deploy scripts drive it. Exit status 0 on success, 1 when the
command could not do what was asked (with the reason on stderr), 2 for usage errors.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from typing import Any

import click

from yorum import __version__
from yorum.errors import YorumError
from yorum.models import BanKind, FieldRule, Policy
from yorum.moderation.queue import Action
from yorum.services import Services, build
from yorum.settings import SECTIONS, Settings, SettingsError, load, with_overrides
from yorum.storage import migrate as migrations
from yorum.storage import redact_url

_SERVE_SETTINGS = "YORUM_INTERNAL_SERVE_SETTINGS"  # hands settings to worker processes


def _settings(config: str | None, data_dir: str | None, **server: Any) -> Settings:
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


def _services(settings: Settings) -> Services:
    try:
        return build(settings)
    except Exception as exc:  # the command's edge: say what failed, not a traceback
        click.echo(f"error: cannot open the database: {exc}", err=True)
        raise SystemExit(1) from None


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

    settings = _settings(config, data_dir, host=host, port=port, workers=workers)
    services = _services(settings)
    site = services.sites.ensure_default()
    services.close()
    server = settings.server
    click.echo(
        f"yorum {__version__} serving http://{server.host}:{server.port} "
        f"({server.workers} worker{'s' if server.workers > 1 else ''}; "
        f"first site: {site.id})",
        err=True,
    )
    os.environ[_SERVE_SETTINGS] = json.dumps(dataclasses.asdict(settings))
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
        timeout_graceful_shutdown=10,
        log_level="info",
    )


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
    return create_app(build(settings, migrate_schema=False), close_on_shutdown=True)


@main.command("migrate")
@common
def migrate_command(config: str | None, data_dir: str | None) -> None:
    """Bring the database schema up to date (serve also does this on start).

    Example: yorum migrate --config /etc/yorum/yorum.toml
    """
    services = _services(_settings(config, data_dir))
    click.echo(f"database at revision {migrations.current(services.store)}")
    services.close()


@main.command()
@common
def check(config: str | None, data_dir: str | None) -> None:
    """Validate the configuration and print every problem with its key.

    Example: yorum check --config /etc/yorum/yorum.toml
    """
    settings = _settings(config, data_dir)
    click.echo(f"configuration ok; database: {redact_url(settings.database_url)}")


@main.group()
def site() -> None:
    """Manage the sites this server hosts."""


def _field_rule_option(name: str, what: str) -> Callable[..., Any]:
    """``--NAME-field``: whether the site's comment form shows a field, and requires it."""
    return click.option(
        f"--{name}-field",
        type=click.Choice([r.value for r in FieldRule]),
        default=FieldRule.OPTIONAL.value,
        show_default=True,
        help=f"Whether the comment form shows {what} (hidden, optional or required).",
    )


@site.command("add")
@common
@click.argument("site_id", metavar="NAME")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="An origin allowed to embed the site (repeatable; default any origin, '*').",
)
@click.option("--title", default="", help="Human-readable name.")
@click.option("--language", default="en", show_default=True, help="Default language tag.")
@click.option(
    "--policy",
    type=click.Choice([p.value for p in Policy]),
    default=Policy.OPEN.value,
    show_default=True,
    help="Moderation policy for new comments.",
)
@_field_rule_option("author", "the name field")
@_field_rule_option("email", "the e-mail field")
@_field_rule_option("website", "the website field")
def site_add(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    origins: tuple[str, ...],
    title: str,
    language: str,
    policy: str,
    author_field: str,
    email_field: str,
    website_field: str,
) -> None:
    """Add a site.

    Example: yorum site add blog --origin https://blog.example.org --language tr
    """
    services = _services(_settings(config, data_dir))
    try:
        created = services.sites.add(
            site_id,
            name=title,
            origins=origins or ("*",),
            language=language,
            policy=Policy(policy),
            author_field=FieldRule(author_field),
            email_field=FieldRule(email_field),
            website_field=FieldRule(website_field),
        )
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"added site {created.id} ({', '.join(created.origins)})")


@site.command("list")
@common
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per site.")
def site_list(config: str | None, data_dir: str | None, as_json: bool) -> None:
    """List the sites.

    Example: yorum site list --json
    """
    services = _services(_settings(config, data_dir))
    sites = services.sites.list()
    services.close()
    if as_json:
        rows = [
            {"id": s.id, "name": s.name, "origins": list(s.origins), "language": s.language,
             "policy": s.policy.value,
             "fields": {f: s.field_rule(f).value for f in ("author", "email", "website")}}
            for s in sites
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for s in sites:
        click.echo(f"{s.id}\t{s.language}\t{s.policy.value}\t{' '.join(s.origins)}\t{s.name}")


@main.group()
def comments() -> None:
    """Moderate comments: the queue of held ones, approving, rejecting, marking spam."""


@comments.command("pending")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def comments_pending(
    config: str | None, data_dir: str | None, site_id: str, limit: int, as_json: bool
) -> None:
    """List comments held for moderation, oldest first.

    Example: yorum comments pending --site blog
    """
    services = _services(_settings(config, data_dir))
    try:
        held = services.moderation.pending(site_id, limit)
    finally:
        services.close()
    if as_json:
        rows = [
            {"id": h.comment.id, "uri": h.uri, "author": h.comment.author,
             "email": h.comment.email, "text": h.comment.text_raw,
             "created": h.comment.created_at}
            for h in held
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for h in held:
        text = " ".join(h.comment.text_raw.split())
        click.echo(f"{h.comment.id}\t{h.uri}\t{h.comment.author or '-'}\t{text[:80]}")


def _moderate(action: Action) -> Callable[..., None]:
    @common
    @click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1))
    @click.option("--reason", default="", help="Why, for the audit log.")
    def command(
        config: str | None, data_dir: str | None, ids: tuple[int, ...], reason: str
    ) -> None:
        services = _services(_settings(config, data_dir))
        try:
            done = services.moderation.act(action, ids, actor="cli", reason=reason)
        except YorumError as exc:
            click.echo(f"error: {exc.message}", err=True)
            raise SystemExit(1) from None
        finally:
            services.close()
        click.echo(f"{action.value}: {done} comment{'s' if done != 1 else ''}")

    return command


_MODERATION_HELP = {
    Action.APPROVE: "Show held comments to readers.\n\nExample: yorum comments approve 12 13",
    Action.REJECT: (
        "Remove comments (a placeholder stays where one has replies).\n\n"
        "Example: yorum comments reject 12 --reason 'off topic'"
    ),
    Action.SPAM: "Hide comments as spam (they are kept).\n\nExample: yorum comments spam 12",
}
for _action, _help in _MODERATION_HELP.items():
    comments.command(_action.value, help=_help)(_moderate(_action))


@main.group()
def thread() -> None:
    """Manage whole threads: lock one against new comments, or open it again."""


def _lock_command(locked: bool) -> Callable[..., None]:
    @common
    @click.argument("uri")
    @click.option("--site", "site_id", default="default", show_default=True, help="The site.")
    @click.option("--reason", default="", help="Why, for the audit log.")
    def command(
        config: str | None, data_dir: str | None, uri: str, site_id: str, reason: str
    ) -> None:
        services = _services(_settings(config, data_dir))
        try:
            services.moderation.lock(site_id, uri, locked, actor="cli", reason=reason)
        except YorumError as exc:
            click.echo(f"error: {exc.message}", err=True)
            raise SystemExit(1) from None
        finally:
            services.close()
        click.echo(f"{'locked' if locked else 'unlocked'}: {site_id} {uri}")

    return command


thread.command(
    "lock",
    help="Close a thread to new comments; readers still see it.\n\n"
    "Example: yorum thread lock /posts/hello --site blog --reason flood",
)(_lock_command(True))
thread.command(
    "unlock",
    help="Open a locked thread to new comments again.\n\nExample: yorum thread unlock /posts/hello",
)(_lock_command(False))


@main.group()
def ban() -> None:
    """A site's ban list: e-mail addresses, client addresses (kept only as hashes), names."""


@ban.command("add")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--email", help="Ban this e-mail address.")
@click.option("--ip", help="Ban this client address (only its keyed hash is stored).")
@click.option("--name", help="Ban author names matching this pattern (* and ?, any case).")
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="Lift it after this.")
@click.option("--reason", default="", help="Why, for the audit log.")
def ban_add(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    email: str | None,
    ip: str | None,
    name: str | None,
    days: float | None,
    reason: str,
) -> None:
    """Ban an author from posting to a site.

    Example: yorum ban add --site blog --email spam@example.org --days 30
    """
    given = [(k, v) for k, v in (("email", email), ("ip", ip), ("name", name)) if v]
    if len(given) != 1:
        raise click.UsageError("Give exactly one of --email, --ip or --name.")
    kind, value = given[0]
    services = _services(_settings(config, data_dir))
    try:
        ban_id = services.bans.add(
            site_id, BanKind(kind), value, actor="cli", reason=reason, days=days
        )
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"ban {ban_id} added")


@ban.command("list")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def ban_list(config: str | None, data_dir: str | None, site_id: str, as_json: bool) -> None:
    """List the bans in force.

    Example: yorum ban list --site blog
    """
    services = _services(_settings(config, data_dir))
    try:
        active = services.bans.active(site_id)
    finally:
        services.close()
    if as_json:
        rows = [{"id": b.id, "kind": b.kind.value, "value": b.value, "reason": b.reason,
                 "expires": b.expires_at} for b in active]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for b in active:
        click.echo(f"{b.id}\t{b.kind.value}\t{b.value}\t{b.expires_at or '-'}\t{b.reason}")


@ban.command("remove")
@common
@click.argument("ban_id", type=click.IntRange(min=1))
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--reason", default="", help="Why, for the audit log.")
def ban_remove(
    config: str | None, data_dir: str | None, ban_id: int, site_id: str, reason: str
) -> None:
    """Lift a ban.

    Example: yorum ban remove 3 --site blog
    """
    services = _services(_settings(config, data_dir))
    try:
        services.bans.lift(site_id, ban_id, actor="cli", reason=reason)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"ban {ban_id} lifted")
