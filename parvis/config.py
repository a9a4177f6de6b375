"""Settings: one parvis.toml read once into frozen typed structs.

Environment variables override the file: `PARVIS_<SECTION>__<KEY>` (e.g.
`PARVIS_SERVER__PORT=9000`), plus the short forms of DESIGN §6: `PARVIS_DB` and
`PARVIS_PORT`. Unknown keys fail at start-up rather than being ignored.

Cross-cutting: every layer may read the settings; this module imports only `errors`.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec

from parvis.errors import Invalid


class ServerSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    public_url: str = "http://127.0.0.1:8080"
    cors_origins: list[str] = []
    max_body_bytes: int = 65536
    trusted_proxy: bool = False  # take the client address from X-Forwarded-For
    # Public JSON reads kept in memory per process; the longest a reader may see a
    # thread as it was before a publish made through another process (0: no cache).
    read_cache_seconds: float = 1.0


class DatabaseSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    url: str = "sqlite:///var/parvis.db"
    pool_size: int = 10


class SecuritySettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    secret_key: str = ""
    session_max_age: int = 12 * 3600
    secure_cookies: bool = False


class CommentSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    max_length: int = 10000  # a long reader's letter fits; lower it to keep comments short
    max_author_length: int = 60
    edit_window: int = 15 * 60
    page_size: int = 20
    more_page_size: int = 10  # top-level comments each "show earlier comments" adds
    max_page_size: int = 200
    allowed_uri_prefixes: list[str] = []
    rate_limit: int = 5  # comments per client ...
    rate_window: int = 60  # ... per this many seconds


class ModerationSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    charter: str = ""  # path to a charter TOML; empty: the default French charter
    # "serve": `parvis serve` checks posted comments in a process of its own beside the web
    # processes; "external": only `parvis worker` processes do
    worker: Literal["serve", "external"] = "serve"
    lease: int = 60  # seconds a claimed comment stays reserved to its worker
    poll_interval: float = 0.25  # seconds an idle check worker waits before looking again
    # Whether moderators (not only administrators) may ban authors and lift bans.
    moderators_may_ban: bool = False
    # How long after "approve every comment with no flag" the whole batch can be taken back.
    bulk_undo_seconds: int = 300


class SiteSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: str = "Parvis"
    language: str = "fr"
    timezone: str = "Europe/Paris"


class MailSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    host: str = "localhost"
    port: int = 25
    security: Literal["none", "starttls", "tls"] = "none"
    user: str = ""
    password_env: str = "PARVIS_SMTP_PASSWORD"  # the variable that holds the password
    timeout: float = 30.0
    sender: str = "Parvis <noreply@localhost>"
    # "inprocess": a thread under `parvis serve`; "external": only `parvis worker` processes send
    worker: Literal["inprocess", "external"] = "inprocess"
    batch_size: int = 20
    lease: int = 120  # seconds a claimed mail stays reserved to its worker
    max_attempts: int = 8
    retry_base: int = 60  # first retry after about this many seconds, then doubling
    retry_max: int = 6 * 3600
    poll_interval: float = 2.0
    keep_sent_days: int = 30  # sent mails (addresses included) are deleted after this


class NotifySettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    confirm_ttl: int = 48 * 3600  # the follow confirmation link expires after this
    digest_hour: int = 7  # local hour (site.timezone) after which the daily digest goes out
    queue_threshold: int = 50  # alert the moderators when this many comments wait
    queue_max_wait: int = 3600  # ... or when the oldest has waited this many seconds
    alert_repeat: int = 3600  # seconds before the same alert is sent again
    check_interval: int = 60  # seconds between two checks of the queue (and of the purge)


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    server: ServerSettings = ServerSettings()
    database: DatabaseSettings = DatabaseSettings()
    security: SecuritySettings = SecuritySettings()
    comments: CommentSettings = CommentSettings()
    moderation: ModerationSettings = ModerationSettings()
    site: SiteSettings = SiteSettings()
    mail: MailSettings = MailSettings()
    notify: NotifySettings = NotifySettings()


_SHORT_ENV = {"PARVIS_DB": ("database", "url"), "PARVIS_PORT": ("server", "port")}


def load_settings(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Read the file (if any), then the environment, then explicit overrides (CLI options)."""
    env = os.environ if env is None else env
    data: dict[str, dict[str, Any]] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise Invalid(f"configuration file not found: {path}", field="config") from None
        except tomllib.TOMLDecodeError as exc:
            raise Invalid(f"{path}: {exc}", field="config") from None
        for section, values in raw.items():
            if not isinstance(values, dict):
                raise Invalid(f"{path}: '{section}' must be a [section]", field=section)
            data[section] = dict(values)
    for name, value in env.items():
        if name in _SHORT_ENV:
            section, key = _SHORT_ENV[name]
        elif name.startswith("PARVIS_") and "__" in name:
            section, _, key = name[len("PARVIS_") :].lower().partition("__")
        else:
            continue
        data.setdefault(section, {})[key] = _env_value(value)
    for section, values in (overrides or {}).items():
        for key, value in values.items():
            if value is not None:
                data.setdefault(section, {})[key] = value
    try:
        return msgspec.convert(data, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise Invalid(f"invalid configuration: {exc}", field="config") from None


def _env_value(value: str) -> Any:
    if value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            pass
    return value


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def settings_toml(settings: Settings) -> str:
    """The settings as a parvis.toml text (what `parvis init` writes)."""
    lines: list[str] = ["# Parvis configuration; see README.md for every key.", ""]
    for section, values in msgspec.structs.asdict(settings).items():
        lines.append(f"[{section}]")
        for key, value in msgspec.structs.asdict(values).items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)
