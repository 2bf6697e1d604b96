"""The clips service against a real PostgreSQL: listing without bytes, playing, exporting,
deleting, thumbnails, and the coach boundary around all of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services import clips
from gbf_desktop.services.backend import Backend

pytestmark = pytest.mark.db

T0 = datetime(2025, 5, 12, 9, 0)


@dataclass
class World:
    coach: str
    alice: str
    bob: str
    stranger: str
    # media ids, oldest first
    alice_week1: str
    alice_week2: str
    bob_week1: str
    stranger_clip: str
    alice_week2_bytes: bytes


def _user(session: Session, pseudo: str, role: m.Role, coach: str | None = None) -> str:
    user = m.User(
        id=m.new_id(),
        email=f"{pseudo}@example.org",
        pseudo=pseudo,
        password="$2b$10$" + "x" * 53,
        role=role,
        first_name=pseudo.capitalize(),
        last_name="Test",
        coach_id=coach,
    )
    session.add(user)
    session.flush()
    return user.id


def _sessions(session: Session, coach: str, title: str, weeks: int) -> list[str]:
    program = m.Program(id=m.new_id(), title=title, coach_id=coach, is_draft=False)
    session.add(program)
    session.flush()
    block = m.ProgramBlock(id=m.new_id(), program_id=program.id, title="Base", position=0)
    session.add(block)
    session.flush()
    ids = []
    for n in range(weeks):
        week = m.Week(id=m.new_id(), block_id=block.id, week_number=n + 1, position=n)
        session.add(week)
        session.flush()
        row = m.Session(id=m.new_id(), week_id=week.id, title="Squat day", position=0)
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def _progress(session: Session, session_id: str, student: str, videos: list[str] | None) -> str:
    row = m.SessionProgress(
        id=m.new_id(), session_id=session_id, student_id=student, status="completed", videos=videos
    )
    session.add(row)
    session.flush()
    return row.id


def _clip(session: Session, progress_id: str, data: bytes, created: datetime) -> str:
    row = m.ExerciseMedia(
        id=m.new_id(),
        progress_id=progress_id,
        data=data,
        mime_type="video/mp4",
        size=len(data),
        created_at=created,
    )
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def world(engine: Engine) -> World:
    with Session(engine) as s:
        coach = _user(s, "coach", m.Role.coach)
        other = _user(s, "othercoach", m.Role.coach)
        alice = _user(s, "alice", m.Role.student, coach)
        bob = _user(s, "bob", m.Role.student, coach)
        stranger = _user(s, "stranger", m.Role.student, other)
        week1, week2 = _sessions(s, coach, "Strength base", 2)
        (other_week,) = _sessions(s, other, "Other plan", 1)
        a1 = _progress(
            s, week1, alice, ["https://cdn.example.org/uploads/videos/squat.webm", "", "old.mov"]
        )
        a2 = _progress(s, week2, alice, None)
        b1 = _progress(s, week1, bob, [])
        x1 = _progress(s, other_week, stranger, ["https://cdn.example.org/secret.webm"])
        # Bytes with every value, so an export that altered any byte (text mode, encoding) shows.
        payload = bytes(range(256)) * 40
        world = World(
            coach=coach,
            alice=alice,
            bob=bob,
            stranger=stranger,
            alice_week1=_clip(s, a1, b"week one" * 10, T0),
            bob_week1=_clip(s, b1, b"bob" * 5, T0 + timedelta(hours=1)),
            alice_week2=_clip(s, a2, payload, T0 + timedelta(days=7)),
            stranger_clip=_clip(s, x1, b"not yours", T0 + timedelta(days=9)),
            alice_week2_bytes=payload,
        )
        s.commit()
    return world


@pytest.fixture
def backend(engine: Engine) -> Backend:
    sessions = uow_factory(engine)
    return Backend(uow_factory=lambda: SqlUnitOfWork(sessions), database_label="test")


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _reads_clip_bytes(statement: str) -> bool:
    text = " ".join(statement.split()).lower()
    return "exercise_media.data" in text or "select data from exercise_media" in text


def test_library_lists_the_coachs_clips_newest_first_without_their_bytes(
    backend: Backend, world: World, statements: list[str]
) -> None:
    library = backend.clip_library(world.coach)

    assert [c.media_id for c in library.clips] == [
        world.alice_week2,
        world.bob_week1,
        world.alice_week1,
    ]
    newest = library.clips[0]
    assert newest.student_name == "Alice Test"
    assert newest.session_label == "Squat day"
    assert newest.where_label == "Strength base · Base · Week 2"
    assert newest.size == len(world.alice_week2_bytes)
    assert [s.name for s in library.students] == ["Alice Test", "Bob Test"]
    assert statements, "the listener saw no SQL at all"
    assert not [s for s in statements if _reads_clip_bytes(s)]


def test_old_video_references_are_listed_as_they_are_and_only_links_open(
    backend: Backend, world: World
) -> None:
    refs = backend.clip_library(world.coach).references

    # The empty string is no reference; the other coach's student's link is not ours to list.
    assert sorted(r.reference for r in refs) == [
        "https://cdn.example.org/uploads/videos/squat.webm",
        "old.mov",
    ]
    by_text = {r.reference: r for r in refs}
    assert by_text["old.mov"].url is None
    link = by_text["https://cdn.example.org/uploads/videos/squat.webm"]
    assert link.url == link.reference
    assert link.student_name == "Alice Test"
    assert "Week 1" in link.session_label


def test_search_words_match_student_session_and_program() -> None:
    row = clips.ClipRow(
        media_id="m",
        progress_id="p",
        session_id="s",
        student_id="u",
        student_name="Camille Laurent",
        mime_type="video/mp4",
        size=1,
        created_at=T0,
        program_title="Strength base",
        block_title="Base",
        week_number=8,
        session_title="Squat day",
        session_date=None,
    )
    assert row.matches("camille week 8")
    assert row.matches("SQUAT strength")
    assert not row.matches("camille bench")
    assert row.description == "Camille Laurent, Squat day (Strength base · Base · Week 8)"


def test_export_writes_the_stored_bytes_exactly(
    backend: Backend, world: World, tmp_path: Path
) -> None:
    target = tmp_path / "new folder" / "alice week 2.mp4"

    exported = backend.export_clip(world.coach, world.alice_week2, target)

    assert exported.path == target
    assert exported.size == len(world.alice_week2_bytes)
    assert target.read_bytes() == world.alice_week2_bytes
    # No partial file left beside it.
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_temp_file_for_playing_holds_the_clip(backend: Backend, world: World) -> None:
    path = backend.clip_to_temp_file(world.coach, world.alice_week2)
    try:
        assert path.suffix == ".mp4"
        assert path.read_bytes() == world.alice_week2_bytes
    finally:
        path.unlink()


def test_delete_removes_only_that_row_and_keeps_the_session_log(
    backend: Backend, world: World, engine: Engine
) -> None:
    assert backend.delete_clip(world.coach, world.alice_week1) == world.alice_week1

    with Session(engine) as s:
        left = set(s.scalars(select(m.ExerciseMedia.id)))
        logs = s.scalar(select(func.count()).select_from(m.SessionProgress))
    assert left == {world.alice_week2, world.bob_week1, world.stranger_clip}
    assert logs == 4
    with pytest.raises(clips.ClipNotFound, match="no longer in the database"):
        backend.delete_clip(world.coach, world.alice_week1)


def test_another_coachs_clip_can_be_neither_read_nor_deleted(
    backend: Backend, world: World, engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(clips.ClipNotFound):
        backend.delete_clip(world.coach, world.stranger_clip)
    with pytest.raises(clips.ClipNotFound):
        backend.export_clip(world.coach, world.stranger_clip, tmp_path / "x.mp4")
    with pytest.raises(clips.ClipNotFound):
        backend.clip_to_temp_file(world.coach, world.stranger_clip)
    with Session(engine) as s:
        assert s.get(m.ExerciseMedia, world.stranger_clip) is not None
    assert not (tmp_path / "x.mp4").exists()


def test_thumbnail_is_decoded_once_then_served_from_the_cache(
    backend: Backend, world: World, tmp_path: Path, statements: list[str]
) -> None:
    decoded: list[bytes] = []

    def decode(data: bytes) -> clips.Still:
        decoded.append(data)
        return clips.Still(png=b"\x89PNG fake", width=320, height=180, duration_s=2.5)

    first = backend.clip_thumbnail(world.coach, world.alice_week2, tmp_path, decode)
    statements.clear()
    again = backend.clip_thumbnail(world.coach, world.alice_week2, tmp_path, decode)

    assert decoded == [world.alice_week2_bytes]
    assert first == again
    assert again.path.read_bytes() == b"\x89PNG fake"
    assert (again.width, again.height, again.duration_s) == (320, 180, 2.5)
    assert statements == []
    # In this coach's own cache folder: another coach's requests never look there.
    assert again.path.parent == tmp_path / world.coach


@pytest.mark.ffmpeg
def test_thumbnail_of_a_real_clip(backend: Backend, engine: Engine, tmp_path: Path) -> None:
    from gbf_desktop.demo.clips import ffmpeg_clip_maker
    from gbf_desktop.video.still import still_from_bytes

    with Session(engine) as s:
        coach = _user(s, "coach", m.Role.coach)
        student = _user(s, "student", m.Role.student, coach)
        (session_id,) = _sessions(s, coach, "Plan", 1)
        media = _clip(s, _progress(s, session_id, student, None), ffmpeg_clip_maker()(2.0, 3), T0)
        s.commit()

    thumb = backend.clip_thumbnail(coach, media, tmp_path, still_from_bytes)

    assert (thumb.width, thumb.height) == (320, 180)
    assert thumb.duration_s == pytest.approx(2.0, abs=0.05)
    assert thumb.path.read_bytes().startswith(b"\x89PNG")
