"""Coach exercises and programs as the web writes them.

Web rules (Baptiste0103/GoBeyondFit):
- frontend/app/exercises/[id]/edit/page.tsx offers `meta.difficulty` as exactly Beginner,
  Intermediate or Advanced (and shows Beginner for anything else); the create page
  (frontend/app/exercises/create/page.tsx) starts a new exercise at 3 sets of 12 reps, with
  `videoUrl` "" and lists for muscle groups and instructions.
- backend/src/programs/program-builder.service.ts refuses a program title shorter than 3
  characters, so such a program could never be saved on the web again.
- backend/src/programs/audit.service.ts with program.service.ts writes `program_audit.diff` as
  {title, description, isDraft} on create, {field: {before, after}} on update (calculateDiff) and
  {studentId, assignmentId} on assign.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.errors import ValidationError
from gbf_desktop.services import library as lib
from gbf_desktop.services import programs as svc
from tests.platform.conftest import Platform


@pytest.mark.parametrize("difficulty", [None, "beginner", "Intermediate", "ADVANCED"])
def test_a_coach_exercise_has_the_web_forms_meta(
    platform: Platform, difficulty: str | None
) -> None:
    p = platform
    draft = lib.ExerciseDraft(name="Tempo Goblet Squat", difficulty=difficulty)
    record = p.backend.create_exercise(p.coach_id, draft)

    meta = p.scalar("SELECT meta FROM exercises WHERE id = :i", i=record.id)
    assert meta["difficulty"] in ("Beginner", "Intermediate", "Advanced")
    assert meta["difficulty"].lower() == (difficulty or "beginner").lower()
    assert (meta["sets"], meta["reps"]) == (3, 12)
    assert meta["videoUrl"] == ""
    assert meta["muscleGroups"] == []
    assert meta["instructions"] == []


def test_a_program_title_under_three_characters_is_refused(platform: Platform) -> None:
    p = platform
    before = p.scalar("SELECT count(*) FROM programs")
    with pytest.raises(ValidationError, match="3"):
        p.backend.create_program(p.coach_id, svc.new_document("AB"))
    assert p.scalar("SELECT count(*) FROM programs") == before


def test_audit_rows_have_the_web_shapes(platform: Platform) -> None:
    p = platform
    doc = svc.new_document("Summer block")
    doc = pe.insert_node(doc, (), 0, pe.BlockDoc(id=pe.fresh_id(), title="Base"))
    opened = p.backend.create_program(p.coach_id, doc)
    edited = replace(opened.document, title="Summer block 2", is_draft=False)
    p.backend.save_program(p.coach_id, opened, edited)
    student = p.backend.students(p.coach_id)[0].id
    report = p.backend.assign_program(p.coach_id, doc.id, [student])

    rows = p.rows(
        'SELECT "changeType", diff FROM program_audit WHERE "programId" = :p ORDER BY "createdAt"',
        p=doc.id,
    )
    assert [r[0] for r in rows] == ["create", "update", "assign"]
    assert rows[0][1] == {"title": "Summer block", "description": None, "isDraft": True}
    assert rows[1][1] == {
        "title": {"before": "Summer block", "after": "Summer block 2"},
        "isDraft": {"before": True, "after": False},
    }
    assert rows[2][1] == {"studentId": student, "assignmentId": report.assigned[0].assignment_id}
