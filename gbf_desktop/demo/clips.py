"""The real clip maker for the demo: a drawn lifter squatting a barbell, encoded to the contract.

`seed` only needs bytes; this adapter is what the composition root hands it. Each clip goes through
a private temporary folder because the encoder writes a file (and renames it into place only once
it is complete), and the database wants the finished bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gbf_desktop.demo.seed import MakeClip
from gbf_desktop.video.compress import encode_lift_demo


def ffmpeg_clip_maker(ffmpeg_path: str | None = None) -> MakeClip:
    """A `make_clip` that encodes with the configured ffmpeg (None: the bundled one)."""

    def make_clip(seconds: float, seed: int) -> bytes:
        with tempfile.TemporaryDirectory(prefix="gbf-demo-clip-") as folder:
            output = Path(folder) / f"demo-{seed}.mp4"
            # The seed varies the lifter's build, tempo and place, so the clips differ.
            encode_lift_demo(output, duration_s=seconds, seed=seed, ffmpeg_path=ffmpeg_path)
            return output.read_bytes()

    return make_clip
