"""The entry point servers import: `uvicorn --factory parvis.web.asgi:create`.

Settings come from PARVIS_CONFIG (a parvis.toml) and the PARVIS_* environment,
so every worker process builds the same application.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette

from parvis.config import load_settings
from parvis.services.runtime import Runtime
from parvis.web.app import create_app


def create() -> Starlette:
    settings = load_settings(os.environ.get("PARVIS_CONFIG") or None)
    return create_app(Runtime.from_settings(settings))
