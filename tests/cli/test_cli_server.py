"""`parvis init`, `parvis user`: the commands a publisher runs, through click's CliRunner."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from parvis.cli.main import cli
from parvis.config import load_settings
from parvis.services import accounts
from parvis.services.runtime import Runtime


def init(tmp_path: Path, db_url: str, *extra: str) -> Path:
    config = tmp_path / "parvis.toml"
    result = CliRunner().invoke(cli, ["init", "--config", str(config), "--db", db_url, *extra])
    assert result.exit_code == 0, result.output
    return config


def test_init_writes_a_config_with_a_fresh_secret(tmp_path: Path, db_url: str) -> None:
    config = init(tmp_path, db_url)
    data = tomllib.loads(config.read_text())
    assert len(data["security"]["secret_key"]) >= 32
    assert data["database"]["url"] == db_url
    assert config.stat().st_mode & 0o077 == 0
    other = init(tmp_path / "b", db_url)
    assert (
        tomllib.loads(other.read_text())["security"]["secret_key"] != data["security"]["secret_key"]
    )


def test_init_keeps_an_existing_config(tmp_path: Path, db_url: str) -> None:
    config = init(tmp_path, db_url)
    before = config.read_text()
    result = CliRunner().invoke(cli, ["init", "--config", str(config), "--db", db_url])
    assert "keeping it" in result.output and config.read_text() == before


def test_init_with_demo_loads_the_demo_article_once(tmp_path: Path, db_url: str) -> None:
    config = init(tmp_path, db_url, "--demo")
    init(tmp_path, db_url, "--demo")
    rt = Runtime.from_settings(load_settings(config), with_engine=False)
    from parvis.services import reading

    page = reading.thread_page(rt, "/2025/08/15/canicule-les-villes-face-a-la-chaleur", limit=100)
    assert page.total == 47
    rt.db.dispose()


def test_user_add_reads_the_password_from_stdin_and_token_prints_one(
    tmp_path: Path, db_url: str
) -> None:
    config = init(tmp_path, db_url)
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--config", str(config), "user", "add", "alice", "--role", "admin"],
        input="correct horse battery\n",
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(cli, ["--config", str(config), "user", "token", "alice"]).output.strip()
    rt = Runtime.from_settings(load_settings(config), with_engine=False)
    assert accounts.authenticate(rt, "alice", "correct horse battery").role.value == "admin"
    found = accounts.moderator_for_token(rt, token)
    assert found is not None and found.name == "alice"
    listing = runner.invoke(cli, ["--config", str(config), "user", "list"]).output
    assert "alice\tadmin" in listing
    rt.db.dispose()


def test_user_errors_are_clear(tmp_path: Path, db_url: str) -> None:
    config = init(tmp_path, db_url)
    runner = CliRunner()
    short = runner.invoke(cli, ["--config", str(config), "user", "add", "bob"], input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    runner.invoke(cli, ["--config", str(config), "user", "add", "bob"], input="long enough\n")
    twice = runner.invoke(
        cli, ["--config", str(config), "user", "add", "bob"], input="long enough\n"
    )
    assert twice.exit_code == 1 and "already exists" in twice.output
    missing = runner.invoke(cli, ["--config", str(config), "user", "token", "nobody"])
    assert missing.exit_code == 1 and "no moderator named nobody" in missing.output


def test_a_bad_config_key_fails_at_start(tmp_path: Path) -> None:
    config = tmp_path / "parvis.toml"
    config.write_text("[server]\nprot = 8080\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "user", "list"])
    assert result.exit_code == 1 and "prot" in result.output
