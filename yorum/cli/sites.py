"""``yorum site``: add, change and list the sites this server hosts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.models import Erasure, FieldRule, NotifyMode, Policy


@click.group()
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
    services = services_for(settings_for(config, data_dir))
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


def _field_rule_change(name: str, what: str) -> Callable[..., Any]:
    """``--NAME-field`` for ``site set``: no default, so an absent option changes nothing."""
    return click.option(
        f"--{name}-field",
        type=click.Choice([r.value for r in FieldRule]),
        help=f"Whether the comment form shows {what} (hidden, optional or required).",
    )


@site.command("set")
@common
@click.argument("site_id", metavar="NAME")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="Replace the allowed origins (repeatable; '*' for any origin).",
)
@click.option("--title", help="Human-readable name.")
@click.option("--language", help="Default language tag.")
@click.option(
    "--policy",
    type=click.Choice([p.value for p in Policy]),
    help="Moderation policy for new comments.",
)
@_field_rule_change("author", "the name field")
@_field_rule_change("email", "the e-mail field")
@_field_rule_change("website", "the website field")
@click.option(
    "--report-threshold",
    type=click.IntRange(0, 100000),
    help="Reader reports that hold a comment (0: reports never hold).",
)
@click.option(
    "--close-after-days",
    type=click.IntRange(0, 100000),
    help="Close threads this many days old to new comments (0: never).",
)
@click.option(
    "--hold-score",
    type=click.FloatRange(0, 1000, min_open=True),
    help="Spam score from which a comment waits for a moderator.",
)
@click.option(
    "--spam-score",
    type=click.FloatRange(0, 1000, min_open=True),
    help="Spam score from which a comment goes straight to spam.",
)
@click.option(
    "--notify-email",
    "notify_emails",
    multiple=True,
    help="Replace the addresses mailed about new comments (repeatable; 'none' for none).",
)
@click.option(
    "--notify-mode",
    type=click.Choice([m.value for m in NotifyMode]),
    help="Mail moderators about each comment, hourly or daily digests, or not at all.",
)
@click.option(
    "--erasure",
    type=click.Choice([e.value for e in Erasure]),
    help="What erasing a reader's data does to their comments: delete or anonymize.",
)
@click.option(
    "--reply-notifications/--no-reply-notifications",
    default=None,
    help="Whether readers may ask to be mailed replies to their comments.",
)
def site_set(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    origins: tuple[str, ...],
    title: str | None,
    language: str | None,
    policy: str | None,
    author_field: str | None,
    email_field: str | None,
    website_field: str | None,
    report_threshold: int | None,
    close_after_days: int | None,
    hold_score: float | None,
    spam_score: float | None,
    notify_emails: tuple[str, ...],
    notify_mode: str | None,
    reply_notifications: bool | None,
    erasure: str | None,
) -> None:
    """Change a site's settings; options left out keep their value.

    Example: yorum site set blog --policy hold_all --origin https://blog.example.org
    """
    changes: dict[str, object] = {}
    if origins:
        changes["origins"] = origins
    if title is not None:
        changes["name"] = title
    if language is not None:
        changes["language"] = language
    if policy is not None:
        changes["policy"] = Policy(policy)
    rules = {"author": author_field, "email": email_field, "website": website_field}
    for name, rule in rules.items():
        if rule is not None:
            changes[f"{name}_field"] = FieldRule(rule)
    if report_threshold is not None:
        changes["report_threshold"] = report_threshold
    if close_after_days is not None:
        changes["close_after_days"] = close_after_days
    if hold_score is not None:
        changes["hold_score"] = hold_score
    if spam_score is not None:
        changes["spam_score"] = spam_score
    if notify_emails:
        changes["notify_emails"] = [] if notify_emails == ("none",) else list(notify_emails)
    if notify_mode is not None:
        changes["notify_mode"] = NotifyMode(notify_mode)
    if reply_notifications is not None:
        changes["reply_notifications"] = reply_notifications
    if erasure is not None:
        changes["erasure"] = Erasure(erasure)
    if not changes:
        click.echo("error: nothing to change; see yorum site set --help", err=True)
        raise SystemExit(2)
    services = services_for(settings_for(config, data_dir))
    try:
        changed = services.sites.update(site_id, **changes)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"changed site {changed.id}: {', '.join(sorted(changes))}")


@site.command("list")
@common
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per site.")
def site_list(config: str | None, data_dir: str | None, as_json: bool) -> None:
    """List the sites.

    Example: yorum site list --json
    """
    services = services_for(settings_for(config, data_dir))
    sites = services.sites.list()
    services.close()
    if as_json:
        rows = [
            {"id": s.id, "name": s.name, "origins": list(s.origins), "language": s.language,
             "policy": s.policy.value, "report_threshold": s.report_threshold,
             "close_after_days": s.close_after_days,
             "fields": {f: s.field_rule(f).value for f in ("author", "email", "website")}}
            for s in sites
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for s in sites:
        click.echo(f"{s.id}\t{s.language}\t{s.policy.value}\t{' '.join(s.origins)}\t{s.name}")
