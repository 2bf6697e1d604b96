"""Libraries swapped for trapping stubs, on the installed wheels themselves: OpenCV's and NumPy's
OpenBLAS, PyAV's libavfilter. The app's picture maths and decoding still run, NumPy and PyAV still
import and report what they did, and a call into what was left out stops the program with a
message naming the function instead of answering 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from tests import packaging_scripts as scripts

ROOT = scripts.ROOT
TOOLS = ("gcc", "nm", "patchelf")
SITE = Path(np.__file__).resolve().parents[1]
PACKAGES = ("cv2", "opencv_python_headless.libs", "numpy", "numpy.libs", "av", "av.libs")
TRAPPED = {
    "opencv_python_headless.libs": ("libopenblasp", "libopenblas"),
    "numpy.libs": ("libscipy_openblas64_",),
    "av.libs": ("libavfilter",),
}

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or bool(scripts.missing(*TOOLS))
    or not all((SITE / p).is_dir() for p in PACKAGES)
    or Path(cv2.__file__).resolve().parents[1] != SITE
    or Path(av.__file__).resolve().parents[1] != SITE,
    reason="needs Linux with gcc, nm and patchelf, and the manylinux wheels of OpenCV, NumPy, PyAV "
    "(the bundle is slimmed only there)",
)


def _link_or_copy(source: str, target: str) -> None:
    # Hard links cost nothing, and are safe: a stub replaces its library by renaming over the
    # link, and pruning unlinks only the copy's name.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture(scope="module")
def slimmed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The two wheels' packages and library folders, as the bundle lays them out, stubbed."""
    site = tmp_path_factory.mktemp("site")
    for package in PACKAGES:
        shutil.copytree(
            SITE / package,
            site / package,
            copy_function=_link_or_copy,
            ignore=shutil.ignore_patterns("tests", "__pycache__"),
        )
    changed = scripts.slim().stub_uncalled(site, scripts.patchelf(), uncalled={}, trapped=TRAPPED)
    return site, changed


def _run(site: Path, code: str) -> subprocess.CompletedProcess[str]:
    # The copies come first on the path; the wheels' RPATH ($ORIGIN/..) then finds the stubs.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_both_openblas_copies_and_their_fortran_run_times_leave(
    slimmed: tuple[Path, list[str]],
) -> None:
    site, changed = slimmed
    stubbed = [name for name in changed if "openblas" in name or "avfilter" in name]
    assert len(stubbed) == 3
    for folder in ("opencv_python_headless.libs", "numpy.libs"):
        left = {lib.name.split("-")[0]: lib.stat().st_size for lib in (site / folder).iterdir()}
        assert "libgfortran" not in left
        assert "libquadmath" not in left
        blas = [size for stem, size in left.items() if "openblas" in stem]
        assert len(blas) == 1
        assert blas[0] < 200_000, "the stub is small"


def test_the_apps_picture_maths_and_numpy_run_on_the_stubs(
    slimmed: tuple[Path, list[str]],
) -> None:
    site, _ = slimmed
    out = _run(
        site,
        "import cv2, numpy as np\n"
        "assert 'site' in cv2.__file__ and 'site' in np.__file__, (cv2.__file__, np.__file__)\n"
        "from gbf_desktop.selfcheck import check_picture_maths\n"
        "from gbf_desktop.video.delay import decode_jpeg, encode_jpeg\n"
        "print(check_picture_maths().line())\n"
        "picture = np.full((48, 64, 3), 200, np.uint8)\n"
        "print('jpeg', decode_jpeg(encode_jpeg(picture)).shape)\n"
        # The dot NumPy's import checks, computed by the stub, strided both ways.
        "x = np.arange(1, 7, dtype=np.float32)\n"
        "print('sdot', float(x.dot(x)), float(x[::2].dot(x[::-2])))\n",
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ok    picture maths: tracked a drawn plate"), lines
    assert lines[1] == "jpeg (48, 64, 3)"
    # 1+4+9+16+25+36 = 91; (1, 3, 5) . (6, 4, 2) = 6 + 12 + 10 = 28
    assert lines[2] == "sdot 91.0 28.0"


def test_pyav_still_imports_reports_its_versions_and_decodes_without_its_filters(
    slimmed: tuple[Path, list[str]], tmp_path: Path
) -> None:
    site, _ = slimmed
    assert (site / "av.libs").is_dir()
    out = _run(
        site,
        "import av, sys\n"
        "assert 'site' in av.__file__, av.__file__\n"
        "from gbf_desktop.video.compress import encode_test_pattern\n"
        "from gbf_desktop.video.frames import bgr_frames\n"
        f"clip = encode_test_pattern(__import__('pathlib').Path({str(tmp_path)!r}) / 'c.mp4')\n"
        "print(av.library_versions['libavfilter'])\n"
        "print(sorted(av.filter.filters_available))\n"
        "print(sum(1 for _ in bgr_frames(clip.path)))\n",
    )
    assert out.returncode == 0, out.stderr
    versions, filters, frames = out.stdout.splitlines()
    # The stub answers with the real library's version, and truthfully that it has no filters.
    assert versions == str(av.library_versions["libavfilter"])
    assert filters == "[]"
    assert int(frames) == 24


@pytest.mark.parametrize(
    ("code", "function"),
    [
        ("import numpy as np; print(np.ones(3) @ np.ones(3))", "scipy_cblas_ddot64_"),
        (
            "import numpy as np; print(np.linalg.solve(np.eye(2), np.ones(2)))",
            "scipy_dcopy_64_",  # numpy.linalg copies its operands with BLAS first
        ),
        (
            # OpenCV solves small systems itself; from 100 unknowns on it calls LAPACK.
            "import cv2, numpy as np; print(cv2.solve(np.eye(120), np.ones((120, 1)))[1][0])",
            "dgesv_",
        ),
        ("import av; av.filter.Graph()", "avfilter_graph_alloc"),
    ],
    ids=["numpy-matmul", "numpy-linalg", "opencv-solve", "pyav-filter-graph"],
)
def test_a_call_into_the_left_out_linear_algebra_stops_with_its_name(
    slimmed: tuple[Path, list[str]], code: str, function: str
) -> None:
    site, _ = slimmed
    out = _run(site, code)
    assert out.returncode == -6, (out.returncode, out.stdout, out.stderr)  # SIGABRT
    assert f"gbf-desktop: {function}() was called, but" in out.stderr
    assert out.stdout == "", "no answer is printed"
