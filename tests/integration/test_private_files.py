"""The data folder 0700, logs, settings, takes and caches 0600: after a real run of the command."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gbf_desktop.private_files import tighten

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _loose_tree(root: Path) -> None:
    (root / "logs").mkdir(parents=True)
    (root / "logs" / "gbf-desktop.log.1").write_text("an old log naming students\n")
    (root / "connections.json").write_text("[]")
    for path in (root, root / "logs"):
        path.chmod(0o755)
    for path in (root / "logs" / "gbf-desktop.log.1", root / "connections.json"):
        path.chmod(0o644)


def _all_private(root: Path) -> list[str]:
    wrong = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        want = 0o700 if path.is_dir() else 0o600
        if _mode(path) != want:
            wrong.append(f"{path.relative_to(root)}: {oct(_mode(path))}")
    return wrong


def test_tighten_makes_folders_0700_files_0600_and_never_follows_a_link(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _loose_tree(root)
    outside = tmp_path / "someone-elses.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (root / "planted").symlink_to(outside)
    managed = root / "pgdata"
    managed.mkdir(mode=0o700)
    managed.chmod(0o700)  # as initdb leaves it
    (managed / "postgresql.conf").write_text("")
    (managed / "postgresql.conf").chmod(0o640)

    tighten(root, skip=[managed])

    assert _mode(outside) == 0o644
    assert _mode(managed / "postgresql.conf") == 0o640  # PostgreSQL's own folder is left alone
    (managed / "postgresql.conf").chmod(0o600)
    assert _all_private(root) == []


@pytest.mark.db
def test_after_a_run_the_data_folder_logs_and_caches_are_private(
    tmp_path: Path, db_url: str
) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    _loose_tree(data)
    thumbnails = cache / "gbf-desktop" / "thumbnails"
    thumbnails.mkdir(parents=True)
    (thumbnails / "clip.png").write_bytes(b"\x89PNG")
    for path in (cache / "gbf-desktop", thumbnails):
        path.chmod(0o755)
    (thumbnails / "clip.png").chmod(0o644)
    env = {
        **os.environ,
        "GBF_DATA_DIR": str(data),
        "XDG_CACHE_HOME": str(cache),
        "GBF_DATABASE_URL": db_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "gbf_desktop", "db", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    log_file = data / "logs" / "gbf-desktop.log"
    assert log_file.is_file()
    assert _all_private(data) == []
    assert _all_private(cache / "gbf-desktop") == []
