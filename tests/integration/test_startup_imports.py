"""The GUI's start loads neither the video stack nor Alembic, and still migrates when it must.

OpenCV, NumPy and PyAV cost the start about a second and Alembic half of one (`bench/startup.py`);
they are imported by the clip jobs and by a migration that actually runs. These tests fail when an
import at the top of a module the start reaches brings one of them back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.app import Database, ensure_ready
from gbf_desktop.db import migrate
from gbf_desktop.errors import SchemaMismatch
from tests.app_driver import HEAVY, AppLines
from tests.conftest import DemoLoader

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GBF_", "PG"))}
    return env | {
        "GBF_DATA_DIR": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
        # No keyring on a test machine: the URL's own credentials are used.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO),
        **extra,
    }


def test_the_start_to_the_main_window_imports_no_video_module_nor_alembic(
    db_url: str, demo_data: DemoLoader, tmp_path: Path
) -> None:
    demo_data()  # the demo is there already: the start signs in and shows the dashboard
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.app_driver", "--demo", "--exit-when-ready"],
        env=_env(tmp_path, GBF_DATABASE_URL=db_url),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = AppLines(process)
        shown = lines.wait_for("shown MainWindow ", 90)
        ready = lines.wait_for("ready after ", 60)
        finished = lines.wait_for("exit ", 60)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()

    assert HEAVY == ("cv2", "numpy", "av", "alembic")
    # Nothing heavy when the window shows, nor once the dashboard showed its data.
    assert shown == "shown MainWindow loaded="
    assert ready.startswith("ready after ")
    assert finished == "exit 0 loaded="


def _upgrade_if_behind_in_a_fresh_process(url: str, tmp_path: Path) -> list[str]:
    script = (
        "import sys\n"
        "from gbf_desktop.db import migrate\n"
        "from gbf_desktop.db.engine import build_engine\n"
        "engine = build_engine(sys.argv[1])\n"
        "outcome = migrate.upgrade_if_behind(engine)\n"
        "print(outcome)\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, url],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.splitlines()


def test_a_database_at_head_is_checked_with_one_query_and_alembic_stays_unloaded(
    db_url: str, tmp_path: Path
) -> None:
    assert _upgrade_if_behind_in_a_fresh_process(db_url, tmp_path) == ["None", "False"]


def test_a_database_behind_head_is_still_upgraded_at_start(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    migrate.downgrade(engine, "baseline")

    lines = _upgrade_if_behind_in_a_fresh_process(db_url, tmp_path)

    head = migrate.head_revision()
    assert lines == [f"MigrationOutcome(before='baseline', after='{head}')", "True"]
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == head


def test_an_empty_database_is_built_by_the_start(
    make_empty_database: Callable[[], str], tmp_path: Path
) -> None:
    url = make_empty_database()

    lines = _upgrade_if_behind_in_a_fresh_process(url, tmp_path)

    assert lines == [f"MigrationOutcome(before=None, after='{migrate.head_revision()}')", "True"]


def test_the_scripts_declare_the_head_alembic_finds() -> None:
    assert migrate.declared_head() == migrate.head_revision()
    assert migrate.schema_head() == migrate.head_revision()


def test_the_recorded_revision_is_read_as_alembic_reads_it(engine: Engine) -> None:
    with engine.connect() as connection:
        assert migrate.recorded_revision(connection) == migrate.current_revision(connection)
    migrate.downgrade(engine, "baseline")
    with engine.connect() as connection:
        assert migrate.recorded_revision(connection) == "baseline"
        connection.execute(text('DROP TABLE "gbf_desktop".alembic_version'))
        assert migrate.recorded_revision(connection) is None


def test_a_shared_server_behind_head_is_still_told_to_upgrade_and_left_alone(
    engine: Engine,
) -> None:
    migrate.downgrade(engine, "baseline")

    with pytest.raises(SchemaMismatch) as refused:
        ensure_ready(Database(engine=engine, label="the gym's server"))

    head = migrate.head_revision()
    assert str(refused.value).startswith(
        f"The database at the gym's server is at schema version baseline; this app needs {head}."
    )
    assert "gbf-desktop db upgrade" in str(refused.value)
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == "baseline"
