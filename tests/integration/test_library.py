"""The exercise library on the demo data: search, filters, favourites, own exercises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.services import library as lib
from gbf_desktop.services.backend import Backend
from tests.conftest import DemoLoader
from tests.platform_db import table_fingerprints

pytestmark = pytest.mark.db

TODAY = date(2026, 3, 12)


@dataclass(frozen=True)
class Demo:
    engine: Engine
    backend: Backend
    coach_id: str

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)

    def exercise(self, name: str) -> str:
        return str(self.scalar("SELECT id FROM exercises WHERE name = :n", n=name))


@pytest.fixture
def demo(demo_data: DemoLoader, engine: Engine) -> Demo:
    demo_data("fake-mp4", TODAY)
    factory = uow_factory(engine)
    with engine.connect() as conn:
        coach = conn.execute(
            text("SELECT id FROM users WHERE email = :e"), {"e": DEMO_COACH_EMAIL}
        ).scalar_one()
    return Demo(engine, Backend(lambda: SqlUnitOfWork(factory), "test"), coach)


def _other_coach_exercise(demo: Demo) -> str:
    other, exercise = "00000000-0000-4000-8000-0000000000c1", "00000000-0000-4000-8000-0000000000e1"
    demo.execute(
        """INSERT INTO users (id, email, pseudo, password, role, "updatedAt")
           VALUES (:i, 'other@example.com', 'other', 'x', 'coach', now())""",
        i=other,
    )
    demo.execute(
        """INSERT INTO exercises (id, name, type, scope, "ownerId", "updatedAt", meta)
           VALUES (:e, 'Secret Squat', 'standard', 'coach', :o, now(), '{}')""",
        e=exercise,
        o=other,
    )
    return exercise


def test_search_as_you_type_folds_case_and_accents(demo: Demo) -> None:
    catalog = demo.backend.library(demo.coach_id)
    assert len(catalog.entries) == demo.scalar("SELECT count(*) FROM exercises")

    squats = catalog.search("SQUAT")
    assert squats
    assert all("squat" in lib.fold(" ".join((e.name, e.description or ""))) for e in squats)
    # Names starting with the text come before names merely containing it.
    starts = [e.name.lower().startswith("squat") for e in squats]
    assert starts == sorted(starts, reverse=True)
    # Every word must match, anywhere: name, muscle group or description.
    assert catalog.search("quadriceps") == tuple(
        e
        for e in catalog.entries
        if "quadriceps" in lib.fold(" ".join(e.muscle_groups))
        or "quadriceps" in lib.fold(e.name + " " + (e.description or ""))
    )
    assert catalog.search("qûadricèps") == catalog.search("quadriceps")
    assert catalog.search("") == catalog.entries
    assert catalog.search("zzzz-nothing") == ()


def test_filters_and_facets(demo: Demo) -> None:
    catalog = demo.backend.library(demo.coach_id)
    facets = catalog.facets()
    assert facets.types == lib.EXERCISE_TYPES
    assert facets.difficulties[:3] == lib.DIFFICULTIES
    assert "Quadriceps" in facets.muscle_groups
    assert len({lib.fold(m) for m in facets.muscle_groups}) == len(facets.muscle_groups)

    mine = catalog.search(scope="mine")
    assert mine
    assert all(e.scope == "coach" and e.owner_id == demo.coach_id for e in mine)
    assert all(e.scope == "global" for e in catalog.search(scope="global"))
    assert len(mine) + len(catalog.search(scope="global")) == len(catalog.entries)
    emoms = catalog.search(exercise_type="EMOM")
    assert emoms
    assert {e.type for e in emoms} == {"EMOM"}
    # Global rows store "Beginner", coach rows "beginner": one filter finds both.
    beginners = catalog.search(difficulty="Beginner")
    assert {e.scope for e in beginners} == {"global", "coach"}
    quads = catalog.search(muscle_group="quadriceps")
    assert quads
    assert all("Quadriceps" in e.muscle_groups for e in quads)
    combined = catalog.search("squat", difficulty="advanced", muscle_group="Quadriceps")
    assert combined
    assert all(e.difficulty == "advanced" and "Quadriceps" in e.muscle_groups for e in combined)


def test_favourites_toggle_and_respect_the_unique_index(demo: Demo) -> None:
    squat = demo.exercise("Barbell Back Squat")
    assert demo.backend.set_favourite(demo.coach_id, squat, True)
    assert demo.backend.set_favourite(demo.coach_id, squat, True)  # twice: still one row
    rows = demo.rows(
        'SELECT "userId", "addedAt" IS NOT NULL FROM favorite_exercises WHERE "exerciseId" = :e',
        e=squat,
    )
    assert [tuple(r) for r in rows] == [(demo.coach_id, True)]
    catalog = demo.backend.library(demo.coach_id)
    assert [e.id for e in catalog.search(favourites_only=True)] == [squat]
    assert catalog.with_favourite(squat, False).search(favourites_only=True) == ()

    assert not demo.backend.set_favourite(demo.coach_id, squat, False)
    assert demo.scalar("SELECT count(*) FROM favorite_exercises") == 0


def test_details_give_meta_as_plain_values(demo: Demo) -> None:
    squat = demo.backend.exercise_details(demo.coach_id, demo.exercise("Barbell Back Squat"))
    assert squat.scope == "global"
    assert not squat.editable
    assert squat.difficulty == "intermediate"
    assert squat.muscle_groups == ("Quadriceps",)
    assert [link.url.split("/")[2] for link in squat.links] == ["youtube.com", "www.youtube.com"]
    assert squat.links[0].label == "Video Demonstration"

    own_id = demo.scalar(
        "SELECT id FROM exercises WHERE scope = 'coach' AND meta->>'videoUrl' <> '' LIMIT 1"
    )
    own = demo.backend.exercise_details(demo.coach_id, own_id)
    assert own.editable
    assert own.instructions
    assert own.links[-1].label == "Video"
    assert own.default_sets is not None


def test_create_edit_and_delete_own_exercises_of_every_type(demo: Demo) -> None:
    created = []
    for kind in lib.EXERCISE_TYPES:
        draft = lib.ExerciseDraft(
            name=f"Coach {kind} Ça Va",
            type=kind,
            description="Made here",
            difficulty="Advanced",
            muscle_groups=("Glutes", " "),
            instructions=("Brace", "Drive"),
            video_url="https://www.youtube.com/watch?v=abc",
            sets=4,
            reps=8,
        )
        created.append(demo.backend.create_exercise(demo.coach_id, draft))
    for record in created:
        row = demo.rows(
            """SELECT type::text, scope::text, "ownerId", meta, "createdAt" = "updatedAt"
               FROM exercises WHERE id = :i""",
            i=record.id,
        )[0]
        assert tuple(row[:3]) == (record.type, "coach", demo.coach_id)
        # The web's edit page offers Beginner / Intermediate / Advanced, spelt so.
        assert row[3] == {
            "difficulty": "Advanced",
            "muscleGroups": ["Glutes"],
            "instructions": ["Brace", "Drive"],
            "videoUrl": "https://www.youtube.com/watch?v=abc",
            "sets": 4,
            "reps": 8,
        }
        assert row[4]

    catalog = demo.backend.library(demo.coach_id)
    assert len(catalog.search("ca va", scope="mine")) == 5

    first = created[0]
    demo.execute(
        """UPDATE exercises SET meta = meta || '{"legacy": 1}' WHERE id = :i""", i=first.id
    )
    edited = demo.backend.update_exercise(
        demo.coach_id, first.id, lib.ExerciseDraft(name="Renamed", type="custom", reps=12)
    )
    assert (edited.name, edited.type) == ("Renamed", "custom")
    assert edited.meta is not None
    assert edited.meta["legacy"] == 1  # keys the form does not know survive an edit
    assert edited.meta["reps"] == 12
    assert edited.updated_at > first.updated_at
    assert catalog.with_record(edited).get(first.id) is not None

    demo.backend.delete_exercise(demo.coach_id, first.id)
    assert demo.scalar("SELECT count(*) FROM exercises WHERE id = :i", i=first.id) == 0


def test_invalid_drafts_are_refused_with_a_reason(demo: Demo) -> None:
    with pytest.raises(lib.ValidationError, match="needs a name"):
        demo.backend.create_exercise(demo.coach_id, lib.ExerciseDraft(name="  "))
    with pytest.raises(lib.ValidationError, match="Type must be") as refused:
        demo.backend.create_exercise(demo.coach_id, lib.ExerciseDraft(name="x", type="yoga"))
    assert refused.value.field == "type"
    with pytest.raises(lib.ValidationError, match="video link") as refused:
        demo.backend.create_exercise(demo.coach_id, lib.ExerciseDraft(name="x", video_url="ftp:"))
    assert refused.value.field == "video_url"


def test_global_and_other_coaches_exercises_are_read_only_for_a_coach(demo: Demo) -> None:
    squat = demo.exercise("Barbell Back Squat")
    before = table_fingerprints(demo.engine)
    with pytest.raises(lib.NotAllowed, match="read-only for coaches"):
        demo.backend.update_exercise(demo.coach_id, squat, lib.ExerciseDraft(name="Mine now"))
    with pytest.raises(lib.NotAllowed, match="read-only for coaches"):
        demo.backend.delete_exercise(demo.coach_id, squat)
    secret = _other_coach_exercise(demo)
    with pytest.raises(lib.ExerciseNotFound, match="not in your library") as refused:
        demo.backend.update_exercise(demo.coach_id, secret, lib.ExerciseDraft(name="x"))
    assert "Secret" not in str(refused.value)
    assert demo.backend.library(demo.coach_id).get(secret) is None
    after = table_fingerprints(demo.engine)
    assert after["exercises"][0] == before["exercises"][0] + 1  # only the other coach's row


def test_an_admin_may_edit_a_global_exercise_in_its_own_shape(demo: Demo) -> None:
    admin = "00000000-0000-4000-8000-0000000000ad"
    demo.execute(
        """INSERT INTO users (id, email, pseudo, password, role, "updatedAt")
           VALUES (:i, 'admin@example.com', 'admin', 'x', 'admin', now())""",
        i=admin,
    )
    squat = demo.exercise("Barbell Back Squat")
    draft = lib.ExerciseDraft(name="Back Squat", difficulty="advanced", muscle_groups=("Glutes",))
    edited = demo.backend.update_exercise(admin, squat, draft)
    assert edited.scope == "global"
    assert edited.meta is not None
    assert edited.meta["difficultyLevel"] == "Advanced"
    assert edited.meta["targetMuscleGroup"] == "Glutes"
    assert edited.meta["shortDemonstrationLink"].startswith("https://")
    assert "muscleGroups" not in edited.meta


def test_deleting_an_exercise_in_use_names_the_programs(demo: Demo) -> None:
    uses = """SELECT DISTINCT p.title FROM session_exercises se
              JOIN sessions s ON s.id = se."sessionId" JOIN weeks w ON w.id = s."weekId"
              JOIN program_blocks b ON b.id = w."blockId" JOIN programs p ON p.id = b."programId"
              WHERE se."exerciseId" = :e ORDER BY 1"""
    used = demo.scalar(
        """SELECT e.id FROM exercises e WHERE e.scope = 'coach' AND EXISTS
           (SELECT 1 FROM session_exercises se WHERE se."exerciseId" = e.id)
           ORDER BY e.name LIMIT 1"""
    )
    titles = tuple(r[0] for r in demo.rows(uses, e=used))
    assert titles
    before = table_fingerprints(demo.engine)
    with pytest.raises(lib.ExerciseInUse) as raised:
        demo.backend.delete_exercise(demo.coach_id, used)
    assert raised.value.programs == titles
    assert ", ".join(f'"{t}"' for t in titles) in str(raised.value)
    assert table_fingerprints(demo.engine) == before


def test_the_sql_design_finds_what_the_catalogue_finds(demo: Demo) -> None:
    catalog = demo.backend.library(demo.coach_id)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("squat", {}),
        ("qûadri", {}),
        ("", {"scope": "mine"}),
        ("press", {"difficulty": "beginner"}),
        ("", {"muscle_group": "glutes"}),
    ]
    with SqlUnitOfWork(uow_factory(demo.engine)) as uow:
        for words, filters in cases:
            query = lib.SqlSearch(tokens=tuple(lib.fold(words).split()), **filters)
            in_sql = set(uow.library.search(demo.coach_id, query))
            in_memory = {e.id for e in catalog.search(words, **filters)}
            assert in_sql == in_memory, (words, filters)
