"""The demo's clips made by the real ffmpeg: stored whole, and playable in a browser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.demo import seed
from gbf_desktop.demo.clips import ffmpeg_clip_maker
from gbf_desktop.domain import clips as contract
from gbf_desktop.video import mp4
from gbf_desktop.video.probe import probe

pytestmark = [pytest.mark.db, pytest.mark.ffmpeg]


def test_seeded_clips_are_contract_mp4s(engine: Engine, tmp_path: Path) -> None:
    summary = seed(engine, make_clip=ffmpeg_clip_maker(), today=date(2026, 3, 12))
    assert 3 <= summary.inserted["exercise_media"] <= 5

    with engine.connect() as conn:
        rows = conn.execute(
            text('SELECT id, "mimeType", size, octet_length(data), data FROM exercise_media')
        ).all()
    assert len(rows) == summary.inserted["exercise_media"]
    for clip_id, mime, size, length, data in rows:
        assert mime == "video/mp4"
        assert size == length == len(data)
        path = tmp_path / f"video-{clip_id}.mp4"
        path.write_bytes(bytes(data))
        # What a browser's <video> needs: H.264, yuv420p, the index before the media data.
        assert mp4.read_layout(path).moov_before_mdat
        info = probe(path)
        assert (info.codec, info.pixel_format) == ("h264", "yuv420p")
        assert 5.0 - 0.1 <= info.duration_s <= 8.0 + 0.1
        assert info.width <= contract.MAX_WIDTH
        assert info.height <= contract.MAX_HEIGHT
        assert size <= contract.MAX_BYTES
