"""The bundle's library slimming on real ELF files built here: encoder libraries swapped for stubs
that still satisfy the loader, and symbol tables stripped from libraries that keep working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import packaging_scripts as scripts

TOOLS = ("gcc", "nm", "readelf", "strip", "patchelf")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or bool(scripts.missing(*TOOLS)),
    reason="needs Linux with gcc, binutils and patchelf (the bundle is slimmed only there)",
)


def _build(out: Path, source: str, *flags: str) -> Path:
    c_file = out.with_suffix(".c")
    c_file.write_text(source)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-g", "-o", str(out), str(c_file), *flags], check=True
    )
    c_file.unlink()
    return out


def _call(lib: Path, function: str) -> str:
    """`function()` of `lib`, loaded with RTLD_NOW as Python loads extension modules, in a fresh
    process (one that loaded the real library would reuse it by its soname)."""
    code = (
        "import ctypes, os, sys; "
        "print(getattr(ctypes.CDLL(sys.argv[1], os.RTLD_NOW), sys.argv[2])())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(lib), function], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _bundle(
    tmp_path: Path, real_body: str, user_body: str, *real_flags: str
) -> tuple[Path, Path, Path]:
    internal = tmp_path / "_internal"
    libs = internal / "av.libs"
    libs.mkdir(parents=True)
    # What only the real library links (as libaom under libavif): orphaned once it is a stub.
    under = _build(libs / "libnuma-89ab.so.1", "int numa_nodes(void) { return 2; }\n")
    real = _build(
        libs / "libx265-0123abcd.so.216",
        real_body,
        "-Wl,-soname,libx265-0123abcd.so.216",
        f"-L{libs}",
        "-Wl,--no-as-needed",
        f"-l:{under.name}",
        "-Wl,-rpath,$ORIGIN",
        *real_flags,
    )
    # The user is an extension module, outside the wheel's library folder, as PyAV's are.
    (internal / "av").mkdir()
    user = _build(
        internal / "av" / "codec.abi3.so",
        user_body,
        f"-L{libs}",
        f"-l:{real.name}",
        "-Wl,-rpath,$ORIGIN/../av.libs",
    )
    return internal, real, user


def test_an_encoder_library_only_called_is_replaced_by_a_stub_the_loader_accepts(
    tmp_path: Path,
) -> None:
    internal, real, user = _bundle(
        tmp_path,
        "static char big[1 << 20] = {1};\n"
        "void *x265_api_get_216(int depth) { return depth ? big : 0; }\n",
        "void *x265_api_get_216(int depth);\n"
        "int has_x265(void) { return x265_api_get_216(8) != 0; }\n",
    )
    assert _call(user, "has_x265") == "1"
    before = real.stat().st_size

    assert scripts.slim().stub_uncalled(internal, scripts.patchelf()) == [
        real.name,
        "libnuma-89ab.so.1",
    ]
    assert not (real.parent / "libnuma-89ab.so.1").exists()

    assert real.stat().st_size < before / 10
    # Same soname, every function the user links is defined, and answers "no x265 here".
    soname = subprocess.run(
        [scripts.patchelf(), "--print-soname", str(real)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert soname.stdout.strip() == real.name
    assert _call(user, "has_x265") == "0"


def test_a_library_whose_data_is_used_keeps_the_real_one(tmp_path: Path) -> None:
    internal, real, _user = _bundle(
        tmp_path,
        "int x265_max_bit_depth = 12;\nint x265_api_get_216(void) { return 1; }\n",
        "extern int x265_max_bit_depth;\nint depth(void) { return x265_max_bit_depth; }\n",
    )
    before = real.read_bytes()
    assert scripts.slim().stub_uncalled(internal, scripts.patchelf()) == []
    assert real.read_bytes() == before


def test_stripping_keeps_libraries_loadable_and_leaves_the_executable_alone(
    tmp_path: Path,
) -> None:
    internal = tmp_path / "_internal"
    internal.mkdir()
    lib = _build(
        internal / "libsample.so.1",
        "".join(f"int helper_{n}(int x) {{ return x + {n}; }}\n" for n in range(200))
        + "int answer(void) { return helper_41(1); }\n",
    )
    executable = tmp_path / "gbf-desktop"
    executable.write_bytes(b"\x7fELF not a library, and must stay byte for byte")
    before = lib.stat().st_size

    saved = scripts.slim().strip_symbols(internal)

    assert saved == before - lib.stat().st_size > 0
    assert (
        ".symtab"
        not in subprocess.run(
            ["readelf", "-SW", str(lib)], check=True, capture_output=True, text=True
        ).stdout
    )
    assert _call(lib, "answer") == "42"
    assert executable.read_bytes().startswith(b"\x7fELF not a library")
    assert not list(internal.glob("*.stripped")), "no copy is left behind"


def test_links_to_deleted_libraries_go_to_the_surviving_twin_or_away(tmp_path: Path) -> None:
    internal = tmp_path / "_internal"
    for folder in ("av.libs", "opencv_python_headless.libs"):
        (internal / folder).mkdir(parents=True)
    kept = internal / "av.libs" / "libdrm-b0291a67.so.2.4.0"
    kept.write_bytes(b"\x7fELF av's copy")
    own = internal / "av.libs" / "libavutil-5809ad29.so.60"
    own.write_bytes(b"\x7fELF")
    # PyInstaller's links in _internal: one to OpenCV's deleted libdrm (same name as av's), one to
    # a stubbed-away library nothing has any more, one that still works.
    (internal / kept.name).symlink_to(Path("opencv_python_headless.libs") / kept.name)
    (internal / "libaom-a0d22147.so.3").symlink_to(
        "opencv_python_headless.libs/libaom-a0d22147.so.3"
    )
    (internal / own.name).symlink_to(Path("av.libs") / own.name)

    assert scripts.slim().relink_dangling(internal) == (1, 1)

    assert (internal / kept.name).read_bytes() == b"\x7fELF av's copy"
    assert not (internal / "libaom-a0d22147.so.3").is_symlink()
    assert (internal / own.name).resolve() == own.resolve()


def test_a_library_that_versions_its_symbols_gets_a_stub_in_the_same_versions(
    tmp_path: Path,
) -> None:
    script = tmp_path / "tls.map"
    script.write_text("TLS_3_4 {\nglobal: tls_init; tls_deinit;\nlocal: *;\n};\n")
    internal, real, user = _bundle(
        tmp_path,
        "int tls_init(void) { return 7; }\nint tls_deinit(void) { return 1; }\n",
        "int tls_init(void);\nint tls_deinit(void);\n"
        "int opened(void) { return tls_init() + tls_deinit(); }\n",
        f"-Wl,--version-script={script}",
    )
    assert _call(user, "opened") == "8"

    assert real.name in scripts.slim().stub_uncalled(
        internal, scripts.patchelf(), {"av.libs": ("libx265",)}
    )

    # The user still asks for TLS_3_4 of that file, and the stub answers it.
    assert _call(user, "opened") == "0"
    versions = subprocess.run(
        ["readelf", "-VW", str(real)], check=True, capture_output=True, text=True
    ).stdout
    assert "TLS_3_4" in versions


def test_a_dropped_plugin_takes_only_the_libraries_nothing_else_links(tmp_path: Path) -> None:
    internal = tmp_path / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platformthemes"
    qt_lib = internal / "PySide6" / "Qt" / "lib"
    plugins.mkdir(parents=True)
    qt_lib.mkdir(parents=True)

    def lib(path: Path, *needed: Path) -> Path:
        links = [f"-l:{n.name}" for n in needed]
        dirs = sorted({f"-L{n.parent}" for n in needed})
        return _build(
            path,
            f"int {path.name.split('.')[0].replace('-', '_')}_v;\n",
            f"-Wl,-soname,{path.name}",
            *dirs,
            "-Wl,--no-as-needed",
            *links,
        )

    pixman = lib(internal / "libpixman-1.so.0")
    cairo = lib(internal / "libcairo.so.2", pixman)
    glib = lib(internal / "libglib-2.0.so.0")
    core = lib(qt_lib / "libQt6Core.so.6", glib)
    gtk_theme = lib(plugins / "libqgtk3.so", cairo, glib)
    python = lib(internal / "libpython3.11.so.1.0")  # opened by name: nothing links it

    removed = scripts.slim().drop_with_dependencies(internal, scripts.patchelf())

    assert removed == [gtk_theme.name, cairo.name, pixman.name]
    assert not gtk_theme.exists()
    assert not cairo.exists()
    assert not pixman.exists()
    assert glib.exists(), "Qt Core still links GLib"
    assert core.exists()
    assert python.exists()
