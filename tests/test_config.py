from __future__ import annotations

import json
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


def documented_settings() -> dict[tuple[str, str], str]:
    """README's configuration table: (section, key) -> the default it shows."""
    rows: dict[tuple[str, str], str] = {}
    section = ""
    for line in README.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 4:
            continue
        named = re.fullmatch(r"`\[(\w+)\]`", cells[0])
        key = re.fullmatch(r"`(\w+)`", cells[1])
        if named:
            section = named.group(1)
        if key and section and (named or not cells[0]):
            rows[(section, key.group(1))] = cells[2].strip("`")
    return rows


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


def test_the_readme_documents_every_setting_with_its_default() -> None:
    documented = documented_settings()
    model = {
        (section, key): value
        for section, values in msgspec.structs.asdict(Settings()).items()
        for key, value in msgspec.structs.asdict(values).items()
    }
    assert sorted(model.keys() - documented.keys()) == [], "settings missing from README.md"
    assert sorted(documented.keys() - model.keys()) == [], "README.md documents unknown settings"
    for where, value in model.items():
        default = documented[where]
        if default.startswith("("):  # "(generated)", "(built in)", "(empty)": no literal value
            assert value in ("", []), f"{where}: README says {default}, the default is {value!r}"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            assert float(default) == value, f"{where}: README says {default}, default {value}"
        else:
            assert default == shown(value), f"{where}: README says {default}, default {value!r}"
