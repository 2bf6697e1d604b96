"""Drawings and bar paths per coach and clip: saved, read back, scoped, cascaded, migrated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, delete, func, select, text

from gbf_desktop.db import migrate
from gbf_desktop.db import models as m
from gbf_desktop.db.adopt import check
from gbf_desktop.db.desktop_models import ClipAnnotation
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.domain.drawings import Drawing, Kind
from gbf_desktop.errors import MigrationRefused, ValidationError
from gbf_desktop.services import annotations
from gbf_desktop.services.clip_reviews import load_queue
from tests.conftest import DemoLoader

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


def rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ClipAnnotation)).scalar_one()


DRAWINGS = (
    Drawing("1", Kind.ANGLE, ((100, 100), (200, 200), (300, 100)), colour="#ff3b30"),
    Drawing("2", Kind.TEXT, ((20, 30),), start_s=1.0, duration_s=2.0, text="Chest up"),
)


def test_drawings_are_saved_replaced_and_read_back(
    engine: Engine, factory: Factory, coach: str
) -> None:
    clip = load_queue(factory, coach).clips[0].id
    empty = annotations.load(factory, coach, clip)
    assert (empty.drawings, empty.bar_path, empty.updated_at) == ((), None, None)

    saved = annotations.save_drawings(factory, coach, clip, DRAWINGS, width=854, height=480)
    assert saved.drawings == DRAWINGS
    assert annotations.load(factory, coach, clip).drawings == DRAWINGS

    annotations.save_drawings(factory, coach, clip, DRAWINGS[1:], width=854, height=480)
    result = {"path": [[0.0, 1.0, 2.0]], "reps": [], "plate_cm": 45.0}
    annotations.save_bar_path(factory, coach, clip, result)
    loaded = annotations.load(factory, coach, clip)
    assert loaded.drawings == DRAWINGS[1:]  # the bar path did not touch the drawings
    assert loaded.bar_path == result
    assert rows(engine) == 1
    with engine.connect() as conn:
        stored = conn.execute(
            text('SELECT "mediaId", "coachId", drawings FROM gbf_desktop.clip_annotations')
        ).one()
    assert stored[:2] == (clip, coach)
    assert stored[2][0]["kind"] == "text"


def test_a_bad_drawing_writes_nothing(engine: Engine, factory: Factory, coach: str) -> None:
    clip = load_queue(factory, coach).clips[0].id
    annotations.save_drawings(factory, coach, clip, DRAWINGS, width=854, height=480)
    bad = (*DRAWINGS, Drawing("3", Kind.LINE, ((0, 0), (2000, 0))))
    with pytest.raises(ValidationError, match="outside"):
        annotations.save_drawings(factory, coach, clip, bad, width=854, height=480)
    assert annotations.load(factory, coach, clip).drawings == DRAWINGS


def test_only_the_coachs_students_clips(engine: Engine, factory: Factory, coach: str) -> None:
    clip = load_queue(factory, coach).clips[0]
    with pytest.raises(ValidationError, match="not from one of your students"):
        annotations.save_drawings(
            factory, clip.student_id, clip.id, DRAWINGS, width=854, height=480
        )
    with pytest.raises(ValidationError, match="not from one of your students"):
        annotations.load(factory, coach, "no-such-clip")
    assert rows(engine) == 0


def test_deleting_a_clip_deletes_its_annotations(
    engine: Engine, factory: Factory, coach: str
) -> None:
    clip = load_queue(factory, coach).clips[0].id
    annotations.save_drawings(factory, coach, clip, DRAWINGS, width=854, height=480)
    with engine.begin() as conn:
        conn.execute(delete(m.ExerciseMedia).where(m.ExerciseMedia.id == clip))
    assert rows(engine) == 0
    assert check(engine).ok


def test_downgrade_refuses_while_annotations_exist_then_round_trips(
    engine: Engine, factory: Factory, coach: str
) -> None:
    clip = load_queue(factory, coach).clips[0].id
    annotations.save_drawings(factory, coach, clip, DRAWINGS, width=854, height=480)
    with pytest.raises(MigrationRefused, match="drawings and bar paths of 1 clip "):
        migrate.downgrade(engine, "add_clip_reviews")
    assert rows(engine) == 1
    with engine.begin() as conn:
        conn.execute(delete(ClipAnnotation))
    assert migrate.downgrade(engine, "add_clip_reviews").after == "add_clip_reviews"
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT to_regclass('gbf_desktop.clip_annotations')")).scalar()
            is None
        )
    migrate.upgrade(engine)
    assert check(engine).ok
