"""Alembic environment. Parvis passes its own connection (`Database.migrate`); Alembic's
command line (`alembic.ini` at the repository's root) opens the configured database."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from parvis.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    from parvis.config import load_settings
    from parvis.store.db import Database

    if context.config.config_file_name:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    path = os.environ.get("PARVIS_CONFIG") or (
        "parvis.toml" if os.path.isfile("parvis.toml") else None
    )
    db = Database(load_settings(path).database.url)
    try:
        with db.engine.begin() as conn:
            _run(conn)
    finally:
        db.dispose()
