"""Writes the licence notices of everything the bundle carries into build/licences (build.sh)."""

from __future__ import annotations

import sys
from pathlib import Path

import imageio_ffmpeg

from gbf_desktop import licences


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/licences")
    notices = licences.collect_notices(imageio_ffmpeg.get_ffmpeg_exe())
    licences.write_notices(notices, out)
    print(f"licence notices: {len(notices)} components -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
