"""`parvis charter`: check a charter file, show the default one."""

from __future__ import annotations

from pathlib import Path

import click

from parvis.services import charters


@click.group()
def charter() -> None:
    """Check and show moderation charters."""


@charter.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check(path: str) -> None:
    """Report every mistake in the charter file PATH, with its line."""
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc
    problems = charters.check_text(text)
    if problems:
        for problem in problems:
            where = f"{path}:{problem.line}" if problem.line else path
            click.echo(f"{where}: {problem.message}", err=True)
        click.echo(f"{path}: {len(problems)} problem(s)", err=True)
        raise SystemExit(1)
    parsed = charters.parse_text(text, path)
    rules = ", ".join(r.id for r in parsed.rules)
    auto = "on" if parsed.auto_approve else "off"
    click.echo(
        f"OK: {path}: {len(parsed.rules)} rules ({rules}), mode {parsed.mode}, auto_approve {auto}"
    )


@charter.command("show")
@click.option("--lang", default=None, help="Print the public wording in this language instead.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
def show(lang: str | None, path: str | None) -> None:
    """Print a charter (default: the built-in one) as TOML, or as readers see it with --lang."""
    text = Path(path).read_text("utf-8") if path else charters.default_text()
    if lang is None:
        click.echo(text, nl=False)
        return
    parsed = charters.parse_text(text, path or "default charter")
    click.echo(parsed.intro_in(lang))
    for rule in parsed.public_rules():
        click.echo(f"- {rule.wording_in(lang)}")
    if parsed.disclaimer_in(lang):
        click.echo(parsed.disclaimer_in(lang))
