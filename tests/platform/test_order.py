"""Order the web will show.

Web rules (Baptiste0103/GoBeyondFit):
- backend/src/programs/program-builder.service.ts numbers the children of every parent 0..n-1 in
  order; backend/src/sessions/session.service.ts ("add exercise") writes max+1, so a live
  session can hold gaps and ties.
- backend/src/workouts/workout-runner.service.ts (start, save, complete) loads a session's
  exercises with no ORDER BY and pairs `progress.exercises[i]` with the i-th row it got.
So after a desktop save, every sibling group it touched is numbered 0..n-1, a plain read of a
session's exercises returns them in the desktop's order, and entry i still belongs to row i.
"""

from __future__ import annotations

import uuid

from gbf_desktop.domain import program_edit as pe
from tests.platform.conftest import Platform


def _logged_session(p: Platform) -> str:
    """A session of the strength program with several exercises and a log listing them."""
    return str(
        p.scalar(
            """SELECT sp."sessionId" FROM session_progress sp
               JOIN sessions s ON s.id = sp."sessionId" JOIN weeks w ON w.id = s."weekId"
               JOIN program_blocks b ON b.id = w."blockId"
               WHERE b."programId" = :p AND jsonb_array_length(sp.progress->'exercises') >= 3
               ORDER BY sp."sessionId" LIMIT 1""",
            p=p.strength,
        )
    )


def _plain_read(p: Platform, session_id: str) -> list[tuple[str, str, int]]:
    # No ORDER BY: what the web's Prisma include gets from PostgreSQL.
    return [
        (r[0], r[1], r[2])
        for r in p.rows(
            'SELECT id, "exerciseId", position FROM session_exercises WHERE "sessionId" = :s',
            s=session_id,
        )
    ]


def test_reordered_exercises_read_in_the_desktops_order_without_order_by(
    platform: Platform,
) -> None:
    p = platform
    session_id = _logged_session(p)
    first = p.rows(
        'SELECT id, "exerciseId" FROM session_exercises WHERE "sessionId" = :s '
        "ORDER BY position, id",
        s=session_id,
    )
    # The web's "add exercise" appends at max+1; a second one added meanwhile ties with it,
    # and an edit elsewhere moved a row physically to the end of the table.
    web_added = str(uuid.uuid4())
    p.execute(
        """INSERT INTO session_exercises (id, "sessionId", "exerciseId", config, position)
           SELECT :i, :s,
                  (SELECT id FROM exercises e WHERE e.scope = 'global' AND e.id NOT IN
                     (SELECT "exerciseId" FROM session_exercises) ORDER BY id LIMIT 1),
                  '{"sets": 3, "reps": 10, "format": "standard"}', max(position) + 1
           FROM session_exercises WHERE "sessionId" = :s""",
        i=web_added,
        s=session_id,
    )
    p.execute("UPDATE session_exercises SET position = position + 7 WHERE id = :i", i=first[1][0])
    opened = p.backend.open_program(p.coach_id, p.strength)
    address = pe.flatten(opened.document)[session_id].address
    count = len(pe.node_at(opened.document, address).exercises)  # type: ignore[union-attr]
    # Move the last exercise to the top.
    doc = pe.move_node(opened.document, (*address, count - 1), address, 0)
    wanted = [e.id for e in pe.node_at(doc, address).exercises]  # type: ignore[union-attr]

    p.backend.save_program(p.coach_id, opened, doc)

    stored = _plain_read(p, session_id)
    assert [row_id for row_id, _, _ in stored] == wanted
    assert [position for _, _, position in stored] == list(range(len(wanted)))
    # The web pairs entry i with row i: every log of the session follows the new order.
    logs = p.rows('SELECT progress FROM session_progress WHERE "sessionId" = :s', s=session_id)
    assert logs
    for (progress,) in logs:
        entries = progress["exercises"]
        for index, (_, exercise_id, _) in enumerate(stored):
            assert entries[index]["exerciseId"] == exercise_id
            assert entries[index]["position"] == index
    # The row the web added got the runner's untouched entry at its index.
    added_at = wanted.index(web_added)
    assert logs[0][0]["exercises"][added_at]["status"] == "not_started"


def test_an_edit_of_one_exercise_keeps_the_plain_read_in_order(platform: Platform) -> None:
    """An UPDATE moves a row to the end of the table; the save rewrites its session in order."""
    p = platform
    session_id = _logged_session(p)
    opened = p.backend.open_program(p.coach_id, p.strength)
    address = pe.flatten(opened.document)[session_id].address
    session = pe.node_at(opened.document, address)
    item = session.exercises[0]  # type: ignore[union-attr]
    config = {**(item.config or {}), "notes": "Slow eccentric"}
    doc = pe.replace_node(
        opened.document, (*address, 0), pe.ExerciseDoc(item.id, item.exercise_id, config)
    )

    p.backend.save_program(p.coach_id, opened, doc)

    assert [row_id for row_id, _, _ in _plain_read(p, session_id)] == [
        e.id
        for e in session.exercises  # type: ignore[union-attr]
    ]


def test_reordered_sessions_are_numbered_and_reported(platform: Platform) -> None:
    """Sessions are not rewritten (logs and clips hang off them): positions are renumbered and
    the save reports the reorder, so the builder can say the web may list the old order."""
    p = platform
    opened = p.backend.open_program(p.coach_id, p.strength)
    week = opened.document.blocks[0].weeks[0]
    assert len(week.sessions) >= 2
    # A gap the web's add left behind.
    p.execute("UPDATE sessions SET position = position + 4 WHERE id = :i", i=week.sessions[-1].id)
    opened = p.backend.open_program(p.coach_id, p.strength)
    doc = pe.move_node(opened.document, (0, 0, 1), (0, 0), 0)

    saved = p.backend.save_program(p.coach_id, opened, doc)

    assert saved.reordered
    stored = p.rows(
        'SELECT id, position FROM sessions WHERE "weekId" = :w ORDER BY position', w=week.id
    )
    assert [r[0] for r in stored] == [s.id for s in doc.blocks[0].weeks[0].sessions]
    assert [r[1] for r in stored] == list(range(len(stored)))
