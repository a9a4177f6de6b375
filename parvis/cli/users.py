"""`parvis user`: moderators and admins."""

from __future__ import annotations

import sys

import click

from parvis.cli.context import runtime
from parvis.errors import ParvisError
from parvis.services import accounts
from parvis.store.moderators import Role


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@click.group()
def user() -> None:
    """Manage moderators and admins."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MODERATOR.value,
    show_default=True,
)
@click.pass_context
def add(ctx: click.Context, name: str, role: str) -> None:
    """Add a moderator; the password is read from stdin when it is not a terminal."""
    rt = runtime(ctx)
    try:
        accounts.add_moderator(rt, name, Role(role), _read_password())
    except ParvisError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {role} {name}")


@user.command("passwd")
@click.argument("name")
@click.pass_context
def passwd(ctx: click.Context, name: str) -> None:
    """Change a moderator's password (read from stdin when it is not a terminal)."""
    rt = runtime(ctx)
    try:
        accounts.set_password(rt, name, _read_password())
    except ParvisError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"password changed for {name}")


@user.command("token")
@click.argument("name")
@click.pass_context
def token(ctx: click.Context, name: str) -> None:
    """Print a new API token for the moderation API (the previous one stops working)."""
    rt = runtime(ctx)
    try:
        click.echo(accounts.issue_token(rt, name))
    except ParvisError as exc:
        raise click.ClickException(str(exc)) from None


@user.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List moderators and admins."""
    for m in accounts.list_moderators(runtime(ctx)):
        click.echo("\t".join([m.name, m.role.value] + (["disabled"] if m.disabled else [])))
