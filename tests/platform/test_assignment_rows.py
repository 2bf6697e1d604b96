"""An assignment, as the web writes it and its notification centre reads it.

Web rules (Baptiste0103/GoBeyondFit): backend/src/programs/program.service.ts (assignProgram)
refuses a second assignment of a program to a student by looking first, and writes a
`notifications` row of type "assignment" with payload {assignmentId, programTitle, coachPseudo,
assignedAt (ISO)}; frontend/components/notification-center.tsx shows the coach's pseudo and the
program's title, dated by `payload.assignedAt`.
"""

from __future__ import annotations

from datetime import datetime

from tests.platform.conftest import Platform


def test_an_assignment_writes_the_webs_notification_and_never_a_second_row(
    platform: Platform,
) -> None:
    p = platform
    assigned = {
        r[0]
        for r in p.rows(
            'SELECT "studentId" FROM program_assignments WHERE "programId" = :p', p=p.strength
        )
    }
    student = next(s.id for s in p.backend.students(p.coach_id) if s.id not in assigned)
    report = p.backend.assign_program(p.coach_id, p.strength, [student])
    again = p.backend.assign_program(p.coach_id, p.strength, [student])

    assert [a.student_id for a in again.already_assigned] == [student]
    rows = p.rows(
        'SELECT id, "assignedBy" FROM program_assignments'
        ' WHERE "programId" = :p AND "studentId" = :s',
        p=p.strength,
        s=student,
    )
    assert [tuple(r) for r in rows] == [(report.assigned[0].assignment_id, p.coach_id)]
    notes = p.rows(
        """SELECT type, payload, read FROM notifications WHERE "userId" = :s
           AND payload->>'assignmentId' = :a""",
        s=student,
        a=report.assigned[0].assignment_id,
    )
    assert len(notes) == 1
    kind, payload, read = notes[0]
    assert (kind, read) == ("assignment", False)
    assert set(payload) == {"assignmentId", "programTitle", "coachPseudo", "assignedAt"}
    assert payload["programTitle"] == "Strength Foundations"
    assert payload["coachPseudo"] == p.scalar(
        "SELECT pseudo FROM users WHERE id = :c", c=p.coach_id
    )
    assert payload["assignedAt"].endswith("Z")
    datetime.fromisoformat(payload["assignedAt"].replace("Z", "+00:00"))
