"""The headless commands, run in-process as a user would run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop.cli import main


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBF_DATABASE_URL", raising=False)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("gbf-desktop 0.")


def test_a_bad_url_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--database-url", "mysql://root@localhost/x"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("gbf-desktop: The database URL must start with postgresql://")
    assert "Traceback" not in err


@pytest.mark.db
def test_unreachable_server_masks_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://coach:hunter2@127.0.0.1:1/gbf"
    assert main(["self-check", "--database-url", url]) == 1
    out = capsys.readouterr().out
    database_line = next(line for line in out.splitlines() if "database:" in line)
    assert database_line.startswith("FAIL")
    assert "127.0.0.1:1" in database_line
    assert "hunter2" not in out


@pytest.mark.db
def test_upgrade_an_empty_database_then_again(
    make_empty_database, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_empty_database()
    assert main(["db", "upgrade", "--database-url", url]) == 0
    assert "upgraded from empty to add_exercise_media" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert "already at add_exercise_media" in capsys.readouterr().out
