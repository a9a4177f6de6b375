"""The `parvis` command line: one click group, one module per command group."""

from __future__ import annotations

import click

from parvis.cli.charter import charter
from parvis.cli.importing import import_
from parvis.cli.moderate import moderate
from parvis.cli.server import init, serve
from parvis.cli.users import user
from parvis.cli.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="PARVIS_CONFIG",
    type=click.Path(dir_okay=False),
    default=None,
    help="parvis.toml to read (default: ./parvis.toml when present).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Parvis, the comment server for news publishers."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


for command in (init, serve, user, moderate, charter, import_, worker):
    cli.add_command(command)
