"""The ``yorum user`` commands: admin accounts, their roles, TOTP and API tokens."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from yorum.cli.options import common, services_for, settings_for
from yorum.errors import YorumError
from yorum.models import Role
from yorum.services import Services


@contextmanager
def _services(config: str | None, data_dir: str | None) -> Iterator[Services]:
    """The services, with domain errors printed as ``error: ...`` and exit status 1."""
    services = services_for(settings_for(config, data_dir))
    try:
        yield services
    except YorumError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(1) from None
    finally:
        services.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def _password_option(func: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
    )(func)


@click.group()
def user() -> None:
    """Manage the accounts that sign in to the admin (/admin and /api/admin)."""


@user.command("add")
@common
@click.argument("name")
@click.option("--admin", "is_admin", is_flag=True, help="A global admin: every site and user.")
@click.option("--site", "site_id", help="Give the user a role on this site.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MODERATOR.value,
    show_default=True,
    help="The role on --site.",
)
@_password_option
def user_add(
    config: str | None,
    data_dir: str | None,
    name: str,
    is_admin: bool,
    site_id: str | None,
    role: str,
    password_stdin: bool,
) -> None:
    """Create a user (the password is asked for, or read with --password-stdin).

    Example: yorum user add alice --site blog --role moderator
    """
    password = _password(password_stdin)
    with _services(config, data_dir) as services:
        if site_id:
            services.sites.get(site_id)
        created = services.accounts.add(name, password, is_admin=is_admin)
        if site_id:
            services.accounts.set_role(created.name, site_id, Role(role))
    where = " (global admin)" if is_admin else f" ({role} of {site_id})" if site_id else ""
    click.echo(f"added user {created.name}{where}")


@user.command("list")
@common
def user_list(config: str | None, data_dir: str | None) -> None:
    """List users: name, global admin or not, TOTP, and roles per site.

    Example: yorum user list
    """
    with _services(config, data_dir) as services:
        users = services.accounts.all()
    for u in users:
        roles = ",".join(f"{site}:{role.value}" for site, role in sorted(u.roles.items()))
        kind = "admin" if u.is_admin else "user"
        click.echo(f"{u.name}\t{kind}\t{'totp' if u.totp_enabled else '-'}\t{roles or '-'}")


@user.command("remove")
@common
@click.argument("name")
def user_remove(config: str | None, data_dir: str | None, name: str) -> None:
    """Delete a user, with their sessions, roles and API tokens.

    Example: yorum user remove alice
    """
    with _services(config, data_dir) as services:
        services.accounts.remove(name)
    click.echo(f"removed user {name}")


@user.command("passwd")
@common
@click.argument("name")
@_password_option
def user_passwd(config: str | None, data_dir: str | None, name: str, password_stdin: bool) -> None:
    """Set a user's password; the user's sessions end.

    Example: yorum user passwd alice
    """
    password = _password(password_stdin)
    with _services(config, data_dir) as services:
        services.accounts.set_password(name, password)
    click.echo(f"password changed for {name}")


@user.command("totp")
@common
@click.argument("state", type=click.Choice(["enable", "disable"]))
@click.argument("name")
def user_totp(config: str | None, data_dir: str | None, state: str, name: str) -> None:
    """Turn the second sign-in factor (TOTP) on or off; `enable` prints the otpauth URI
    to add to an authenticator app.

    Example: yorum user totp enable alice
    """
    with _services(config, data_dir) as services:
        if state == "enable":
            click.echo(services.accounts.enable_totp(name))
        else:
            services.accounts.disable_totp(name)
            click.echo(f"TOTP off for {name}")


@user.command("role")
@common
@click.argument("name")
@click.option("--site", "site_id", required=True, help="The site.")
@click.option(
    "--role",
    type=click.Choice([*(r.value for r in Role), "none"]),
    required=True,
    help="moderator, admin, or none to remove the user from the site.",
)
def user_role(config: str | None, data_dir: str | None, name: str, site_id: str, role: str) -> None:
    """Give a user a role on a site, or take it away.

    Example: yorum user role alice --site blog --role admin
    """
    with _services(config, data_dir) as services:
        services.sites.get(site_id)
        services.accounts.set_role(name, site_id, None if role == "none" else Role(role))
    click.echo(f"{name}: {role} on {site_id}")


@user.command("token")
@common
@click.argument("name")
@click.option("--label", default="", help="What the token is for (kept with it).")
def user_token(config: str | None, data_dir: str | None, name: str, label: str) -> None:
    """Create an API token for the JSON admin API (printed once; send it as
    `Authorization: Bearer <token>`).

    Example: yorum user token alice --label backup-script
    """
    with _services(config, data_dir) as services:
        click.echo(services.accounts.new_token(name, label))
