"""`parvis user`: moderators and admins."""

from __future__ import annotations

import sys

import click

from parvis.cli.context import cli_errors, runtime
from parvis.domain.moderator import AlertKind, Role
from parvis.services import accounts, mailqueue


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
    with cli_errors():
        accounts.add_moderator(rt, name, Role(role), _read_password())
    click.echo(f"added {role} {name}")


@user.command("passwd")
@click.argument("name")
@click.pass_context
def passwd(ctx: click.Context, name: str) -> None:
    """Change a moderator's password (read from stdin when it is not a terminal)."""
    rt = runtime(ctx)
    with cli_errors():
        accounts.set_password(rt, name, _read_password())
    click.echo(f"password changed for {name}")


@user.command("token")
@click.argument("name")
@click.pass_context
def token(ctx: click.Context, name: str) -> None:
    """Print a new API token for the moderation API (the previous one stops working)."""
    rt = runtime(ctx)
    with cli_errors():
        click.echo(accounts.issue_token(rt, name))


@user.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List moderators and admins."""
    for m in accounts.list_moderators(runtime(ctx)):
        click.echo("\t".join([m.name, m.role.value] + (["disabled"] if m.disabled else [])))


@user.command("alerts")
@click.argument("name")
@click.option("--email", default=None, help="Where to send this moderator's alerts.")
@click.option(
    "--alert",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in AlertKind]),
    help="An alert to receive (repeat the option); none given: show the current choice.",
)
@click.option("--none", "no_alerts", is_flag=True, help="Receive no alert.")
@click.pass_context
def alerts_(
    ctx: click.Context, name: str, email: str | None, kinds: tuple[str, ...], no_alerts: bool
) -> None:
    """Choose a moderator's alerts: queue (too long), wait (too old), reports."""
    rt = runtime(ctx)
    with cli_errors():
        moderator_id = mailqueue.moderator_id(rt, name)
        prefs = mailqueue.alert_prefs(rt, moderator_id)
        if kinds or no_alerts or email is not None:
            chosen = set() if no_alerts else (set(kinds) or {str(k) for k in prefs.kinds})
            prefs = mailqueue.set_alert_prefs(
                rt, moderator_id, email if email is not None else prefs.email, chosen
            )
    chosen_text = ", ".join(sorted(k.value for k in prefs.kinds)) or "none"
    click.echo(f"{name}: alerts {chosen_text} to {prefs.email or '(no address)'}")
