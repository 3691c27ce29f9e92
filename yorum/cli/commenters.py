"""``yorum commenter``: the commenters a site trusts (their comments are never held)."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError


@click.group()
def commenter() -> None:
    """Trusted commenters: their comments skip the site's hold policy."""


def _trust_command(trusted: bool) -> Callable[..., None]:
    @common
    @click.option("--site", "site_id", default="default", show_default=True, help="The site.")
    @click.option("--email", help="The commenter's e-mail address.")
    @click.option("--comment", "comment_id", type=click.IntRange(min=1), help="Their comment.")
    @click.option("--reason", default="", help="Why, for the audit log.")
    def command(
        config: str | None,
        data_dir: str | None,
        site_id: str,
        email: str | None,
        comment_id: int | None,
        reason: str,
    ) -> None:
        if (email is None) == (comment_id is None):
            raise click.UsageError("Give exactly one of --email or --comment.")
        services = services_for(settings_for(config, data_dir))
        change = services.moderation.trust if trusted else services.moderation.untrust
        try:
            key = change(site_id, email=email, comment_id=comment_id, actor="cli", reason=reason)
        except YorumError as exc:
            click.echo(f"error: {exc.message}", err=True)
            raise SystemExit(1) from None
        finally:
            services.close()
        click.echo(f"{'trusted' if trusted else 'untrusted'}: {key}")

    return command


commenter.command(
    "trust",
    help="Trust a commenter, by e-mail address or as the author of a comment.\n\n"
    "Example: yorum commenter trust --site blog --email ann@example.org",
)(_trust_command(True))
commenter.command(
    "untrust",
    help="Stop trusting a commenter.\n\nExample: yorum commenter untrust --comment 12",
)(_trust_command(False))


@commenter.command("list")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def commenter_list(config: str | None, data_dir: str | None, site_id: str, as_json: bool) -> None:
    """List a site's trusted commenters (an e-mail address, or ip: and an address hash).

    Example: yorum commenter list --site blog
    """
    services = services_for(settings_for(config, data_dir))
    try:
        found = services.moderation.trusted(site_id)
    finally:
        services.close()
    if as_json:
        click.echo(json.dumps([{"key": c.key, "known": c.known} for c in found]))
        return
    for c in found:
        click.echo(c.key)
