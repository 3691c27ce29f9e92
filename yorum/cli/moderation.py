"""The moderation commands: ``yorum comments``, ``yorum thread``, ``yorum ban``, ``yorum words``.

``yorum commenter`` (trusted commenters) lives beside this, in ``commenters.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.models import BanKind, WordKind
from yorum.moderation.queue import Action


@click.group()
def comments() -> None:
    """Moderate comments: the queue of held ones, reader reports, and moderator actions."""


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
    services = services_for(settings_for(config, data_dir))
    try:
        held = services.moderation.pending(site_id, limit)
        scored = services.moderation.reasons([h.comment.id for h in held])
    finally:
        services.close()
    if as_json:
        rows = [
            {"id": h.comment.id, "uri": h.uri, "author": h.comment.author,
             "email": h.comment.email, "text": h.comment.text_raw,
             "created": h.comment.created_at, "held_because": h.comment.hold_reason,
             "score": scored.get(h.comment.id, (None, ()))[0],
             "reasons": [{"scorer": r.scorer, "points": r.points, "text": r.text}
                         for r in scored.get(h.comment.id, (None, ()))[1]]}
            for h in held
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for h in held:
        text = " ".join(h.comment.text_raw.split())
        click.echo(f"{h.comment.id}\t{h.uri}\t{h.comment.author or '-'}\t{text[:80]}")
        if h.comment.id in scored:
            total, reasons = scored[h.comment.id]
            click.echo(f"\tspam score {total:g}")
            for r in reasons:
                click.echo(f"\t  {r.scorer} {r.points:+g}: {r.text}")


def _moderate(action: Action) -> Callable[..., None]:
    @common
    @click.argument("ids", nargs=-1, required=True, type=click.IntRange(min=1))
    @click.option("--reason", default="", help="Why, for the audit log.")
    def command(
        config: str | None, data_dir: str | None, ids: tuple[int, ...], reason: str
    ) -> None:
        services = services_for(settings_for(config, data_dir))
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
    Action.NOT_SPAM: (
        "Show comments that were marked spam by mistake.\n\nExample: yorum comments not-spam 12"
    ),
    Action.DELETE: (
        "Delete comments for good (a placeholder stays where one has replies).\n\n"
        "Example: yorum comments delete 12 13 --reason abuse"
    ),
    Action.PIN: "Pin top-level comments: they list first.\n\nExample: yorum comments pin 12",
    Action.UNPIN: "Unpin comments.\n\nExample: yorum comments unpin 12",
    Action.LOCK: "Lock comments: no replies to them.\n\nExample: yorum comments lock 12",
    Action.UNLOCK: "Take replies to locked comments again.\n\nExample: yorum comments unlock 12",
}
for _action, _help in _MODERATION_HELP.items():
    comments.command(_action.value.replace("_", "-"), help=_help)(_moderate(_action))


@comments.command("edit")
@common
@click.argument("comment_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--text", required=True, help="The new text (Markdown).")
@click.option("--reason", default="", help="Why, for the audit log.")
def comments_edit(
    config: str | None, data_dir: str | None, comment_id: int, text: str, reason: str
) -> None:
    """Change a comment's text; it is marked edited and the change is audited.

    Example: yorum comments edit 12 --text 'Removed a phone number.' --reason privacy
    """
    services = services_for(settings_for(config, data_dir))
    try:
        services.moderation.edit(comment_id, text, actor="cli", reason=reason)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"edit: comment {comment_id}")


@comments.command("reported")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def comments_reported(
    config: str | None, data_dir: str | None, site_id: str, limit: int, as_json: bool
) -> None:
    """List comments readers reported, most reported first, with their reasons.

    Example: yorum comments reported --site blog
    """
    services = services_for(settings_for(config, data_dir))
    try:
        found = services.moderation.reported(site_id, limit)
    finally:
        services.close()
    if as_json:
        rows = [
            {"id": r.comment.comment.id, "uri": r.comment.uri,
             "status": r.comment.comment.status.value, "reports": r.reports,
             "reasons": r.reasons, "notes": r.notes, "text": r.comment.comment.text_raw}
            for r in found
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in found:
        reasons = ",".join(f"{k}:{v}" for k, v in sorted(r.reasons.items()))
        text = " ".join(r.comment.comment.text_raw.split())
        click.echo(f"{r.comment.comment.id}\t{r.reports}\t{reasons}\t{r.comment.uri}\t{text[:60]}")


@click.group()
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
        services = services_for(settings_for(config, data_dir))
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


@click.group()
def ban() -> None:
    """A site's ban list: e-mail addresses, client addresses (kept only as hashes), names."""


@ban.command("add")
@common
@click.option("--site", "site_id", default="default", show_default=True, help="The site.")
@click.option("--email", help="Ban this e-mail address.")
@click.option("--ip", help="Ban this client address (only its keyed hash is stored).")
@click.option("--name", help="Ban author names matching this pattern (* and ?, any case).")
@click.option("--comment", "comment_id", type=int, help="Ban the author of this comment.")
@click.option(
    "--by",
    type=click.Choice([k.value for k in BanKind]),
    default="ip",
    show_default=True,
    help="With --comment: ban its address hash, its e-mail or its exact name.",
)
@click.option("--days", type=click.FloatRange(min=0, min_open=True), help="Lift it after this.")
@click.option("--reason", default="", help="Why, for the audit log.")
def ban_add(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    email: str | None,
    ip: str | None,
    name: str | None,
    comment_id: int | None,
    by: str,
    days: float | None,
    reason: str,
) -> None:
    """Ban an author from posting to a site.

    Example: yorum ban add --site blog --email spam@example.org --days 30
    """
    given = [(k, v) for k, v in (("email", email), ("ip", ip), ("name", name)) if v]
    if len(given) + (comment_id is not None) != 1:
        raise click.UsageError("Give exactly one of --email, --ip, --name or --comment.")
    services = services_for(settings_for(config, data_dir))
    try:
        if comment_id is not None:
            site_id, ban_id = services.bans.ban_author(
                comment_id, BanKind(by), actor="cli", reason=reason, days=days
            )
        else:
            kind, value = given[0]
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
    services = services_for(settings_for(config, data_dir))
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
    services = services_for(settings_for(config, data_dir))
    try:
        services.bans.lift(site_id, ban_id, actor="cli", reason=reason)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"ban {ban_id} lifted")


@click.group()
def words() -> None:
    """A site's word lists: banned words refuse a comment, suspect words hold it."""


def _kind(banned: bool, suspect: bool) -> WordKind:
    if banned == suspect:
        raise click.UsageError("Give exactly one of --banned or --suspect.")
    return WordKind.BANNED if banned else WordKind.SUSPECT


@words.command("add")
@common
@click.argument("site_id", metavar="SITE")
@click.argument("entries", metavar="WORD...", nargs=-1, required=True)
@click.option("--banned", is_flag=True, help="Refuse comments with these words.")
@click.option("--suspect", is_flag=True, help="Hold comments with these words for a moderator.")
def words_add(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    entries: tuple[str, ...],
    banned: bool,
    suspect: bool,
) -> None:
    """Put words (or quoted phrases) on a site's banned or suspect list.

    Example: yorum words add blog --banned viagra "free spins"
    """
    kind = _kind(banned, suspect)
    services = services_for(settings_for(config, data_dir))
    try:
        services.sites.get(site_id)
        changed = services.words.add(site_id, kind, entries, actor="cli")
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"{kind.value}: {changed} word{'s' if changed != 1 else ''} added")


@words.command("remove")
@common
@click.argument("site_id", metavar="SITE")
@click.argument("entries", metavar="WORD...", nargs=-1, required=True)
def words_remove(
    config: str | None, data_dir: str | None, site_id: str, entries: tuple[str, ...]
) -> None:
    """Take words off a site's lists.

    Example: yorum words remove blog viagra
    """
    services = services_for(settings_for(config, data_dir))
    try:
        services.sites.get(site_id)
        removed = services.words.remove(site_id, entries, actor="cli")
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    click.echo(f"{removed} word{'s' if removed != 1 else ''} removed")


@words.command("list")
@common
@click.argument("site_id", metavar="SITE")
@click.option("--banned", is_flag=True, help="Only the banned words.")
@click.option("--suspect", is_flag=True, help="Only the suspect words.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def words_list(
    config: str | None,
    data_dir: str | None,
    site_id: str,
    banned: bool,
    suspect: bool,
    as_json: bool,
) -> None:
    """List a site's banned and suspect words, with the folded form they match by.

    Example: yorum words list blog --banned
    """
    services = services_for(settings_for(config, data_dir))
    try:
        services.sites.get(site_id)
        found = services.words.list(site_id)
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()
    if banned != suspect:
        wanted = WordKind.BANNED if banned else WordKind.SUSPECT
        found = [w for w in found if w.kind is wanted]
    if as_json:
        rows = [{"kind": w.kind.value, "word": w.word, "folded": w.folded} for w in found]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for w in found:
        click.echo(f"{w.kind.value}\t{w.word}\t{w.folded}")
