"""The SQL repositories against a real PostgreSQL at head."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory

pytestmark = pytest.mark.db


def _user(session: Session, pseudo: str, role: m.Role, coach: str | None = None) -> str:
    user = m.User(
        email=f"{pseudo}@example.org",
        pseudo=pseudo,
        password="$2b$10$" + "x" * 53,
        role=role,
        coach_id=coach,
    )
    session.add(user)
    session.flush()
    return user.id


def test_written_rows_carry_v4_ids_and_millisecond_utc_updated_at(engine: Engine) -> None:
    with Session(engine) as session:
        coach = _user(session, "coach", m.Role.coach)
        session.commit()
        row = session.get(m.User, coach)
        assert row is not None
    assert len(coach) == 36
    assert coach[14] == "4"
    assert row.updated_at.microsecond % 1000 == 0
    now = datetime.now(UTC).replace(tzinfo=None)
    assert abs((now - row.updated_at).total_seconds()) < 60


def test_students_of_a_coach_include_their_groups_members_once(engine: Engine) -> None:
    with Session(engine) as session:
        coach = _user(session, "coach", m.Role.coach)
        other = _user(session, "other", m.Role.coach)
        direct = _user(session, "direct", m.Role.student, coach)
        grouped = _user(session, "grouped", m.Role.student, other)
        _user(session, "stranger", m.Role.student, other)
        group = m.Group(owner_id=coach, name="Morning squad")
        session.add(group)
        session.flush()
        session.add_all(
            [
                m.GroupMember(group_id=group.id, user_id=grouped),
                m.GroupMember(group_id=group.id, user_id=direct),
            ]
        )
        session.commit()

    with SqlUnitOfWork(uow_factory(engine)) as uow:
        students = uow.users.students_of(coach)
    assert sorted(s.pseudo for s in students) == ["direct", "grouped"]


def test_clip_storage_is_counted_without_reading_the_bytes(engine: Engine) -> None:
    with Session(engine) as session:
        coach = _user(session, "coach", m.Role.coach)
        student = _user(session, "ann", m.Role.student, coach)
        program = m.Program(title="P", coach_id=coach)
        session.add(program)
        session.flush()
        block = m.ProgramBlock(program_id=program.id, position=0)
        session.add(block)
        session.flush()
        week = m.Week(block_id=block.id, week_number=1, position=0)
        session.add(week)
        session.flush()
        sess = m.Session(week_id=week.id, position=0)
        session.add(sess)
        session.flush()
        progress = m.SessionProgress(session_id=sess.id, student_id=student)
        session.add(progress)
        session.flush()
        for size in (10, 300, 25):
            session.add(
                m.ExerciseMedia(
                    progress_id=progress.id, data=b"\0" * size, mime_type="video/mp4", size=size
                )
            )
        session.commit()

    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with SqlUnitOfWork(uow_factory(engine)) as uow:
            storage = uow.media.storage_for_students(coach, [student])
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert (storage.count, storage.total_bytes, storage.largest_bytes) == (3, 335, 300)
    assert not any("exercise_media.data" in s for s in statements)


def test_unit_of_work_rolls_back_unless_committed(engine: Engine) -> None:
    factory = uow_factory(engine)
    with SqlUnitOfWork(factory) as uow:
        _user(uow.session, "ghost", m.Role.coach)
    with SqlUnitOfWork(factory) as uow:
        _user(uow.session, "kept", m.Role.coach)
        uow.commit()
    with Session(engine) as session:
        pseudos = session.scalars(select(m.User.pseudo)).all()
    assert pseudos == ["kept"]


def _program_with_progress(session: Session) -> tuple[str, str, str]:
    """A coach's two-block program, one student's progress on its first session, two clips."""
    coach = _user(session, "coach", m.Role.coach)
    student = _user(session, "ann", m.Role.student, coach)
    squat = m.Exercise(name="Back squat", type=m.ExerciseType.standard, scope=m.Scope.global_)
    session.add(squat)
    program = m.Program(title="Strength", coach_id=coach)
    session.add(program)
    session.flush()
    first_session = ""
    # Inserted out of order on purpose: the tree must come back in position order.
    for block_pos in (1, 0):
        block = m.ProgramBlock(program_id=program.id, position=block_pos, title=f"B{block_pos}")
        session.add(block)
        session.flush()
        for week_pos in (1, 0):
            week = m.Week(block_id=block.id, week_number=week_pos + 1, position=week_pos)
            session.add(week)
            session.flush()
            for sess_pos in (2, 1, 0):
                sess = m.Session(week_id=week.id, position=sess_pos, title=f"S{sess_pos}")
                session.add(sess)
                session.flush()
                session.add(
                    m.SessionExercise(
                        session_id=sess.id,
                        exercise_id=squat.id,
                        position=0,
                        config={"sets": 3, "reps": "8-12", "format": "standard"},
                    )
                )
                if (block_pos, week_pos, sess_pos) == (0, 0, 0):
                    first_session = sess.id
    progress = m.SessionProgress(session_id=first_session, student_id=student)
    session.add(progress)
    session.flush()
    for size in (100, 200):
        session.add(
            m.ExerciseMedia(
                progress_id=progress.id, data=b"v" * size, mime_type="video/mp4", size=size
            )
        )
    session.commit()
    return coach, student, program.id


def test_program_tree_comes_back_in_position_order(engine: Engine) -> None:
    with Session(engine) as session:
        coach, _student, program_id = _program_with_progress(session)

    with SqlUnitOfWork(uow_factory(engine)) as uow:
        tree = uow.programs.tree(program_id)
        listed = uow.programs.of_coach(coach)
        missing = uow.programs.tree("no-such-program")
    assert tree is not None
    assert missing is None
    assert [p.title for p in listed] == ["Strength"]
    assert [b.title for b in tree.blocks] == ["B0", "B1"]
    assert [w.week_number for w in tree.blocks[0].weeks] == [1, 2]
    assert [s.title for s in tree.blocks[0].weeks[0].sessions] == ["S0", "S1", "S2"]
    (item,) = tree.blocks[0].weeks[0].sessions[0].exercises
    assert item.config == {"sets": 3, "reps": "8-12", "format": "standard"}


def test_clip_listings_never_fetch_the_bytes(engine: Engine) -> None:
    with Session(engine) as session:
        _coach, student, _program = _program_with_progress(session)

    statements: list[str] = []

    def remember(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with SqlUnitOfWork(uow_factory(engine)) as uow:
            clips = uow.media.list_for_students(_coach, [student])
            first_bytes = uow.media.read_bytes(clips[0].id)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert sorted(c.size for c in clips) == [100, 200]
    assert first_bytes == b"v" * clips[0].size
    (listing_sql,) = statements  # read_bytes goes straight to psycopg, in binary format
    assert "exercise_media.data" not in listing_sql


def test_exercise_library_shows_global_and_own_only(engine: Engine) -> None:
    with Session(engine) as session:
        coach = _user(session, "coach", m.Role.coach)
        other = _user(session, "other", m.Role.coach)
        session.add_all(
            [
                m.Exercise(name="squat", type=m.ExerciseType.standard, scope=m.Scope.global_),
                m.Exercise(
                    name="Mine", type=m.ExerciseType.circuit, scope=m.Scope.coach, owner_id=coach
                ),
                m.Exercise(
                    name="Theirs", type=m.ExerciseType.EMOM, scope=m.Scope.coach, owner_id=other
                ),
            ]
        )
        session.commit()
    with SqlUnitOfWork(uow_factory(engine)) as uow:
        names = [(e.name, e.type, e.scope) for e in uow.exercises.visible_to(coach)]
    assert names == [("Mine", "circuit", "coach"), ("squat", "standard", "global")]
