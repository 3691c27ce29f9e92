"""``yorum webhook``: a site's webhook endpoints, added, listed and removed.

A secret is printed once, when its endpoint is added, and never again.
"""

from __future__ import annotations

import json

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.notify.webhook import EVENT_TYPES


@click.group()
def webhook() -> None:
    """A site's webhook endpoints: signed JSON POSTs when comments arrive or change."""


@webhook.command("add")
@common
@click.argument("site_id", metavar="SITE")
@click.argument("url", metavar="URL")
@click.option(
    "--event",
    "events",
    multiple=True,
    help=f"An event type to send (repeatable; default '*', all): {', '.join(EVENT_TYPES)}.",
)
def webhook_add(
    config: str | None, data_dir: str | None, site_id: str, url: str, events: tuple[str, ...]
) -> None:
    """Add an endpoint and print its secret (shown this once) for the receiver.

    Example: yorum webhook add blog https://hooks.example.org/yorum --event comment.held
    """
    services = services_for(settings_for(config, data_dir))
    try:
        hook = services.webhooks.add(site_id, url, events or ("*",), actor="cli")
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"added webhook {hook.id} for {hook.site_id}: {hook.url} ({','.join(hook.events)})")
    click.echo(f"secret: {hook.secret}")
    click.echo("Configure the receiver with this secret now: yorum shows it only once.", err=True)


@webhook.command("list")
@common
@click.argument("site_id", metavar="SITE")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def webhook_list(config: str | None, data_dir: str | None, site_id: str, as_json: bool) -> None:
    """List a site's endpoints (never their secrets).

    Example: yorum webhook list blog --json
    """
    services = services_for(settings_for(config, data_dir))
    try:
        hooks = services.webhooks.list(site_id)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    if as_json:
        rows = [{"id": h.id, "url": h.url, "events": list(h.events), "active": h.active,
                 "created": h.created_at} for h in hooks]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for h in hooks:
        state = "active" if h.active else "inactive"
        click.echo(f"{h.id}\t{state}\t{','.join(h.events)}\t{h.url}")


@webhook.command("remove")
@common
@click.argument("site_id", metavar="SITE")
@click.argument("hook_id", metavar="ID", type=click.IntRange(min=1))
def webhook_remove(config: str | None, data_dir: str | None, site_id: str, hook_id: int) -> None:
    """Remove an endpoint.

    Example: yorum webhook remove blog 3
    """
    services = services_for(settings_for(config, data_dir))
    try:
        services.webhooks.remove(site_id, hook_id, actor="cli")
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"webhook {hook_id} removed")
