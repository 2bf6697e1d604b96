"""The clip review queue on the demo data: queue, mark reviewed, cascades, and the migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, delete, func, select, text

from gbf_desktop.db import migrate
from gbf_desktop.db import models as m
from gbf_desktop.db.adopt import check
from gbf_desktop.db.desktop_models import ClipReview
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.errors import ConflictError, MigrationRefused, ValidationError
from gbf_desktop.services.clip_reviews import load_queue, mark_reviewed
from gbf_desktop.services.review import load_student_progress
from tests.conftest import DemoLoader, fake_mp4

pytestmark = pytest.mark.db

Factory = Callable[[], SqlUnitOfWork]


@pytest.fixture
def factory(engine: Engine) -> Factory:
    made = uow_factory(engine)
    return lambda: SqlUnitOfWork(made)


@pytest.fixture
def coach(demo_data: DemoLoader, engine: Engine) -> str:
    demo_data("fake-mp4", date(2026, 3, 12))
    with engine.connect() as conn:
        return conn.execute(select(m.User.id).where(m.User.email == DEMO_COACH_EMAIL)).scalar_one()


def reviews(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ClipReview)).scalar_one()


def test_queue_then_mark_reviewed(engine: Engine, factory: Factory, coach: str) -> None:
    queue = load_queue(factory, coach)
    assert queue.total == len(queue.clips) == 4
    newest = queue.clips[0]
    assert newest.student_name == "Aisha Okafor"
    assert newest.size == len(fake_mp4(0, 4))

    review = mark_reviewed(factory, coach, newest.id, "  Hips rise first: brace before pulling. ")

    assert review.comment == "Hips rise first: brace before pulling."
    after = load_queue(factory, coach, limit=2)
    assert after.total == 3
    assert [c.id for c in after.clips] == [c.id for c in queue.clips[1:3]]
    with engine.connect() as conn:
        row = conn.execute(
            text('SELECT "mediaId", "reviewerId", comment FROM gbf_desktop.clip_reviews')
        ).one()
    assert tuple(row) == (newest.id, coach, "Hips rise first: brace before pulling.")
    # The student's progress shows the review beside the clip.
    progress = load_student_progress(factory, coach, newest.student_id)
    detail = progress.session(newest.session_id)
    assert [(c.id, c.review_comment) for c in detail.clips] == [(newest.id, review.comment)]

    with pytest.raises(ConflictError, match="already reviewed"):
        mark_reviewed(factory, coach, newest.id, "again")
    assert reviews(engine) == 1


def _notifications(engine: Engine, user_id: str) -> list[dict[str, object]]:
    """The student's feedback notifications (their real assignments' rows left out)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Notification.type, m.Notification.payload, m.Notification.read).where(
                m.Notification.user_id == user_id
            )
        ).all()
    return [
        {"type": t, "payload": p, "read": r}
        for t, p, r in rows
        if isinstance(p, dict) and p.get("kind") == "clipReview"
    ]


def _web_card(payload: dict[str, object]) -> tuple[str, str, object]:
    """What notification-center.tsx shows for an `assignment` row: title, message, date.

    Written from that file's mapping (the fixed title, the sentence built from `coachPseudo` and
    `programTitle` with its fallbacks, `assignedAt` for the date), so a payload missing a field
    it reads shows here as the web would show it.
    """
    coach = payload.get("coachPseudo") or "Un coach"
    program = payload.get("programTitle") or "Programme"
    return (
        "Programme assigné",
        f'{coach} vous a assigné le programme "{program}"',
        payload.get("assignedAt"),
    )


def _log_of(engine: Engine, progress_id: str) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(
            select(m.SessionProgress.progress, m.SessionProgress.updated_at).where(
                m.SessionProgress.id == progress_id
            )
        ).one()
    return {"progress": row[0], "updated_at": row[1]}


def test_a_comment_reaches_the_student_in_the_entry_notes_and_a_notification(
    engine: Engine, factory: Factory, coach: str
) -> None:
    clip = load_queue(factory, coach).clips[0]
    before = _log_of(engine, clip.progress_id)

    mark_reviewed(factory, coach, clip.id, "Knees track the toes now, well done.")

    after = _log_of(engine, clip.progress_id)
    entries = after["progress"]["exercises"]  # type: ignore[index]
    old_entries = before["progress"]["exercises"]  # type: ignore[index]
    changed = [i for i, (a, b) in enumerate(zip(entries, old_entries, strict=True)) if a != b]
    assert len(changed) == 1, "one exercise entry carries the feedback"
    entry, old = entries[changed[0]], old_entries[changed[0]]
    assert entry["notes"].endswith("Knees track the toes now, well done.")
    assert entry["notes"].startswith("Coach ")
    # The student's own words and figures are untouched; only the entry's notes grew.
    assert entry["data"] == old["data"]
    assert {k: v for k, v in entry.items() if k != "notes"} == {
        k: v for k, v in old.items() if k != "notes"
    }
    assert after["updated_at"] > before["updated_at"]

    (note,) = _notifications(engine, clip.student_id)
    # `assignment` is the only type the web's centre lists, and the only one the student can mark
    # read there: any other type would raise a badge that never clears and show no card.
    assert note["type"] == "assignment"
    assert note["read"] is False
    payload = note["payload"]
    assert isinstance(payload, dict)
    assert payload["comment"] == "Knees track the toes now, well done."
    assert payload["mediaId"] == clip.id
    assert str(payload["reviewedAt"]).endswith("Z")
    _title, message, when = _web_card(payload)
    coach_pseudo = payload["coachPseudo"]
    assert isinstance(coach_pseudo, str)
    assert coach_pseudo not in {"", "Un coach"}
    assert message.startswith(f"{coach_pseudo} vous a assigné le programme ")
    assert "« Knees track the toes now, well done. »" in message
    assert str(payload["program"]) in message, "the card names the program of the clip"
    assert when == payload["reviewedAt"]


def test_a_private_review_stays_on_the_desktop(
    engine: Engine, factory: Factory, coach: str
) -> None:
    clip = load_queue(factory, coach).clips[0]
    before = _log_of(engine, clip.progress_id)

    review = mark_reviewed(
        factory, coach, clip.id, "Only for me: check the left knee", private=True
    )

    assert review.comment == "Only for me: check the left knee"
    assert _log_of(engine, clip.progress_id) == before
    assert _notifications(engine, clip.student_id) == []


def test_only_the_coachs_students_clips(engine: Engine, factory: Factory, coach: str) -> None:
    student = load_queue(factory, coach).clips[0].student_id
    with pytest.raises(ValidationError, match="not from one of your students"):
        mark_reviewed(factory, student, load_queue(factory, coach).clips[0].id, "")
    assert load_queue(factory, student).total == 0
    assert reviews(engine) == 0


def test_deleting_a_clip_deletes_its_reviews(engine: Engine, factory: Factory, coach: str) -> None:
    clip = load_queue(factory, coach).clips[0]
    mark_reviewed(factory, coach, clip.id, "")
    with engine.begin() as conn:
        conn.execute(delete(m.ExerciseMedia).where(m.ExerciseMedia.id == clip.id))
    assert reviews(engine) == 0
    assert load_queue(factory, coach).total == 3


def test_schema_check_ignores_the_desktop_table_and_its_keys(
    engine: Engine, factory: Factory, coach: str
) -> None:
    mark_reviewed(factory, coach, load_queue(factory, coach).clips[0].id, "ok")
    report = check(engine)
    assert report.ok
    assert report.differences == ()
    # What the platform's backend does at every start (drop the index its model lacks) still
    # works with the cross-schema key in place, and only warns.
    with engine.begin() as conn:
        conn.exec_driver_sql('DROP INDEX "exercise_media_progressId_idx"')
    report = check(engine)
    assert report.ok
    assert [d.severity for d in report.differences] == ["warning"]


def test_downgrade_refuses_while_reviews_exist(
    engine: Engine, factory: Factory, coach: str
) -> None:
    mark_reviewed(factory, coach, load_queue(factory, coach).clips[0].id, "ok")

    with pytest.raises(MigrationRefused) as refused:
        migrate.downgrade(engine, "add_exercise_media")

    assert str(refused.value).startswith(
        "Cannot go back before clip reviews: 1 clip review (gbf_desktop.clip_reviews)"
        " would be lost."
    )
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    assert reviews(engine) == 1


def test_downgrade_then_upgrade_when_no_review_exists(engine: Engine) -> None:
    outcome = migrate.downgrade(engine, "add_exercise_media")
    assert outcome.after == "add_exercise_media"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('gbf_desktop.clip_reviews')")).scalar() is None
    migrate.upgrade(engine)
    assert check(engine).ok
