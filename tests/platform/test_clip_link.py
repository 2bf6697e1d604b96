"""A clip attached to one exercise, linked the web's way.

Web rule (Baptiste0103/GoBeyondFit): frontend/app/workouts/[id]/page.tsx (handleVideoUpload)
puts an uploaded clip's id in the set's `videoUrl`; its save sends them as `videos`, and
backend/src/workouts/workout-runner.service.ts merges them into the exercise entry's `videos`
and the row's `videos`. The page then shows an exercise's clip from its entry's `videos[0]`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop.errors import ValidationError
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip, clip_facts
from tests.platform.conftest import Platform

pytestmark = [pytest.mark.ffmpeg]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> ReadyClip:
    path: Path = tmp_path_factory.mktemp("clips") / "set.mp4"
    encode_test_pattern(path, duration_s=1.0, label="set 2")
    return check_clip(path)


def _session_of_a_student(p: Platform) -> tuple[str, str]:
    choices = p.backend.attach_choices(p.coach_id)
    for student in choices.students:
        for session in student.sessions:
            if len(p.backend.clip_exercise_choices(p.coach_id, session.session_id)) >= 2:
                return student.student_id, session.session_id
    raise AssertionError("no session with two exercises")


def test_a_clip_attached_to_one_exercise_is_in_both_videos_lists(
    platform: Platform, clip: ReadyClip
) -> None:
    p = platform
    student, session = _session_of_a_student(p)
    second = p.backend.clip_exercise_choices(p.coach_id, session)[1]

    stored = p.backend.store_clip(
        p.coach_id,
        student,
        session,
        clip.path,
        clip.sha256,
        inspect=clip_facts,
        exercise=(second.exercise_id, second.position),
    )

    progress, videos = p.rows(
        "SELECT progress, videos FROM session_progress WHERE id = :i", i=stored.progress_id
    )[0]
    assert stored.media_id in videos
    entries = progress["exercises"]
    linked = [e for e in entries if stored.media_id in (e.get("videos") or [])]
    assert [(e["exerciseId"], e["position"]) for e in linked] == [
        (second.exercise_id, second.position)
    ]
    assert all(isinstance(v, str) for e in entries for v in e.get("videos") or [])


def test_a_clip_for_an_exercise_not_in_the_session_stores_nothing(
    platform: Platform, clip: ReadyClip
) -> None:
    p = platform
    student, session = _session_of_a_student(p)
    before = p.scalar("SELECT count(*) FROM exercise_media")
    with pytest.raises(ValidationError, match="not in the session"):
        p.backend.store_clip(
            p.coach_id,
            student,
            session,
            clip.path,
            clip.sha256,
            inspect=clip_facts,
            exercise=("no-such-exercise", 0),
        )
    assert p.scalar("SELECT count(*) FROM exercise_media") == before
