"""Storing clips in the shared database: rows in the web platform's shape, bytes intact, all or
nothing. Real PostgreSQL, real ffmpeg for the clips."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.errors import MediaError, ValidationError
from gbf_desktop.services import media
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.media import StoredClip, js_iso
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip, clip_facts
from tests import video_inputs

pytestmark = [pytest.mark.db, pytest.mark.ffmpeg]

SQUAT_CONFIG = {"sets": 3, "reps": 5, "weight": 100, "format": "standard", "tempo": "31X1"}
BURPEE_CONFIG = {"sets": 1, "reps": 10, "format": "AMRAP", "duration": 420}


@dataclass(frozen=True)
class World:
    coach: str
    student: str
    other_coach: str
    other_student: str
    session: str
    unassigned_session: str
    squat: str
    burpees: str


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine, expire_on_commit=False) as s:

        def add(row: Any) -> Any:
            s.add(row)
            s.flush()
            return row

        def user(name: str, role: m.Role, coach: str | None = None) -> str:
            return str(
                add(
                    m.User(
                        email=f"{name}@example.org",
                        pseudo=name,
                        password="$2b$10$" + "x" * 53,
                        role=role,
                        first_name=name.title(),
                        coach_id=coach,
                    )
                ).id
            )

        coach = user("coach", m.Role.coach)
        other_coach = user("rival", m.Role.coach)
        student = user("ana", m.Role.student, coach)
        other_student = user("ben", m.Role.student, other_coach)
        squat = add(
            m.Exercise(name="Back squat", type=m.ExerciseType.standard, scope=m.Scope.global_)
        ).id
        burpees = add(
            m.Exercise(
                name="Burpees", type=m.ExerciseType.AMRAP, scope=m.Scope.coach, owner_id=coach
            )
        ).id
        program = add(m.Program(title="Strength 101", coach_id=coach, is_draft=False))
        block = add(m.ProgramBlock(program_id=program.id, title="Base", position=0))
        week = add(m.Week(block_id=block.id, week_number=1, position=0))
        session = add(
            m.Session(
                week_id=week.id,
                title="Day 1",
                notes="Film the second set",
                position=0,
                date=datetime(2025, 5, 12),
            )
        )
        add(m.SessionExercise(session_id=session.id, exercise_id=burpees, position=1,
                              config=BURPEE_CONFIG))  # fmt: skip
        add(m.SessionExercise(session_id=session.id, exercise_id=squat, position=0,
                              config=SQUAT_CONFIG))  # fmt: skip
        other_program = add(m.Program(title="Not assigned", coach_id=coach))
        other_block = add(m.ProgramBlock(program_id=other_program.id, position=0))
        other_week = add(m.Week(block_id=other_block.id, week_number=1, position=0))
        unassigned = add(m.Session(week_id=other_week.id, title="Elsewhere", position=0))
        add(m.ProgramAssignment(program_id=program.id, student_id=student, assigned_by=coach))
        s.commit()
        return World(
            coach=coach,
            student=student,
            other_coach=other_coach,
            other_student=other_student,
            session=session.id,
            unassigned_session=unassigned.id,
            squat=squat,
            burpees=burpees,
        )


@pytest.fixture
def backend(engine: Engine) -> Backend:
    return Backend(uow_factory=lambda: SqlUnitOfWork(uow_factory(engine)), database_label="test")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> ReadyClip:
    path = tmp_path_factory.mktemp("clips") / "squat.mp4"
    encode_test_pattern(path, duration_s=2.0, label="squat")
    return check_clip(path)


def _store(backend: Backend, world: World, clip: ReadyClip, **changes: Any) -> StoredClip:
    args: dict[str, Any] = {
        "coach_id": world.coach,
        "student_id": world.student,
        "session_id": world.session,
        "file_path": clip.path,
        "expected_sha256": clip.sha256,
    } | changes
    return backend.store_clip(**args, inspect=clip_facts)


def _rows(engine: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def _counts(engine: Engine) -> tuple[int, int]:
    media = _rows(engine, "SELECT count(*) AS n FROM exercise_media")[0]["n"]
    progress = _rows(engine, "SELECT count(*) AS n FROM session_progress")[0]["n"]
    return media, progress


def _is_uuid4(value: str) -> bool:
    return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value


def test_store_creates_the_progress_row_in_the_web_shape_and_keeps_the_bytes(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    stored = _store(backend, world, clip)

    media = _rows(
        engine,
        'SELECT id, "progressId", "mimeType", size, octet_length(data) AS octets, data, '
        '"createdAt" FROM exercise_media',
    )
    assert len(media) == 1
    row = media[0]
    assert row["id"] == stored.media_id
    assert _is_uuid4(row["id"])
    assert row["progressId"] == stored.progress_id
    assert row["mimeType"] == "video/mp4"
    assert row["size"] == row["octets"] == clip.path.stat().st_size == stored.size_bytes
    assert bytes(row["data"]) == clip.path.read_bytes()
    assert row["createdAt"] is not None
    assert clip_facts(clip.path).codec == "h264"

    progress = _rows(engine, "SELECT * FROM session_progress")
    assert len(progress) == 1
    p = progress[0]
    assert stored.created_progress
    assert p["id"] == stored.progress_id
    assert _is_uuid4(p["id"])
    assert (p["sessionId"], p["studentId"]) == (world.session, world.student)
    assert p["status"] == "not_started"
    assert p["videos"] == []
    assert (p["notes"], p["reps"], p["sets"], p["weight"], p["format"]) == (None,) * 5
    updated: datetime = p["updatedAt"]
    assert updated.microsecond % 1000 == 0
    assert updated.tzinfo is None
    assert p["progress"] == {
        "sessionId": world.session,
        "sessionTitle": "Day 1",
        "sessionNotes": "Film the second set",
        "week": 1,
        "block": "Base",
        "program": "Strength 101",
        "exercises": [
            {
                "position": 0,
                "exerciseId": world.squat,
                "exerciseName": "Back squat",
                "exerciseType": "standard",
                "config": SQUAT_CONFIG,
                "status": "not_started",
                "data": {
                    "setsCompleted": 0,
                    "repsCompleted": 0,
                    "weightUsed": None,
                    "rpe": None,
                    "notes": "",
                },
                "notes": "",
                "videos": [],
            },
            {
                "position": 1,
                "exerciseId": world.burpees,
                "exerciseName": "Burpees",
                "exerciseType": "AMRAP",
                "config": BURPEE_CONFIG,
                "status": "not_started",
                "data": {"totalReps": 0, "rpe": None, "notes": ""},
                "notes": "",
                "videos": [],
            },
        ],
        "summary": {"totalExercises": 2, "completedExercises": 0, "inProgressExercises": 0},
        "metadata": {"lastModifiedAt": js_iso(updated)},
    }


def test_a_clip_the_coach_stored_is_not_one_to_review(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    stored = _store(backend, world, clip)

    queue = backend.review_queue(world.coach)
    assert queue.total == 0
    assert stored.media_id not in [c.id for c in queue.clips]
    assert backend.dashboard(world.coach).clips_to_review == 0
    # Recorded as the coach's own review, without a comment.
    (review,) = _rows(engine, 'SELECT "reviewerId", comment FROM gbf_desktop.clip_reviews')
    assert review == {"reviewerId": world.coach, "comment": None}


def test_an_existing_progress_row_is_reused_untouched(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    # A messy row the web runner left: it must come out byte for byte as it went in.
    logged = {"exercises": [{"status": "completed", "data": {"repsPerSet": ["5", 5, None]}}]}
    with Session(engine) as s:
        s.add(
            m.SessionProgress(
                id="11111111-1111-4111-8111-111111111111",
                session_id=world.session,
                student_id=world.student,
                status="completed",
                progress=logged,
                videos=["https://example.org/old.webm"],
                updated_at=datetime(2025, 5, 12, 18, 30, 0, 123000),
            )
        )
        s.commit()
    before = _rows(engine, "SELECT *, progress::text AS raw FROM session_progress")

    first = _store(backend, world, clip)
    second = _store(backend, world, clip)

    assert _rows(engine, "SELECT *, progress::text AS raw FROM session_progress") == before
    assert first.progress_id == second.progress_id == "11111111-1111-4111-8111-111111111111"
    assert not first.created_progress
    assert not second.created_progress
    media = _rows(engine, 'SELECT "progressId", size FROM exercise_media ORDER BY "createdAt"')
    assert [r["progressId"] for r in media] == [first.progress_id] * 2


def test_another_coachs_student_is_refused(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    with pytest.raises(ValidationError, match="not one of your students"):
        _store(backend, world, clip, coach_id=world.other_coach)
    with pytest.raises(ValidationError, match="not one of your students"):
        _store(backend, world, clip, student_id=world.other_student)
    assert _counts(engine) == (0, 0)


def test_a_session_outside_the_students_programs_is_refused(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    with pytest.raises(ValidationError, match="not in a program assigned"):
        _store(backend, world, clip, session_id=world.unassigned_session)
    assert _counts(engine) == (0, 0)


def test_a_clip_changed_since_it_was_checked_is_refused(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    with pytest.raises(MediaError, match="changed on the disk"):
        _store(backend, world, clip, expected_sha256="0" * 64)
    assert _counts(engine) == (0, 0)


def test_a_clip_off_the_contract_is_refused(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip, tmp_path: Path
) -> None:
    raw = video_inputs.h264_1080p30(tmp_path / "raw.mp4", duration=1.0)
    with pytest.raises(MediaError, match="does not meet the clip format"):
        _store(
            backend,
            world,
            ReadyClip(raw, "0" * 64, 0, 1.0, 1920, 1080),
            expected_sha256="0" * 64,
        )
    text_file = video_inputs.text_named_mp4(tmp_path / "notes.mp4")
    with pytest.raises(MediaError, match="not a video"):
        _store(backend, world, clip, file_path=text_file)
    assert _counts(engine) == (0, 0)


@pytest.mark.parametrize("how", ["cancelled", "failed"])
def test_stopping_in_the_middle_of_the_write_leaves_nothing(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip, how: str
) -> None:
    # Small chunks so the write is several steps long: stop after the first one went out.
    steps = media.iter_store_clip(
        cast("media.MediaUnitOfWorkFactory", backend.uow_factory),
        clip_facts,
        coach_id=world.coach,
        student_id=world.student,
        session_id=world.session,
        file_path=clip.path,
        expected_sha256=clip.sha256,
        chunk_bytes=16 * 1024,
    )
    stages = []
    for step in steps:
        stages.append(step.stage)
        if step.stage == "writing":
            break
    assert stages[-1] == "writing"
    assert 0 < step.done_bytes < step.total_bytes
    if how == "cancelled":
        steps.close()  # what a cancelled task does
    else:
        with pytest.raises(OSError, match="disk on fire"):
            steps.throw(OSError("disk on fire"))
    assert _counts(engine) == (0, 0)
    # The connection went back to the pool clean: the next store works.
    _store(backend, world, clip)
    assert _counts(engine) == (1, 1)


def test_attach_choices_list_the_coachs_students_and_their_sessions(
    engine: Engine, backend: Backend, world: World, clip: ReadyClip
) -> None:
    _store(backend, world, clip)
    choices = backend.attach_choices(world.coach)
    assert [s.name for s in choices.students] == ["Ana"]
    (student,) = choices.students
    assert [(c.session_title, c.program_title, c.block_title, c.week_number) for c in
            student.sessions] == [("Day 1", "Strength 101", "Base", 1)]  # fmt: skip
    (session,) = student.sessions
    assert (session.status, session.logged, session.clip_count) == ("not_started", False, 1)
    assert session.session_date == datetime(2025, 5, 12)
