"""The progress review on a real PostgreSQL: the demo data, and hand-made rows in the web's shapes.

Demo dates: the seed's `today` is Thursday 2026-03-12, so the programs started on Monday
2026-01-12 (eight weeks before that week) with sessions on Monday, Wednesday and Friday at
midnight UTC. Figures below are worked out by hand from the habits in `demo/people.py` and
`demo/logbook.py`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text, update

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.domain.exercise_types import AmrapResult, EmomResult, SetResult, StandardResult
from gbf_desktop.errors import ConflictError, ValidationError
from gbf_desktop.services.dashboard import load_coach_dashboard
from gbf_desktop.services.logging_on_behalf import ExerciseLog, log_session
from gbf_desktop.services.review import (
    CSV_COLUMNS,
    load_student_progress,
    load_students,
    write_history_csv,
)
from tests.conftest import DemoLoader, fake_mp4

pytestmark = pytest.mark.db

SEED_DAY = date(2026, 3, 12)
SUNDAY = date(2026, 3, 8)  # the end of week 8, the last week of the demo's log
EVENING = datetime(2026, 3, 8, 20, 0)


Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def factory(engine: Engine) -> Factory:
    made = uow_factory(engine)
    return lambda: SqlUnitOfWork(made)


@pytest.fixture
def demo(demo_data: DemoLoader, engine: Engine) -> dict[str, str]:
    """The demo seeded; ids of the coach and students by first name."""
    demo_data("fake-mp4", SEED_DAY)
    with engine.connect() as conn:
        rows = conn.execute(select(m.User.id, m.User.first_name, m.User.email)).all()
    ids = {first: uid for uid, first, _ in rows}
    ids["coach"] = next(uid for uid, _, email in rows if email == DEMO_COACH_EMAIL)
    return ids


def test_students_page_on_the_demo(factory: Factory, demo: dict[str, str]) -> None:
    rows = {
        r.name.split()[0]: r
        for r in load_students(factory, demo["coach"], today=SUNDAY, now=EVENING)
    }

    assert set(rows) == {"Camille", "Malik", "Sofía", "Jonas", "Aisha", "Théo"}
    malik = rows["Malik"]
    # Week 8 (2, 4, 6 March): nothing. 7 Feb - 8 March: weeks 5 and 6 done (6), 23 Feb done,
    # 25 Feb partial, 27 Feb and week 8 not logged: 7 of 12. The 30 days before: weeks 1-4,
    # all 12 done.
    assert [(c.days, c.due, c.done) for c in malik.compliance[:2]] == [(7, 3, 0), (30, 12, 7)]
    assert malik.compliance_over(30).percent == pytest.approx(700 / 12)
    assert malik.last_activity is not None
    assert malik.last_activity.date() == date(2026, 2, 25)
    assert malik.attention == (
        "No activity for 11 days (last on 2026-02-25).",
        "Compliance fell from 100 % to 58 % (last 30 days against the 30 before).",
    )
    # Camille logs everything, but the Hybrid program assigned on 28 February (day 47) is not
    # started: this week 3 strength sessions done of 6 due. Sessions of Hybrid dated before the
    # assignment are not due for her.
    camille = rows["Camille"]
    assert (camille.compliance_over(7).due, camille.compliance_over(7).done) == (6, 3)
    assert camille.compliance_over(90).due == 24 + 3
    assert not any("No activity" in reason for reason in camille.attention)

    found = load_students(factory, demo["coach"], search="HADDAD", today=SUNDAY, now=EVENING)
    assert [r.name for r in found] == ["Malik Haddad"]


def test_the_platforms_completed_bug_shows_both_statuses(
    factory: Factory, demo: dict[str, str]
) -> None:
    progress = load_student_progress(factory, demo["coach"], demo["Jonas"], today=SUNDAY)

    strength = next(p for p in progress.programs if p.title == "Strength Foundations")
    disagreeing = [s for s in strength.sessions if s.status.disagrees]
    # Week 4, Friday: stored completed while the last exercise is still in progress.
    bugged = next(s for s in disagreeing if s.status.stored == "completed")
    assert bugged.due == date(2026, 2, 6)
    assert bugged.status.computed == "in_progress"
    assert bugged.overdue
    detail = progress.session(bugged.id)
    assert detail.status.stored == "completed"
    assert not detail.status.is_complete
    assert detail.exercises[-1].status == "in_progress"
    assert [e.status for e in detail.exercises[:-1]] == ["completed"] * (len(detail.exercises) - 1)


def test_demo_clips_come_with_their_session_and_no_bytes(
    factory: Factory, demo: dict[str, str]
) -> None:
    progress = load_student_progress(factory, demo["coach"], demo["Camille"], today=SEED_DAY)
    with_clips = [log for log in progress.logs.values() if progress.clips_of.get(log.id)]
    assert len(with_clips) == 2
    detail = progress.session(with_clips[0].session_id)
    (clip,) = detail.clips
    assert clip.size == len(fake_mp4(0, 1))
    assert clip.mime_type == "video/mp4"
    assert clip.reviewed_at is None


def test_another_coachs_student_is_refused(factory: Factory, demo: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="not one of your students"):
        load_student_progress(factory, demo["Malik"], demo["Camille"])


def test_dashboard_additions_on_the_demo(factory: Factory, demo: dict[str, str]) -> None:
    wednesday = date(2026, 3, 4)
    view = load_coach_dashboard(
        factory, demo["coach"], today=wednesday, now=datetime(2026, 3, 4, 21, 0)
    )

    assert view.students  # the existing part is still there
    assert view.clips_to_review == 4
    assert [c.student_name for c in view.newest_clips] == [
        "Aisha Okafor",
        "Camille Laurent",
        "Sofía Márquez",
        "Camille Laurent",
    ]
    assert [c.created_at for c in view.newest_clips] == sorted(
        (c.created_at for c in view.newest_clips), reverse=True
    )
    today = {(t.student_name.split()[0], t.program_title): t.done for t in view.today_sessions}
    assert today[("Camille", "Strength Foundations")] is True
    assert today[("Malik", "Strength Foundations")] is False
    assert today[("Camille", "Hybrid Conditioning")] is False  # assigned, not started
    assert "Malik Haddad" in [s.name for s in view.needs_attention]


# ---------------------------------------------------------------------------------------------
# Hand-made rows in the web's shapes, messy ones included

COACH, STUDENT, OTHER = "c0000000-0000-4000-8000-000000000001", "s1", "s2"
HASH = "$2b$10$abcdefghijklmnopqrstuuJ0J1JqgW6p3fUj3Zk8b5o0n9kXH7Q2e"
MONDAY = datetime(2026, 3, 2)


def _insert(engine: Engine, model: type[m.Base], rows: list[dict[str, Any]]) -> None:
    # An executemany takes its columns from the first row: give every row every key.
    keys = {key for row in rows for key in row}
    with engine.begin() as conn:
        conn.execute(insert(model), [{key: row.get(key) for key in keys} for row in rows])


@pytest.fixture
def hand_made(engine: Engine) -> dict[str, str]:
    """A coach, a student in the coach's group (no coachId), one program of one week with two
    sessions (one undated), and a messy log."""
    now = MONDAY - timedelta(days=10)
    _insert(
        engine,
        m.User,
        [
            {
                "id": COACH,
                "email": "coach@x.org",
                "pseudo": "coach",
                "password": HASH,
                "role": "coach",
                "updatedAt": now,
            },
            {
                "id": STUDENT,
                "email": "ana@x.org",
                "pseudo": "ana",
                "password": HASH,
                "role": "student",
                "firstName": "Ana",
                "lastName": "Lima",
                "updatedAt": now,
            },
            {
                "id": OTHER,
                "email": "bo@x.org",
                "pseudo": "bo",
                "password": HASH,
                "role": "student",
                "coachId": COACH,
                "updatedAt": now,
            },
        ],
    )
    _insert(engine, m.Group, [{"id": "g1", "ownerId": COACH, "name": "Evening", "updatedAt": now}])
    _insert(engine, m.GroupMember, [{"id": "gm1", "groupId": "g1", "userId": STUDENT}])
    _insert(
        engine,
        m.Exercise,
        [
            {
                "id": "squat",
                "name": "Back squat",
                "type": "standard",
                "scope": "global",
                "updatedAt": now,
            },
            {
                "id": "burpee",
                "name": "Burpee EMOM",
                "type": "EMOM",
                "scope": "coach",
                "ownerId": COACH,
                "updatedAt": now,
            },
            {
                "id": "amrap",
                "name": "Cindy",
                "type": "AMRAP",
                "scope": "coach",
                "ownerId": COACH,
                "updatedAt": now,
            },
        ],
    )
    _insert(
        engine,
        m.Program,
        [{"id": "p1", "title": "Base", "coachId": COACH, "isDraft": False, "updatedAt": now}],
    )
    _insert(
        engine, m.ProgramBlock, [{"id": "b1", "programId": "p1", "title": "Base A", "position": 0}]
    )
    _insert(engine, m.Week, [{"id": "w1", "blockId": "b1", "weekNumber": 1, "position": 0}])
    _insert(
        engine,
        m.Session,
        [
            {
                "id": "lower",
                "weekId": "w1",
                "title": "Lower",
                "notes": "Brace",
                "date": MONDAY,
                "position": 0,
            },
            {
                "id": "engine",
                "weekId": "w1",
                "title": "Engine",
                "notes": None,
                "date": None,
                "position": 1,
            },
        ],
    )
    _insert(
        engine,
        m.SessionExercise,
        [
            {
                "id": "se1",
                "sessionId": "lower",
                "exerciseId": "squat",
                "position": 0,
                "config": {
                    "sets": 3,
                    "reps": 5,
                    "format": "standard",
                    "weight": 100,
                    "rpe": 8,
                    "coachCue": "knees out",
                },
            },
            {
                "id": "se2",
                "sessionId": "lower",
                "exerciseId": "burpee",
                "position": 1,
                "config": {"sets": 3, "reps": 12, "format": "EMOM", "duration": 240},
            },
            {
                "id": "se3",
                "sessionId": "engine",
                "exerciseId": "amrap",
                "position": 0,
                "config": {"reps": 60, "format": "AMRAP", "duration": 600},
            },
        ],
    )
    _insert(
        engine,
        m.ProgramAssignment,
        [
            {
                "id": "a1",
                "programId": "p1",
                "studentId": STUDENT,
                "assignedBy": COACH,
                "assignedAt": MONDAY,
            }
        ],
    )
    saved = MONDAY + timedelta(hours=18, minutes=30)
    progress = {
        "sessionId": "lower",
        "sessionTitle": "Lower",
        "sessionNotes": "Brace",
        "week": 1,
        "block": "Base A",
        "program": "Base",
        "exercises": [
            {
                "position": 0,
                "exerciseId": "squat",
                "exerciseName": "Back squat",
                "exerciseType": "standard",
                "status": "completed",
                "notes": "Heavy today",
                "videos": ["uploads/videos/squat.webm"],
                "data": {
                    "setsCompleted": "3",
                    "repsPerSet": [5, "4", 6],
                    "repsCompleted": 15,
                    "weightUsed": "102.5",
                    "rpe": 9.5,
                    "notes": None,
                },
            },
            {
                "position": 1,
                "exerciseId": "burpee",
                "exerciseName": "Burpee EMOM",
                "exerciseType": "EMOM",
                "status": "in_progress",
                "data": {"repsPerMinute": [12, 11, None], "rpe": "8"},
            },
        ],
        "summary": {"totalExercises": 2, "completedExercises": 1, "inProgressExercises": 1},
        "metadata": {"lastModifiedAt": "2026-03-02T18:30:00.000Z"},
        "clientBuild": "web-2.3.1",
    }
    _insert(
        engine,
        m.SessionProgress,
        [
            {
                "id": "log1",
                "sessionId": "lower",
                "studentId": STUDENT,
                "progress": progress,
                "notes": "Legs were tired",
                "videos": ["https://cdn.example.org/v/1.webm"],
                "savedAt": saved,
                "status": "completed",
                "updatedAt": saved,
            }
        ],
    )
    _insert(
        engine,
        m.ExerciseMedia,
        [
            {
                "id": "clip1",
                "progressId": "log1",
                "data": b"\x00" * 9,
                "mimeType": "video/mp4",
                "size": 9,
            }
        ],
    )
    return {"coach": COACH, "student": STUDENT}


def test_ghost_and_logged_rows_of_a_messy_web_log(
    factory: Factory, hand_made: dict[str, str]
) -> None:
    progress = load_student_progress(factory, COACH, STUDENT, today=date(2026, 3, 10))

    (program,) = progress.programs
    lower, engine_session = program.sessions
    # Stored completed, but the EMOM is still in progress: both statuses are shown.
    assert (lower.status.stored, lower.status.computed, lower.status.disagrees) == (
        "completed",
        "in_progress",
        True,
    )
    # Undated: due at the end of the program's first week, counted from the assignment (2 March).
    assert engine_session.due == date(2026, 3, 8)
    assert engine_session.overdue

    detail = progress.session("lower")
    assert (detail.title, detail.coach_notes, detail.comment) == (
        "Lower",
        "Brace",
        "Legs were tired",
    )
    assert detail.videos == ("https://cdn.example.org/v/1.webm",)
    assert [(c.id, c.size) for c in detail.clips] == [("clip1", 9)]
    squat, emom = detail.exercises
    assert squat.notes == "Heavy today"
    assert squat.videos == ("uploads/videos/squat.webm",)
    reps = [line.cell("Reps") for line in squat.lines[:3]]
    assert [(c.prescribed, c.logged, c.flag) for c in reps] == [
        (5.0, 5.0, None),
        (5.0, 4.0, "shortfall"),
        (5.0, 6.0, "overshoot"),
    ]
    loads = [line.cell("Load") for line in squat.lines[:3]]
    assert {(c.prescribed, c.logged, c.flag) for c in loads} == {(100.0, 102.5, "overshoot")}
    assert squat.lines[3].cell("RPE").logged == 9.5
    assert squat.prescription is not None
    assert squat.prescription.prescription.extra == {"coachCue": "knees out"}
    minutes = [line.cell("Reps") for line in emom.lines[:-1]]
    assert [(c.prescribed, c.logged, c.flag) for c in minutes] == [
        (12.0, 12.0, None),
        (12.0, 11.0, "shortfall"),
        (12.0, None, None),  # logged as null: missing, not a figure
        (12.0, None, "shortfall"),  # the fourth minute was never reached
    ]

    # e1RM by Epley from the 4- to 6-rep sets at 102.5 kg: 6 reps gives 102.5 * 1.2 = 123.0.
    (squat_series,) = [s for s in progress.exercise_series() if s.name == "Back squat"]
    (point,) = squat_series.points
    assert point.e1rm_kg == pytest.approx(123.0)
    assert point.top_set_kg == 102.5
    assert point.volume_kg == pytest.approx(15 * 102.5)
    # 4-10 March: only "Engine" (undated, due 8 March); 30 days: "Lower" (2 March) too.
    assert (progress.compliance(7).due, progress.compliance(7).done) == (1, 0)
    assert (progress.compliance(30).due, progress.compliance(30).done) == (2, 0)


def test_history_csv(factory: Factory, hand_made: dict[str, str]) -> None:
    progress = load_student_progress(factory, COACH, STUDENT, today=date(2026, 3, 10))
    out = io.StringIO(newline="")

    count = write_history_csv(progress, out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert count == len(rows) == 4  # three squat sets, one EMOM row
    first = rows[0]
    assert {
        k: first[k]
        for k in (
            "performed_on",
            "program",
            "week",
            "session",
            "set",
            "reps",
            "load_kg",
            "rpe",
            "e1rm_kg",
            "volume_kg",
        )
    } == {
        "performed_on": "2026-03-02",
        "program": "Base",
        "week": "1",
        "session": "Lower",
        "set": "1",
        "reps": "5",
        "load_kg": "102.5",
        "rpe": "9.5",
        "e1rm_kg": "119.58",
        "volume_kg": "512.5",
    }
    assert (first["session_status"], first["stored_status"]) == ("in_progress", "completed")
    emom = rows[3]
    assert (emom["type"], emom["total_reps"], emom["detail"]) == (
        "EMOM",
        "23",
        "reps per minute: 12 11 -",
    )


def _row(engine: Engine, session_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(m.SessionProgress.__table__).where(
                    text('"sessionId" = :s AND "studentId" = :st')
                ),
                {"s": session_id, "st": STUDENT},
            )
            .mappings()
            .one_or_none()
        )
    return dict(row) if row else None


def test_logging_on_behalf_writes_the_web_shape(
    engine: Engine, factory: Factory, hand_made: dict[str, str]
) -> None:
    saved = log_session(
        factory,
        coach_id=COACH,
        student_id=STUDENT,
        session_id="engine",
        exercises=[ExerciseLog("amrap", 0, "skipped", notes="Ran out of time")],
        expected_updated_at=None,
        comment="Logged at the gym PC",
    )

    row = _row(engine, "engine")
    assert row is not None
    assert saved.created
    assert row["id"] == saved.progress_id
    assert len(row["id"]) == 36
    assert row["id"][14] == "4"
    assert (row["status"], row["updatedAt"], row["notes"]) == (
        "completed",
        saved.updated_at,
        "Logged at the gym PC",
    )
    progress = row["progress"]
    assert set(progress) == {
        "sessionId",
        "sessionTitle",
        "sessionNotes",
        "week",
        "block",
        "program",
        "exercises",
        "summary",
        "metadata",
    }
    assert (progress["sessionTitle"], progress["week"], progress["block"], progress["program"]) == (
        "Engine",
        1,
        "Base A",
        "Base",
    )
    (entry,) = progress["exercises"]
    assert entry == {
        "position": 0,
        "exerciseId": "amrap",
        "exerciseName": "Cindy",
        "exerciseType": "AMRAP",
        "config": {"reps": 60, "format": "AMRAP", "duration": 600},
        "status": "skipped",
        "notes": "Ran out of time",
        "videos": [],
        "data": {},
    }
    assert progress["summary"] == {
        "totalExercises": 1,
        "completedExercises": 0,
        "inProgressExercises": 0,
        "skippedExercises": 1,
    }
    assert progress["metadata"]["lastModifiedAt"].endswith("Z")

    # The review reads it back as the web would show it.
    review = load_student_progress(factory, COACH, STUDENT).session("engine")
    assert review.status.is_complete
    assert not review.status.disagrees


def test_a_log_entered_by_the_coach_says_so_and_keeps_the_day_it_was_performed(
    engine: Engine, factory: Factory, hand_made: dict[str, str]
) -> None:
    today = datetime.now(UTC).date()
    performed = today - timedelta(days=2)
    log_session(
        factory,
        coach_id=COACH,
        student_id=STUDENT,
        session_id="engine",
        exercises=[ExerciseLog("amrap", 0, "completed", AmrapResult(total_reps=140, rpe=9))],
        expected_updated_at=None,
        performed_on=performed,
    )

    row = _row(engine, "engine")
    assert row is not None
    # The web's statistics date a log by savedAt: the day it was performed, not the day typed.
    assert row["savedAt"] == datetime.combine(performed, time(12, 0))
    metadata = row["progress"]["metadata"]
    assert (metadata["enteredBy"], metadata["performedOn"]) == (COACH, performed.isoformat())
    # Everything the web reads is where it reads it: the row stays the student's own log.
    assert row["studentId"] == STUDENT
    assert row["progress"]["exercises"][0]["data"]["totalReps"] == 140
    session = next(
        s
        for p in load_student_progress(factory, COACH, STUDENT).programs
        for s in p.sessions
        if s.id == "engine"
    )
    assert session.entered_by_coach
    assert session.performed_on == performed

    # A day that has not come is refused, and nothing changes.
    with pytest.raises(ValidationError, match="has not come yet"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="engine",
            exercises=[],
            expected_updated_at=row["updatedAt"],
            performed_on=today + timedelta(days=1),
        )
    assert _row(engine, "engine") == row


def test_a_log_the_student_made_on_the_web_is_their_own(
    factory: Factory, hand_made: dict[str, str]
) -> None:
    session = next(
        s
        for p in load_student_progress(factory, COACH, STUDENT).programs
        for s in p.sessions
        if s.id == "lower"
    )
    assert session.progress_id == "log1"
    assert not session.entered_by_coach


def test_logging_on_behalf_updates_an_entry_and_keeps_what_it_does_not_know(
    engine: Engine, factory: Factory, hand_made: dict[str, str]
) -> None:
    before = _row(engine, "lower")
    assert before is not None

    log_session(
        factory,
        coach_id=COACH,
        student_id=STUDENT,
        session_id="lower",
        exercises=[
            ExerciseLog(
                "burpee", 1, "completed", EmomResult(reps_per_minute=(12, 11, 10, 12), rpe=8)
            )
        ],
        expected_updated_at=before["updatedAt"],
    )

    after = _row(engine, "lower")
    assert after is not None
    assert after["id"] == "log1"
    assert after["savedAt"] == before["savedAt"]
    assert after["status"] == "completed"  # both exercises done now
    assert after["notes"] == "Legs were tired"  # comment None: kept
    progress = after["progress"]
    assert progress["clientBuild"] == "web-2.3.1"
    squat, burpee = progress["exercises"]
    assert squat == before["progress"]["exercises"][0]  # not logged by the coach: untouched
    assert burpee["data"] == {"repsPerMinute": [12, 11, 10, 12], "rpe": 8, "notes": ""}
    assert progress["summary"]["completedExercises"] == 2


def test_logging_on_behalf_never_overwrites_a_newer_entry(
    engine: Engine, factory: Factory, hand_made: dict[str, str]
) -> None:
    loaded = load_student_progress(factory, COACH, STUDENT).programs[0].sessions[0]
    assert loaded.updated_at is not None
    # The student edits the log on the web after the coach opened it.
    later = loaded.updated_at + timedelta(minutes=5)
    with engine.begin() as conn:
        conn.execute(
            update(m.SessionProgress).where(m.SessionProgress.id == "log1").values(updated_at=later)
        )
    before = _row(engine, "lower")

    result = StandardResult(sets=(SetResult(5, 100.0),) * 3)
    with pytest.raises(ConflictError) as conflict:
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="lower",
            exercises=[ExerciseLog("squat", 0, "completed", result)],
            expected_updated_at=loaded.updated_at,
        )

    # Who changed it is not known (the web records no author), so nobody is named.
    assert str(conflict.value).startswith(
        "Ana Lima's log of 'Lower' was changed elsewhere (last saved 2026-03-02 18:35:00 UTC)"
    )
    assert _row(engine, "lower") == before

    # A row that appeared since the coach opened an empty session is a conflict too.
    with pytest.raises(ConflictError, match="changed elsewhere"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="lower",
            exercises=[ExerciseLog("squat", 0, "completed", result)],
            expected_updated_at=None,
        )


def test_a_coach_saving_over_another_coachs_entry_is_told_who(
    engine: Engine, factory: Factory, hand_made: dict[str, str]
) -> None:
    first = log_session(
        factory,
        coach_id=COACH,
        student_id=STUDENT,
        session_id="engine",
        exercises=[ExerciseLog("amrap", 0, "skipped")],
        expected_updated_at=None,
    )
    assert first.created
    with pytest.raises(ConflictError, match=r"changed by coach \(GoBeyondFit Desktop\)"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="engine",
            exercises=[ExerciseLog("amrap", 0, "skipped")],
            expected_updated_at=first.updated_at - timedelta(seconds=1),
        )


def test_logging_refuses_what_the_web_could_not_show(
    factory: Factory, hand_made: dict[str, str]
) -> None:
    with pytest.raises(ValidationError, match="not in this session"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="engine",
            exercises=[ExerciseLog("squat", 0, "completed")],
            expected_updated_at=None,
        )
    with pytest.raises(ValidationError, match="its result must be logged as one"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=STUDENT,
            session_id="engine",
            exercises=[ExerciseLog("amrap", 0, "completed", StandardResult())],
            expected_updated_at=None,
        )
    with pytest.raises(ValidationError, match="not in a program assigned"):
        log_session(
            factory,
            coach_id=COACH,
            student_id=OTHER,
            session_id="engine",
            exercises=[],
            expected_updated_at=None,
        )
