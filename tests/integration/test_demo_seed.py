"""The demo seed against a real PostgreSQL at head.

Clips here come from a tiny fake encoder (bytes only), so these tests stay fast; the real ffmpeg
clips are covered by test_demo_clips.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import (
    DEMO_COACH_EMAIL,
    DEMO_COACH_PASSWORD,
    ClipProgress,
    DemoDataConflict,
    DemoSummary,
    iter_seed_clips,
    seed,
)
from gbf_desktop.services.auth import hash_password, sign_in
from gbf_desktop.services.dashboard import load_coach_dashboard

pytestmark = pytest.mark.db

# A Thursday, so the current week (9) has already begun.
TODAY = date(2026, 3, 12)
PROGRESS_KEYS = {"sessionId", "sessionTitle", "sessionNotes", "week", "block", "program"}
PROGRESS_KEYS |= {"exercises", "summary"}
ENTRY_KEYS = {"position", "exerciseId", "exerciseName", "exerciseType", "config", "status", "data"}


def fake_clip(seconds: float, seed: int) -> bytes:
    # Not a playable MP4: only its bytes and their count matter to the database side.
    return b"\x00\x00\x00\x18ftypmp42" + bytes([seed]) * int(seconds * 1000)


def _run(engine: Engine, make_clip: Callable[[float, int], bytes] = fake_clip) -> DemoSummary:
    return seed(engine, make_clip=make_clip, today=TODAY)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in m.Base.metadata.sorted_tables
        }


def test_seed_fills_every_part_of_the_demo(engine: Engine) -> None:
    summary = _run(engine)

    assert summary.coach_email == DEMO_COACH_EMAIL
    assert summary.inserted["users"] == 7
    assert sum(summary.already_there.values()) == 0
    with Session(engine) as session:
        roles = dict(session.execute(select(m.User.role, func.count()).group_by(m.User.role)).all())
        assert roles == {m.Role.coach: 1, m.Role.student: 6}
        coach = session.scalars(select(m.User).where(m.User.email == DEMO_COACH_EMAIL)).one()
        hashed = session.scalar(select(m.User.password).where(m.User.id == coach.id))
        assert hashed is not None
        assert hashed.startswith("$2b$10$")
        students = session.scalars(select(m.User).where(m.User.role == m.Role.student)).all()
        assert {s.coach_id for s in students} == {coach.id}

        group = session.scalars(select(m.Group)).one()
        assert (group.name, group.owner_id) == ("Morning squad", coach.id)
        assert session.scalar(select(func.count()).select_from(m.GroupMember)) == 3

        exercises = session.scalars(select(m.Exercise)).all()
        assert len(exercises) >= 60
        assert {e.type for e in exercises} == set(m.ExerciseType)
        for exercise in exercises:
            assert exercise.meta is not None
            if exercise.scope is m.Scope.global_:
                assert exercise.type is m.ExerciseType.standard
                assert exercise.owner_id is None
                assert exercise.meta["inDepthExplanationLink"].startswith("https://www.youtube")
                assert set(exercise.meta) == {
                    "exercise",
                    "shortDemonstration",
                    "inDepthExplanation",
                    "shortDemonstrationLink",
                    "inDepthExplanationLink",
                    "difficultyLevel",
                    "targetMuscleGroup",
                }
            else:
                assert exercise.owner_id == coach.id
                assert set(exercise.meta) == {
                    "difficulty",
                    "muscleGroups",
                    "instructions",
                    "videoUrl",
                    "sets",
                    "reps",
                }
        coach_types = {e.type for e in exercises if e.scope is m.Scope.coach}
        assert coach_types == set(m.ExerciseType)

        programs = session.scalars(select(m.Program)).all()
        assert sorted(p.title for p in programs) == ["Hybrid Conditioning", "Strength Foundations"]
        assert not any(p.is_draft for p in programs)
        audits = session.execute(select(m.ProgramAudit.program_id, m.ProgramAudit.change_type))
        assert sorted(tuple(a) for a in audits) == sorted((p.id, "create") for p in programs)
        for program in programs:
            per_program = (
                select(func.count(func.distinct(m.ProgramBlock.id)), func.count(m.Session.id))
                .join(m.Week, m.Week.block_id == m.ProgramBlock.id)
                .join(m.Session, m.Session.week_id == m.Week.id)
                .where(m.ProgramBlock.program_id == program.id)
            )
            assert session.execute(per_program).one() == (3, 36)
            used = session.scalars(
                select(func.distinct(m.Exercise.type))
                .join(m.SessionExercise, m.SessionExercise.exercise_id == m.Exercise.id)
                .join(m.Session, m.Session.id == m.SessionExercise.session_id)
                .join(m.Week, m.Week.id == m.Session.week_id)
                .join(m.ProgramBlock, m.ProgramBlock.id == m.Week.block_id)
                .where(m.ProgramBlock.program_id == program.id)
            ).all()
            assert set(used) == set(m.ExerciseType), program.title

        configs = session.scalars(select(m.SessionExercise.config)).all()
        assert all(c and {"sets", "reps", "format"} <= set(c) for c in configs)
        assert {c["format"] for c in configs if c} == {"standard", "EMOM", "AMRAP", "circuit"}
        # The web reads `reps` as a number (its workout page sums them).
        assert all(isinstance(c["reps"], int) for c in configs if c)
        assert any("repsTarget" in c for c in configs if c)

        dates = session.scalars(select(m.Session.date)).all()
        first = min(d for d in dates if d is not None)
        assert first.date() == date(2026, 1, 12)  # the Monday eight weeks before this week's

        assignments = session.scalars(select(m.ProgramAssignment)).all()
        assert {a.assigned_by for a in assignments} == {coach.id}
        pairs = [(a.program_id, a.student_id) for a in assignments]
        assert len(pairs) == len(set(pairs))
        per_student = {a.student_id for a in assignments}
        assert per_student == {s.id for s in students}
        notifications = session.scalars(select(m.Notification)).all()
        assert len(notifications) == len(assignments)
        by_assignment = {n.payload["assignmentId"]: n for n in notifications if n.payload}
        titles = {p.id: p.title for p in programs}
        for assignment in assignments:
            note = by_assignment[assignment.id]
            assert note.type == "assignment"
            assert note.user_id == assignment.student_id
            assert note.payload == {
                "assignmentId": assignment.id,
                "programTitle": titles[assignment.program_id],
                "coachPseudo": coach.pseudo,
                "assignedAt": assignment.assigned_at.strftime("%Y-%m-%dT%H:%M:%S.")
                + f"{assignment.assigned_at.microsecond // 1000:03d}Z",
            }


def test_progress_covers_eight_weeks_in_the_web_runner_shape(engine: Engine) -> None:
    _run(engine)
    with Session(engine) as session:
        rows = session.execute(
            select(m.SessionProgress, m.Week.week_number)
            .join(m.Session, m.Session.id == m.SessionProgress.session_id)
            .join(m.Week, m.Week.id == m.Session.week_id)
        ).all()
        assert len(rows) > 100
        assert {week for _, week in rows} == set(range(1, 9))
        saved = [row.saved_at for row, _ in rows]
        assert max(saved) - min(saved) > timedelta(weeks=7)
        assert all(row.updated_at >= row.saved_at for row, _ in rows)
        assert max(saved) < datetime(2026, 3, 9)  # nothing logged in the current week

        statuses = {row.status for row, _ in rows}
        assert {"completed", "partial", "pending", "in_progress"} <= statuses
        seen_types: set[str] = set()
        stringly = bugged = 0
        for row, week in rows:
            progress = row.progress
            assert progress is not None
            assert set(progress) - {"metadata"} == PROGRESS_KEYS
            assert progress["sessionId"] == row.session_id
            assert progress["week"] == week
            assert {"totalExercises", "completedExercises", "inProgressExercises"} <= set(
                progress["summary"]
            )
            for entry in progress["exercises"]:
                assert set(entry) >= ENTRY_KEYS
                seen_types.add(entry["exerciseType"])
                data = entry["data"]
                if entry["status"] == "completed" and entry["exerciseType"] == "standard":
                    assert {"setsCompleted", "repsPerSet", "repsCompleted"} <= set(data)
                if isinstance(data, dict) and isinstance(data.get("weightUsed"), str):
                    stringly += 1
            entry_statuses = [e["status"] for e in progress["exercises"]]
            if row.status == "completed" and "in_progress" in entry_statuses:
                bugged += 1
        assert seen_types == set(m.ExerciseType)
        assert stringly > 0
        assert bugged == 1

        # Older platform versions: flat columns, and plain video references.
        flat = [row for row, _ in rows if row.sets is not None]
        assert flat
        assert all(row.format == "standard" for row in flat)
        assert 1 <= sum(1 for row, _ in rows if row.videos) <= 2


def test_clips_are_stored_with_their_byte_count(engine: Engine) -> None:
    made: list[tuple[float, int]] = []

    def recording_clip(seconds: float, seed: int) -> bytes:
        made.append((seconds, seed))
        return fake_clip(seconds, seed)

    _run(engine, recording_clip)
    assert 3 <= len(made) <= 5
    assert all(5 <= seconds <= 8 for seconds, _ in made)
    with engine.connect() as conn:
        clips = conn.execute(
            text('SELECT "mimeType", size, octet_length(data), "progressId" FROM exercise_media')
        ).all()
    assert len(clips) == len(made)
    assert all(mime == "video/mp4" and size == length for mime, size, length, _ in clips)
    assert len({progress for *_, progress in clips}) == len(clips)


def test_rows_first_then_the_clips_one_by_one_with_progress(engine: Engine) -> None:
    # What the app does: every row but the clips before the window shows, the clips after it.
    summary = seed(engine, make_clip=None, today=TODAY)
    assert summary.inserted["session_progress"] > 0
    assert _counts(engine)["exercise_media"] == 0

    steps = iter_seed_clips(engine, make_clip=fake_clip, today=TODAY)
    seen: list[ClipProgress] = []
    counts_at_step: list[int] = []
    try:
        while True:
            seen.append(next(steps))
            counts_at_step.append(_counts(engine)["exercise_media"])
    except StopIteration as stop:
        stored = stop.value

    total = seen[0].total
    assert 3 <= total <= 5
    assert [(p.done, p.total) for p in seen] == [(i, total) for i in range(total + 1)]
    # Each clip is committed before the next one is announced: a cancel keeps what was made.
    assert counts_at_step == list(range(total + 1))
    assert stored == total
    # A second pass finds nothing missing.
    again = list(iter_seed_clips(engine, make_clip=fake_clip, today=TODAY))
    assert again == [ClipProgress(0, 0)]


def test_a_second_run_inserts_nothing(engine: Engine) -> None:
    first = _run(engine)
    before = _counts(engine)

    calls: list[int] = []

    def must_not_encode(seconds: float, seed: int) -> bytes:
        calls.append(seed)
        return fake_clip(seconds, seed)

    # A later day too: timestamps move with `today`, ids must not.
    second = seed(engine, make_clip=must_not_encode, today=TODAY + timedelta(days=9))

    assert second.total_inserted == 0
    assert dict(second.already_there) == dict(first.inserted)
    assert _counts(engine) == before
    assert calls == []
    assert "nothing added" in second.lines()[0]


def test_the_demo_coach_signs_in_and_sees_a_student_due_in_week_nine(engine: Engine) -> None:
    _run(engine)
    factory = uow_factory(engine)

    def make_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    user = sign_in(make_uow, DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD)
    assert user.role == "coach"

    view = load_coach_dashboard(make_uow, user.id, today=TODAY)
    assert len(view.students) == 6
    weeks = {row.student_name: row.week_number for row in view.students}
    # Camille logs every session: her next one opens week 9, the current week.
    assert weeks["Camille Laurent"] == 9
    # Jonas's week-4 row says "completed" with an exercise still in progress (the web's bug):
    # judged by its exercises, that session is still due.
    assert weeks["Jonas Becker"] == 4
    assert all(week is not None and 3 <= week <= 9 for week in weeks.values())
    assert len(set(weeks.values())) >= 5  # students at different points: a dashboard worth reading
    assert view.clips.count == 4
    assert view.clips.total_bytes > 0


def test_seed_leaves_the_platforms_own_users_alone(engine: Engine) -> None:
    other_id = m.new_id()
    stamp = datetime(2025, 5, 1, 8, 0, 0, 123000)
    with Session(engine) as session:
        session.add(
            m.User(
                id=other_id,
                email="real.coach@example.com",
                pseudo="realcoach",
                password=hash_password("secret"),
                role=m.Role.coach,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        session.commit()
    with engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM users WHERE id = :id"), {"id": other_id}).one()

    _run(engine)

    with engine.connect() as conn:
        after = conn.execute(text("SELECT * FROM users WHERE id = :id"), {"id": other_id}).one()
        assert after == before
        students = conn.execute(
            text("""SELECT count(*) FROM users WHERE "coachId" = :id"""), {"id": other_id}
        ).scalar_one()
    assert students == 0
    assert _counts(engine)["users"] == 8


@pytest.mark.parametrize(
    ("email", "pseudo"),
    [(DEMO_COACH_EMAIL.upper(), "someone"), ("someone@example.com", "gbfdemo_camillel")],
)
def test_seed_refuses_when_a_demo_identity_belongs_to_someone_else(
    engine: Engine, email: str, pseudo: str
) -> None:
    with Session(engine) as session:
        session.add(
            m.User(email=email, pseudo=pseudo, password=hash_password("x"), role=m.Role.coach)
        )
        session.commit()
    before = _counts(engine)

    with pytest.raises(DemoDataConflict, match="already belongs to an account"):
        _run(engine)

    assert _counts(engine) == before
