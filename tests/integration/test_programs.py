"""Program saving in place, conflicts, assignment and templates, on the demo data in PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.exercise_types import StandardPrescription, read_config
from gbf_desktop.domain.program_edit import ExerciseDoc, ProgramDoc, SessionDoc
from gbf_desktop.domain.schedule import next_monday
from gbf_desktop.services import programs as svc
from gbf_desktop.services.dashboard import load_coach_dashboard
from tests.conftest import DemoLoader
from tests.demo_platform import DemoPlatform, demo_platform
from tests.platform_db import table_fingerprints

pytestmark = pytest.mark.db

TODAY = date(2026, 3, 12)
TREE_TABLES = ("programs", "program_blocks", "weeks", "sessions", "session_exercises")
LOG_TABLES = ("session_progress", "exercise_media")


Demo = DemoPlatform


@pytest.fixture
def demo(demo_data: DemoLoader, engine: Engine) -> Demo:
    return demo_platform(demo_data, engine, TODAY)


def xmins(engine: Engine, tables: tuple[str, ...] = TREE_TABLES + LOG_TABLES) -> dict[str, str]:
    """Row id -> the transaction that last wrote it: any write, even of equal values, changes it."""
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for table in tables:
            for row_id, xmin in conn.execute(text(f"SELECT id, xmin::text FROM {table}")):
                found[row_id] = xmin
    return found


@pytest.fixture
def writes(demo: Demo) -> Iterator[list[str]]:
    """Every INSERT, UPDATE or DELETE sent to the database while the test runs."""
    seen: list[str] = []

    def remember(*args: Any) -> None:
        statement = args[2].lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE")):
            seen.append(statement)

    event.listen(demo.engine, "before_cursor_execute", remember)
    yield seen
    event.remove(demo.engine, "before_cursor_execute", remember)


def _session_address(doc: ProgramDoc, session_id: str) -> pe.Address:
    node = pe.flatten(doc)[session_id]
    return node.address


def _unlogged_session(demo: Demo, program_id: str) -> str:
    return str(
        demo.scalar(
            """SELECT s.id FROM sessions s JOIN weeks w ON w.id = s."weekId"
               JOIN program_blocks b ON b.id = w."blockId"
               WHERE b."programId" = :p
                 AND NOT EXISTS (SELECT 1 FROM session_progress sp WHERE sp."sessionId" = s.id)
               ORDER BY b.position DESC, w.position DESC, s.position DESC LIMIT 1""",
            p=program_id,
        )
    )


def _logged_session_with_clip(demo: Demo, program_id: str) -> str:
    return str(
        demo.scalar(
            """SELECT sp."sessionId" FROM exercise_media em
               JOIN session_progress sp ON sp.id = em."progressId"
               JOIN sessions s ON s.id = sp."sessionId" JOIN weeks w ON w.id = s."weekId"
               JOIN program_blocks b ON b.id = w."blockId"
               WHERE b."programId" = :p ORDER BY sp."sessionId" LIMIT 1""",
            p=program_id,
        )
    )


def test_saving_without_a_change_writes_nothing(demo: Demo, writes: list[str]) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.strength)
    before = xmins(demo.engine)
    audits = demo.scalar("SELECT count(*) FROM program_audit")

    saved = demo.backend.save_program(demo.coach_id, opened, opened.document)

    assert not saved.wrote_anything
    assert saved.changes == ()
    assert writes == []
    assert xmins(demo.engine) == before
    assert demo.scalar("SELECT count(*) FROM program_audit") == audits


def test_edits_change_only_their_rows_and_never_the_logs(demo: Demo) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.strength)
    doc = opened.document
    logs_before = {t: table_fingerprints(demo.engine)[t] for t in LOG_TABLES}
    entries_before = dict(demo.rows("SELECT id, progress FROM session_progress"))
    rows_before = xmins(demo.engine)
    configs_before = dict(demo.rows("SELECT id, config::text FROM session_exercises"))
    updated_before = demo.scalar('SELECT "updatedAt" FROM programs WHERE id = :p', p=demo.strength)

    # Rename a logged session, swap the first two exercises of another logged one, remove an
    # unlogged session, and change one prescription.
    renamed = doc.blocks[0].weeks[0].sessions[0]
    doc = pe.replace_node(doc, (0, 0, 0), replace(renamed, title="Lower body A"))
    reordered = doc.blocks[0].weeks[1].sessions[0]
    doc = pe.move_node(doc, (0, 1, 0, 1), (0, 1, 0), 0)
    gone = _unlogged_session(demo, demo.strength)
    doc = pe.remove_node(doc, _session_address(doc, gone))
    item = doc.blocks[0].weeks[0].sessions[1].exercises[0]
    names = opened.exercise_names
    reading = read_config(item.config, "standard")
    assert isinstance(reading.prescription, StandardPrescription)
    edited_config = replace(reading.prescription, sets=7).to_config()
    doc = pe.replace_node(doc, (0, 0, 1, 0), replace(item, config=edited_config))

    saved = demo.backend.save_program(demo.coach_id, opened, doc)

    rows_after = xmins(demo.engine)
    changed = {i for i in rows_before if rows_after.get(i) != rows_before[i]}
    flat = pe.flatten(opened.document)
    gone_items = {n.id for n in flat.values() if n.parent == gone}
    # The sessions whose exercises were written get all their exercise rows rewritten in order
    # (the web reads them without ORDER BY); the logs of the reordered one follow its order.
    rewritten = {n.id for n in flat.values() if n.parent in (reordered.id, flat[item.id].parent)}
    realigned = {
        row[0]
        for row in demo.rows(
            """SELECT id FROM session_progress WHERE "sessionId" = :s
               AND jsonb_array_length(progress->'exercises') > 1""",
            s=reordered.id,
        )
    }
    later_siblings = {
        n.id
        for n in flat.values()
        if n.parent == flat[gone].parent and n.position > flat[gone].position
    }
    assert changed == (
        {demo.strength, renamed.id, item.id, gone}
        | gone_items
        | rewritten
        | later_siblings
        | realigned
    )
    if not realigned:
        assert {t: table_fingerprints(demo.engine)[t] for t in LOG_TABLES} == logs_before
    for progress_id in realigned:
        before = entries_before[progress_id]["exercises"]
        after = demo.scalar("SELECT progress FROM session_progress WHERE id = :i", i=progress_id)
        moved = after["exercises"]
        # The same entries, the first two swapped, each carrying its new index.
        assert [e["exerciseId"] for e in moved[:2]] == [e["exerciseId"] for e in before[1::-1]]
        assert [e["position"] for e in moved] == list(range(len(moved)))
        assert [{**e, "position": 0} for e in moved[2:]] == [
            {**e, "position": 0} for e in before[2:]
        ]
    configs_after = dict(demo.rows("SELECT id, config::text FROM session_exercises"))
    for row_id, config in configs_after.items():
        if row_id != item.id:
            assert config == configs_before[row_id]
    assert (
        demo.scalar("SELECT config->>'sets' FROM session_exercises WHERE id = :i", i=item.id) == "7"
    )
    assert (
        demo.scalar('SELECT "updatedAt" FROM programs WHERE id = :p', p=demo.strength)
        > updated_before
    )

    # Positions stay 0..n-1 under every parent.
    for table, parent in (("sessions", "weekId"), ("session_exercises", "sessionId")):
        gaps = demo.rows(
            f"""SELECT "{parent}" FROM {table} GROUP BY "{parent}"
                HAVING min(position) <> 0 OR max(position) <> count(*) - 1
                    OR count(DISTINCT position) <> count(*)"""
        )
        assert gaps == [], table
    change_type, diff = demo.rows(
        'SELECT "changeType", diff FROM program_audit WHERE "programId" = :p'
        ' ORDER BY "createdAt" DESC LIMIT 1',
        p=demo.strength,
    )[0]
    assert change_type == "update"
    assert diff["blocks"]["lines"] == list(saved.changes)
    exercise = names[item.exercise_id]
    assert (
        'Renamed week 1 session 1 "' + (renamed.title or "") + '" to "Lower body A"'
        in saved.changes
    )
    assert any(line.startswith("Removed week 12 session") for line in saved.changes)
    assert f'Changed the prescription of "{exercise}" in week 1 session 2' in " ".join(
        saved.changes
    )
    assert "Reordered the contents of week 2 session 1" in " ".join(saved.changes)
    # The editor's new starting point is what the database now holds.
    assert saved.opened.document == doc
    again = demo.backend.save_program(demo.coach_id, saved.opened, doc)
    assert not again.wrote_anything


def test_removing_logged_sessions_asks_first_naming_students_and_clips(demo: Demo) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.strength)
    logged = _logged_session_with_clip(demo, demo.strength)
    week_address = _session_address(opened.document, logged)[:2]
    # Removing the whole week removes the session through it.
    edited = pe.remove_node(opened.document, week_address)
    before = table_fingerprints(demo.engine)

    with pytest.raises(svc.ConfirmationRequired) as raised:
        demo.backend.save_program(demo.coach_id, opened, edited)

    impact = raised.value.impact
    expected = demo.rows(
        """SELECT DISTINCT u."firstName" || ' ' || u."lastName" FROM session_progress sp
           JOIN users u ON u.id = sp."studentId" JOIN sessions s ON s.id = sp."sessionId"
           WHERE s."weekId" = :w ORDER BY 1""",
        w=pe.node_at(opened.document, week_address).id,
    )
    assert sorted(s.name for s in impact.students) == [r[0] for r in expected]
    assert impact.clips >= 1
    assert f"{impact.clips} clip" in str(raised.value)
    assert all(s.name in str(raised.value) for s in impact.students)
    assert table_fingerprints(demo.engine) == before

    saved = demo.backend.save_program(demo.coach_id, opened, edited, confirmed=impact)
    assert saved.rows["deleted"] > 0
    assert (
        demo.scalar('SELECT count(*) FROM session_progress WHERE "sessionId" = :s', s=logged) == 0
    )
    assert (
        demo.scalar("SELECT count(*) FROM session_progress")
        == before["session_progress"][0] - impact.logs
    )


def test_a_change_made_elsewhere_is_reported_and_nothing_is_written(demo: Demo) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.strength)
    edited = replace(opened.document, description="Mine")
    block2 = opened.document.blocks[1]
    # Another workstation renames the program and adds two sessions to block 2.
    demo.execute(
        'UPDATE programs SET title = :t, "updatedAt" = now() WHERE id = :p',
        t="Strength v2",
        p=demo.strength,
    )
    for index, week in enumerate(block2.weeks[:2]):
        demo.execute(
            """INSERT INTO sessions (id, "weekId", title, position)
               VALUES (:i, :w, 'Extra', 9)""",
            i=f"00000000-0000-4000-8000-00000000000{index}",
            w=week.id,
        )
    before = table_fingerprints(demo.engine)

    with pytest.raises(svc.ProgramConflict) as raised:
        demo.backend.save_program(demo.coach_id, opened, edited)

    message = str(raised.value)
    assert 'Title changed from "Strength Foundations" to "Strength v2"' in message
    assert f'2 sessions added in block 2 "{block2.title}"' in message
    assert "Reload" in message
    assert table_fingerprints(demo.engine) == before

    saved = demo.backend.save_program(demo.coach_id, opened, edited, overwrite=True)
    title, description = demo.rows(
        "SELECT title, description FROM programs WHERE id = :p", p=demo.strength
    )[0]
    assert (title, description) == ("Strength Foundations", "Mine")
    assert demo.scalar("SELECT count(*) FROM sessions WHERE title = 'Extra'") == 0
    assert saved.opened.document == edited


def test_overwriting_a_program_the_web_rebuilt_updates_its_new_rows_in_place(demo: Demo) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.hybrid)
    # The web builder's save: every row recreated under a new id, same contents. (Its cascade
    # wipes the logs; that is the defect the desktop must not repeat, not one to simulate here.)
    rebuilt = pe.adopt_ids(pe.copy_program(opened.document), opened.document, only=set())
    rebuilt = replace(rebuilt, id=opened.document.id, title=opened.document.title, is_draft=False)
    with demo.engine.begin() as conn:
        conn.execute(text('DELETE FROM program_blocks WHERE "programId" = :p'), {"p": demo.hybrid})
    with SqlUnitOfWork(uow_factory(demo.engine)) as uow:
        empty = replace(rebuilt, blocks=())
        uow.program_rows.apply(pe.diff(empty, rebuilt), svc.utc_now())
        uow.commit()
    renamed = pe.replace_node(
        opened.document, (0,), replace(opened.document.blocks[0], title="Base")
    )

    with pytest.raises(svc.ProgramConflict) as raised:
        demo.backend.save_program(demo.coach_id, opened, renamed)
    assert "recreates every row" in str(raised.value)
    assert raised.value.rebuilt

    before = xmins(demo.engine, ("sessions", "session_exercises"))
    saved = demo.backend.save_program(demo.coach_id, opened, renamed, overwrite=True)
    assert saved.changes == (f'Renamed block 1 "{opened.document.blocks[0].title}" to "Base"',)
    assert xmins(demo.engine, ("sessions", "session_exercises")) == before


def test_a_failing_save_leaves_the_database_unchanged(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.hybrid)
    edited = pe.remove_node(replace(opened.document, title="Half"), (2,))
    edited = pe.duplicate_node(edited, (0, 0))
    before = table_fingerprints(demo.engine)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("gbf_desktop.db.program_repo.SqlProgramEditRepository.add_audit", broken)
    with pytest.raises(RuntimeError):
        demo.backend.save_program(demo.coach_id, opened, edited, confirmed=_all_logs(demo))
    assert table_fingerprints(demo.engine) == before


def _all_logs(demo: Demo) -> svc.RemovalImpact:
    ids = frozenset(r[0] for r in demo.rows("SELECT id FROM session_progress"))
    return svc.RemovalImpact(progress_ids=ids, students=())


def test_a_program_that_names_a_missing_exercise_is_refused(demo: Demo) -> None:
    opened = demo.backend.open_program(demo.coach_id, demo.hybrid)
    session = opened.document.blocks[0].weeks[0].sessions[0]
    extra = ExerciseDoc(id=pe.fresh_id(), exercise_id=pe.fresh_id(), config={"sets": 3})
    edited = pe.insert_node(opened.document, (0, 0, 0), len(session.exercises), extra)
    with pytest.raises(svc.ValidationError, match="no longer exist in the library"):
        demo.backend.save_program(demo.coach_id, opened, edited)


def test_another_coachs_program_is_refused(demo: Demo) -> None:
    other = _other_coach(demo)
    # Said exactly as for a deleted program, without its title.
    with pytest.raises(svc.NotFound, match="no longer exists") as refused:
        demo.backend.open_program(other, demo.strength)
    assert "Strength" not in str(refused.value)


def _other_coach(demo: Demo) -> str:
    coach = pe.fresh_id()
    demo.execute(
        """INSERT INTO users (id, email, pseudo, password, role, "updatedAt", "firstName")
           VALUES (:i, 'other@example.com', 'other_coach', 'x', 'coach', now(), 'Other')""",
        i=coach,
    )
    return coach


def test_a_new_program_is_created_whole_with_its_audit(demo: Demo) -> None:
    squat = demo.scalar("SELECT id FROM exercises WHERE name = 'Barbell Back Squat'")
    doc = svc.new_document("Off-season")
    doc = pe.insert_node(doc, (), 0, pe.BlockDoc(id=pe.fresh_id(), title="Base"))
    doc = pe.insert_node(doc, (0,), 0, pe.WeekDoc(id=pe.fresh_id()))
    doc = pe.insert_node(doc, (0, 0), 0, SessionDoc(id=pe.fresh_id(), title="Day 1"))
    doc = pe.insert_node(
        doc,
        (0, 0, 0),
        0,
        ExerciseDoc(pe.fresh_id(), squat, {"sets": 3, "reps": 5, "format": "standard"}),
    )

    opened = demo.backend.create_program(demo.coach_id, doc)

    assert opened.document == doc
    row = demo.rows(
        'SELECT "isDraft", "coachId", "createdAt" = "updatedAt" FROM programs WHERE id = :p',
        p=doc.id,
    )[0]
    assert tuple(row) == (True, demo.coach_id, True)
    audit = demo.rows(
        'SELECT "changeType", diff FROM program_audit WHERE "programId" = :p', p=doc.id
    )
    assert [tuple(a) for a in audit] == [
        # The web's create audit shape (backend/src/programs/program.service.ts).
        ("create", {"title": "Off-season", "description": None, "isDraft": True})
    ]


def test_a_template_is_a_deep_copy_as_a_draft(demo: Demo) -> None:
    copy = demo.backend.duplicate_program(demo.coach_id, demo.strength)
    source = demo.backend.open_program(demo.coach_id, demo.strength).document

    assert copy.document.title == "Strength Foundations (copy)"
    assert copy.document.is_draft
    assert not set(pe.flatten(copy.document)) & set(pe.flatten(source))
    assert copy.document.counts() == source.counts()
    original_configs = demo.rows(
        """SELECT se.config::text FROM session_exercises se JOIN sessions s ON s.id = se."sessionId"
           JOIN weeks w ON w.id = s."weekId" JOIN program_blocks b ON b.id = w."blockId"
           WHERE b."programId" = :p ORDER BY b.position, w.position, s.position, se.position""",
        p=demo.strength,
    )
    copied_configs = demo.rows(
        """SELECT se.config::text FROM session_exercises se JOIN sessions s ON s.id = se."sessionId"
           JOIN weeks w ON w.id = s."weekId" JOIN program_blocks b ON b.id = w."blockId"
           WHERE b."programId" = :p ORDER BY b.position, w.position, s.position, se.position""",
        p=copy.document.id,
    )
    assert copied_configs == original_configs
    change_type, diff = demo.rows(
        'SELECT "changeType", diff FROM program_audit WHERE "programId" = :p', p=copy.document.id
    )[0]
    assert change_type == "create"
    assert diff["copiedFrom"] == demo.strength
    assert (
        demo.scalar(
            'SELECT count(*) FROM program_assignments WHERE "programId" = :p', p=copy.document.id
        )
        == 0
    )


ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_assignment_writes_the_rows_the_web_writes_once(demo: Demo) -> None:
    students = dict(demo.rows("""SELECT "firstName", id FROM users WHERE role = 'student'"""))
    malik, sofia = students["Malik"], students["Sofía"]
    coach_pseudo = demo.scalar("SELECT pseudo FROM users WHERE id = :c", c=demo.coach_id)

    report = demo.backend.assign_program(demo.coach_id, demo.hybrid, [malik, sofia])

    assert [s.student_id for s in report.assigned] == [malik, sofia]
    assert report.already_assigned == ()
    for student in report.assigned:
        assignment = demo.rows(
            'SELECT "programId", "studentId", "assignedBy", "assignedAt"'
            " FROM program_assignments WHERE id = :i",
            i=student.assignment_id,
        )[0]
        assert tuple(assignment[:3]) == (demo.hybrid, student.student_id, demo.coach_id)
        user_id, kind, payload, read, created = demo.rows(
            """SELECT "userId", type, payload, read, "createdAt" FROM notifications
               WHERE payload->>'assignmentId' = :i""",
            i=student.assignment_id,
        )[0]
        assert (user_id, kind, read, created) == (
            student.student_id,
            "assignment",
            False,
            assignment[3],
        )
        assert payload == {
            "assignmentId": student.assignment_id,
            "programTitle": "Hybrid Conditioning",
            "coachPseudo": coach_pseudo,
            "assignedAt": svc.js_iso(assignment[3]),
        }
        assert ISO_MS_Z.match(payload["assignedAt"])
    audits = demo.rows(
        """SELECT diff->>'studentId' FROM program_audit
           WHERE "programId" = :p AND "changeType" = 'assign' ORDER BY 1""",
        p=demo.hybrid,
    )
    assert [a[0] for a in audits] == sorted([malik, sofia])

    counts = table_fingerprints(demo.engine)
    again = demo.backend.assign_program(demo.coach_id, demo.hybrid, [sofia])
    assert again.assigned == ()
    assert [s.student_id for s in again.already_assigned] == [sofia]
    assert "Already assigned to Sofía Márquez" in again.message
    assert table_fingerprints(demo.engine) == counts


def test_assigning_from_a_start_day_dates_the_sessions_and_warns_of_overlaps(demo: Demo) -> None:
    students = dict(demo.rows("""SELECT "firstName", id FROM users WHERE role = 'student'"""))
    malik, sofia = students["Malik"], students["Sofía"]
    start = next_monday(TODAY)
    holders = [
        r[0]
        for r in demo.rows(
            """SELECT u."firstName" FROM program_assignments a JOIN users u ON u.id = a."studentId"
               WHERE a."programId" = :p""",
            p=demo.hybrid,
        )
    ]

    preview = demo.backend.schedule_preview(demo.coach_id, demo.hybrid, [malik, sofia], start)

    weeks = demo.scalar(
        """SELECT count(*) FROM weeks w JOIN program_blocks b ON b.id = w."blockId"
           WHERE b."programId" = :p""",
        p=demo.hybrid,
    )
    assert preview.first == start
    assert preview.last is not None
    assert (preview.last - start).days // 7 == weeks - 1
    # Both already follow Strength Foundations in those weeks: the coach is warned.
    assert sorted((c.student_name, c.program_title) for c in preview.clashes) == [
        ("Malik Haddad", "Strength Foundations"),
        ("Sofía Márquez", "Strength Foundations"),
    ]
    assert "Sofía Márquez already follows Strength Foundations" in preview.warning
    assert len(preview.moves_dates_of) == len(holders)

    demo.backend.assign_program(demo.coach_id, demo.hybrid, [malik], start=start)

    dates = demo.rows(
        """SELECT s.date, w."weekNumber" FROM sessions s JOIN weeks w ON w.id = s."weekId"
           JOIN program_blocks b ON b.id = w."blockId" WHERE b."programId" = :p
           ORDER BY b.position, w.position, s.position""",
        p=demo.hybrid,
    )
    assert dates[0][0] == datetime.combine(start, time(12, 0))
    assert all(d is not None for d, _ in dates)
    assert all(d.date() >= start for d, _ in dates)
    assert [d for d, _ in dates] == sorted(d for d, _ in dates)
    (audit,) = demo.rows(
        """SELECT diff FROM program_audit WHERE "programId" = :p AND "changeType" = 'update'""",
        p=demo.hybrid,
    )
    assert audit[0]["schedule"]["start"] == start.isoformat()
    # The dashboard's "this week" of the start week follows those dates.
    view = load_coach_dashboard(demo.backend.uow_factory, demo.coach_id, today=start)
    mine = [
        s
        for s in view.week_sessions
        if s.student_id == malik and s.program_title == "Hybrid Conditioning"
    ]
    assert mine
    assert mine[0].session_date == start


def test_only_the_coachs_own_students_can_be_assigned(demo: Demo) -> None:
    other = _other_coach(demo)
    stranger = pe.fresh_id()
    demo.execute(
        """INSERT INTO users
             (id, email, pseudo, password, role, "updatedAt", "firstName", "lastName", "coachId")
           VALUES (:i, 'kim@example.com', 'kim', 'x', 'student', now(), 'Kim', 'Lee', :c)""",
        i=stranger,
        c=other,
    )
    mine = demo.scalar("""SELECT id FROM users WHERE "firstName" = 'Malik'""")
    before = table_fingerprints(demo.engine)
    with pytest.raises(svc.NotFound, match="1 of the chosen students is not among") as refused:
        demo.backend.assign_program(demo.coach_id, demo.hybrid, [mine, stranger])
    assert "Kim" not in str(refused.value)
    assert table_fingerprints(demo.engine) == before


def test_unassigning_says_what_was_logged_and_keeps_the_logs(demo: Demo) -> None:
    views = demo.backend.program_assignments(demo.coach_id, demo.strength)
    logged = next(v for v in views if v.has_logs)
    preview = demo.backend.unassign_preview(demo.coach_id, logged.assignment_id)
    assert preview == logged
    assert (
        f"{logged.student_name} logged {logged.sessions_logged} session" in preview.unassign_message
    )
    progress = demo.scalar("SELECT count(*) FROM session_progress")
    media = demo.scalar("SELECT count(*) FROM exercise_media")

    demo.backend.unassign(demo.coach_id, logged.assignment_id)

    assert (
        demo.scalar(
            "SELECT count(*) FROM program_assignments WHERE id = :i", i=logged.assignment_id
        )
        == 0
    )
    assert demo.scalar("SELECT count(*) FROM session_progress") == progress
    assert demo.scalar("SELECT count(*) FROM exercise_media") == media
    assert (
        demo.scalar(
            """SELECT diff->>'studentId' FROM program_audit WHERE "changeType" = 'unassign'"""
        )
        == logged.student_id
    )


# --- deleting a program ------------------------------------------------------------------------


def test_deleting_a_logged_program_needs_a_confirmation_naming_what_goes(demo: Demo) -> None:
    before = table_fingerprints(demo.engine)
    with pytest.raises(svc.ConfirmationRequired) as refused:
        demo.backend.delete_program(demo.coach_id, demo.strength)
    assert refused.value.impact.logs > 0
    assert "Deleting the program removes sessions that" in str(refused.value)
    assert table_fingerprints(demo.engine) == before

    impact = demo.backend.program_deletion_impact(demo.coach_id, demo.strength)
    assert impact == refused.value.impact
    assert demo.backend.delete_program(demo.coach_id, demo.strength, confirmed=impact) == (
        "Strength Foundations"
    )
    assert demo.scalar("SELECT count(*) FROM programs WHERE id = :p", p=demo.strength) == 0
    # The other program, its tree and its students' logs are untouched.
    assert demo.scalar("SELECT count(*) FROM programs WHERE id = :p", p=demo.hybrid) == 1
    after = table_fingerprints(demo.engine)
    hybrid_logs = demo.scalar(
        'SELECT count(*) FROM session_progress sp JOIN sessions s ON s.id = sp."sessionId" '
        'JOIN weeks w ON w.id = s."weekId" JOIN program_blocks b ON b.id = w."blockId" '
        'WHERE b."programId" = :p',
        p=demo.hybrid,
    )
    assert hybrid_logs > 0
    assert after["session_progress"][0] == before["session_progress"][0] - impact.logs


def test_a_confirmation_does_not_cover_logs_made_after_it(demo: Demo) -> None:
    copy = demo.backend.duplicate_program(demo.coach_id, demo.hybrid)
    program_id = copy.document.id
    impact = demo.backend.program_deletion_impact(demo.coach_id, program_id)
    assert impact.logs == 0
    # A student logs a session of it on the web in the meantime.
    session_id = demo.scalar(
        'SELECT s.id FROM sessions s JOIN weeks w ON w.id = s."weekId" '
        'JOIN program_blocks b ON b.id = w."blockId" WHERE b."programId" = :p LIMIT 1',
        p=program_id,
    )
    student = demo.scalar("SELECT id FROM users WHERE role = 'student' LIMIT 1")
    demo.execute(
        'INSERT INTO session_progress (id, "sessionId", "studentId", status, "updatedAt") '
        "VALUES (gen_random_uuid()::text, :s, :u, 'completed', now())",
        s=session_id,
        u=student,
    )
    with pytest.raises(svc.ConfirmationRequired):
        demo.backend.delete_program(demo.coach_id, program_id, confirmed=impact)
    assert demo.scalar("SELECT count(*) FROM programs WHERE id = :p", p=program_id) == 1


def test_another_coachs_program_cannot_be_deleted(demo: Demo) -> None:
    demo.execute(
        'INSERT INTO users (id, email, pseudo, password, role, "updatedAt") '
        "VALUES ('other-coach', 'other@example.org', 'other', 'x', 'coach', now())"
    )
    with pytest.raises(svc.NotFound):
        demo.backend.delete_program("other-coach", demo.hybrid)
