from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from parvis.config import Settings, load_settings
from parvis.errors import Invalid

README = Path(__file__).parent.parent / "README.md"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "parvis.toml"
    path.write_text("[server]\nport = 9000\n[comments]\nmax_length = 100\n")
    s = load_settings(
        path,
        env={
            "PARVIS_COMMENTS__MAX_LENGTH": "200",
            "PARVIS_DB": "sqlite:///x.db",
            "PARVIS_SERVER__CORS_ORIGINS": '["https://a.example"]',
        },
    )
    assert (s.server.port, s.comments.max_length, s.database.url) == (9000, 200, "sqlite:///x.db")
    assert s.server.cors_origins == ["https://a.example"]


@pytest.mark.parametrize(
    "text", ["[server]\nprot = 1\n", "[nope]\nx = 1\n", '[server]\nport = "many"\n', "not toml ["]
)
def test_bad_configuration_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "parvis.toml"
    path.write_text(text)
    with pytest.raises(Invalid):
        load_settings(path, env={})


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text("utf-8")
    for section, values in msgspec.structs.asdict(Settings()).items():
        for key in msgspec.structs.asdict(values):
            assert re.search(rf"`{key}`", readme), (
                f"[{section}] {key} is not documented in README.md"
            )
