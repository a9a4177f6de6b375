"""`parvis init` and `parvis serve`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from parvis.cli.checker import CheckerProcess
from parvis.cli.context import runtime, settings
from parvis.config import Settings, load_settings, new_secret, settings_toml
from parvis.services.demo import load_demo
from parvis.services.runtime import Runtime


@click.command()
@click.option(
    "--config",
    "path",
    type=click.Path(dir_okay=False),
    default="parvis.toml",
    show_default=True,
    help="Where to write the configuration.",
)
@click.option(
    "--db",
    "db_url",
    envvar="PARVIS_DB",
    default=None,
    help="Database URL: sqlite:///path or postgresql://...",
)
@click.option(
    "--public-url", default=None, help="The address readers use, e.g. https://comments.example.org"
)
@click.option("--demo", is_flag=True, help="Load the demo article and its comments.")
@click.option("--force", is_flag=True, help="Overwrite an existing configuration file.")
def init(path: str, db_url: str | None, public_url: str | None, demo: bool, force: bool) -> None:
    """Write a configuration with a fresh secret, create the database, optionally the demo."""
    target = Path(path)
    if target.exists() and not force:
        click.echo(f"{target} exists; keeping it (use --force to overwrite).")
    else:
        overrides: dict[str, dict[str, object]] = {"security": {"secret_key": new_secret()}}
        if db_url:
            overrides["database"] = {"url": db_url}
        if public_url:
            overrides["server"] = {"public_url": public_url}
        s = load_settings(None, env={}, overrides=overrides)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(settings_toml(s), "utf-8")
        target.chmod(0o600)
        click.echo(f"wrote {target} (with a new secret key)")
    rt = Runtime.from_settings(load_settings(target), with_engine=demo)
    rt.migrate()
    click.echo(f"database ready: {rt.settings.database.url}")
    if demo:
        uri = load_demo(rt)
        click.echo(f"demo article: {uri}")
    click.echo("next: parvis user add NAME --role admin   (then: parvis serve)")


@click.command()
@click.option("--host", default=None, help="Address to listen on [server.host].")
@click.option("--port", type=int, default=None, help="Port [server.port, PARVIS_PORT].")
@click.option("--db", "db_url", default=None, help="Database URL [database.url, PARVIS_DB].")
@click.option("--workers", type=int, default=None, help="Worker processes [server.workers].")
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, db_url: str | None, workers: int | None
) -> None:
    """Serve the comments, the widget, the API and the moderation pages, and check posted
    comments in a process beside them ([moderation] worker = "serve")."""
    s = settings(
        ctx, server__host=host, server__port=port, database__url=db_url, server__workers=workers
    )
    if not s.security.secret_key:
        raise click.ClickException("security.secret_key is empty: run `parvis init` first")
    runtime(ctx, database__url=db_url)  # migrate once, before the workers start
    # The workers rebuild the settings from the same file and environment.
    from parvis.cli.context import config_path

    path = config_path(ctx)
    if path:
        os.environ["PARVIS_CONFIG"] = str(Path(path).resolve())
    if db_url:
        os.environ["PARVIS_DB"] = db_url
    # glibc gives each thread that allocates an arena of its own, up to 8 per core; the
    # request threads' arenas kept 13 MB more per web process after a burst of posts.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    click.echo(f"Parvis on http://{s.server.host}:{s.server.port}  ({s.database.url})")
    checker = None
    if s.moderation.worker == "serve":
        checker = CheckerProcess(name=f"serve-{os.getpid()}-checks")
        checker.start()
    try:
        _run_uvicorn(s)
    finally:
        if checker is not None:
            checker.stop()


def _run_uvicorn(s: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "parvis.web.asgi:create",
        factory=True,
        host=s.server.host,
        port=s.server.port,
        workers=s.server.workers if s.server.workers > 1 else None,
        proxy_headers=s.server.trusted_proxy,
        log_level="info",
        access_log=False,
    )
