"""The headless commands, run in-process as a user would run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop.cli import main
from gbf_desktop.db import migrate


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
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
    head = migrate.head_revision()
    assert f"upgraded from empty to {head}" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert f"already at {head}" in capsys.readouterr().out


@pytest.mark.ffmpeg
def test_clip_compress_and_probe_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from gbf_desktop.video.compress import encode_test_pattern

    source = encode_test_pattern(tmp_path / "in.mp4", duration_s=3.0).path
    out = tmp_path / "out.mp4"
    assert main(["clip", "compress", str(source), str(out), "--start", "0.5", "--end", "2.5"]) == 0
    assert "854x480, 2.00 s" in capsys.readouterr().out
    assert main(["clip", "probe", str(out)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["video"]["width"] == 854
    assert facts["video"]["height"] == 480
    assert abs(facts["duration_s"] - 2.0) < 0.1


@pytest.mark.ffmpeg
def test_clip_compress_of_a_text_file_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("squat 3x5 at 100 kg\n")
    out = tmp_path / "out.mp4"
    assert main(["clip", "compress", str(fake), str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("gbf-desktop: ")
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert not out.exists()
