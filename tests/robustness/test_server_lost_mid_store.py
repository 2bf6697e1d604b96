"""The server stops (`pg_ctl stop -m immediate`) while a clip's bytes are being sent.

The coach must read that the database went away, that nothing was stored and where the clip is;
no row may be left behind; once the server is back, the same engine stores the clip (the pool
throws the dead connections away instead of handing them out again).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.db import migrate
from gbf_desktop.db.engine import build_engine
from gbf_desktop.errors import DatabaseGone
from gbf_desktop.services import media
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.video_jobs import check_clip, clip_facts
from tests.robustness.cluster import PASSWORD, ThrowawayCluster
from tests.robustness.conftest import assert_one_clear_line
from tests.robustness.world import backend_on, build_world

pytestmark = [pytest.mark.db, pytest.mark.ffmpeg]


@pytest.fixture
def fault_engine(cluster: ThrowawayCluster) -> Iterator[Engine]:
    cluster.sql("DROP DATABASE IF EXISTS gbf_fault")
    cluster.sql("CREATE DATABASE gbf_fault")
    engine = build_engine(cluster.url("gbf_fault"))
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _media_rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        media_rows = connection.execute(text("SELECT count(*) FROM exercise_media")).scalar_one()
        progress = connection.execute(text("SELECT count(*) FROM session_progress")).scalar_one()
    return int(media_rows), int(progress)


def test_server_stopped_mid_store_says_so_keeps_the_clip_and_the_pool_recovers(
    cluster: ThrowawayCluster, fault_engine: Engine, tmp_path: Path
) -> None:
    world = build_world(fault_engine)
    clip_path = tmp_path / "take.mp4"
    encode_test_pattern(clip_path, duration_s=2.0, label="fault")
    clip = check_clip(clip_path)
    backend = backend_on(fault_engine)
    steps = media.iter_store_clip(
        backend.uow_factory,  # type: ignore[arg-type]  # SqlUnitOfWork has clip_store
        clip_facts,
        coach_id=world.coach,
        student_id=world.student,
        session_id=world.session,
        file_path=clip.path,
        expected_sha256=clip.sha256,
        chunk_bytes=8 * 1024,
    )
    # Run until the bytes are on their way to the server, then pull its plug.
    while next(steps).stage != "writing":
        pass
    cluster.stop("immediate")
    try:
        with pytest.raises(DatabaseGone) as gone:
            for _ in steps:
                pass
    finally:
        cluster.start()

    line = assert_one_clear_line(str(gone.value), secret=PASSWORD)
    assert "went away (the connection was lost)" in line
    assert "The clip was not stored" in line
    assert f"it is kept at {clip.path}" in line
    assert clip.path.read_bytes()  # the take is where the message says
    assert _media_rows(fault_engine) == (0, 0)

    # The same engine, and so the same pool, works again now that the server is back.
    stored = backend.store_clip(
        world.coach, world.student, world.session, clip.path, clip.sha256, inspect=clip_facts
    )
    assert stored.size_bytes == clip.path.stat().st_size
    assert _media_rows(fault_engine) == (1, 1)
