from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop.db.engine import mask_url, to_sqlalchemy_url
from gbf_desktop.errors import ConfigError
from gbf_desktop.settings import Settings


def test_environment_then_options(tmp_path: Path) -> None:
    env = {"GBF_DATA_DIR": str(tmp_path), "GBF_DATABASE_URL": "postgresql://a@h/db"}
    assert Settings.load(env).database_url == "postgresql://a@h/db"
    assert Settings.load(env, database_url="postgresql://b@h/db").database_url.endswith("b@h/db")
    assert Settings.load({"GBF_DATA_DIR": str(tmp_path)}).uses_embedded_database


def test_a_url_for_another_database_is_refused_with_an_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="postgresql://"):
        Settings.load({"GBF_DATA_DIR": str(tmp_path)}, database_url="mysql://x@y/z")


def test_missing_ffmpeg_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load({"GBF_DATA_DIR": str(tmp_path), "GBF_FFMPEG": str(tmp_path / "nope")})


def test_urls_are_masked_and_get_the_psycopg_driver() -> None:
    url = "postgresql://coach:hunter2@db.example.org:5432/gbf"
    assert "hunter2" not in mask_url(url)
    assert mask_url(url) == "postgresql://coach:***@db.example.org:5432/gbf"
    assert to_sqlalchemy_url(url).drivername == "postgresql+psycopg"
    assert mask_url("::::") == "<unreadable database URL>"
