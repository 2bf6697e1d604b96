"""ICU's data library rebuilt with only what Qt reads, proved on the real Qt of the venv: Qt run
against the trimmed library gives the same collation, case mapping, converters, time zone names
and text layout as against ICU's full data."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import packaging_scripts as scripts

TOOLS = ("icupkg", "gcc", "readelf")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or bool(scripts.missing(*TOOLS)),
    reason="needs Linux with icupkg (Debian's icu-devtools), gcc and binutils",
)


def _qt_icu_data() -> Path:
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None
    assert spec.origin is not None
    found = sorted((Path(spec.origin).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 wheel carries no ICU of its own")
    return found[0]


# What the child Qt reports, as JSON. French names sort with their accents (É with E, Ç with C, Œ
# as OE), France and Canada order accents differently (the fr_CA tailoring), then case mapping,
# an XML file in each non-UTF encoding Qt reads through ICU, Paris in both languages, and a
# window laid out offscreen.
_CHECKS = r"""
import json, os, sys
from PySide6.QtCore import (QBuffer, QByteArray, QCollator, QDateTime, QLocale, QStringConverter,
    QStringDecoder, QTimeZone, QXmlStreamReader)
from PySide6.QtWidgets import QApplication, QLabel

def xml_text(encoding, data):
    buffer = QBuffer()
    buffer.setData(QByteArray(f'<?xml version="1.0" encoding="{encoding}"?><n>'.encode() + data
                              + b"</n>"))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    reader = QXmlStreamReader(buffer)
    text = ""
    while not reader.atEnd():
        reader.readNext()
        if reader.isCharacters():
            text += reader.text()
    return reader.errorString() if reader.hasError() else text

def names(zone, locale):
    types = [QTimeZone.TimeType.StandardTime, QTimeZone.TimeType.DaylightTime,
             QTimeZone.TimeType.GenericTime]
    kinds = [QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName,
             QTimeZone.NameType.OffsetName]
    return [zone.displayName(t, k, QLocale(locale)) for t in types for k in kinds]

app = QApplication([])
people = ["Fabien", "Zoé", "Eric", "Émile", "Elodie", "Çava", "Cédric", "Œdipe", "Olivier",
          "Ocean", "émile", "Ève"]
words = ["côté", "coté", "côte", "cote"]
french, canadian = QCollator(QLocale("fr_FR")), QCollator(QLocale("fr_CA"))
sample = "œuvre à côté d'une straße, ÉCOLE Ÿ, istanbul, άλφα"
western = bytes(range(0xA0, 0x100))
paris = QTimeZone(b"Europe/Paris")
winter = QDateTime.fromString("2026-01-15T12:00:00Z", "yyyy-MM-ddTHH:mm:ssZ")
label = QLabel("Élodie Çava — séance de récupération, œdème léger")
label.adjustSize()
maps = open("/proc/self/maps").read().split()
print(json.dumps({
    "icu": sorted({p for p in maps if "libicudata" in p}),
    "sorted": sorted(people, key=french.sortKey),
    "fr_FR": sorted(words, key=french.sortKey),
    "fr_CA": sorted(words, key=canadian.sortKey),
    "upper": [QLocale(l).toUpper(sample) for l in ("fr_FR", "en_US", "tr_TR", "el_GR")],
    "lower": [QLocale(l).toLower(sample) for l in ("fr_FR", "tr_TR")],
    "xml": {e: xml_text(e, western) for e in
            ["windows-1252", "ISO-8859-15", "ISO-8859-2", "windows-1250", "KOI8-R", "IBM850",
             "macintosh"]},
    "html": QStringDecoder.decoderForHtml(QByteArray(b'<meta charset="windows-1252">')).name(),
    "utf": QStringDecoder("UTF-16LE").isValid(),
    "paris": [paris.isValid(), paris.offsetFromUtc(winter), paris.abbreviation(winter)]
             + names(paris, "fr_FR") + names(paris, "en_US"),
    "calcutta": names(QTimeZone(b"Asia/Calcutta"), "en_GB"),
    "label": [label.width(), label.height(), label.grab().isNull()],
}, ensure_ascii=False))
"""


def _run_qt(icu_dir: Path | None) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LC_ALL="fr_FR.UTF-8", LANG="fr_FR.UTF-8")
    env.pop("LD_PRELOAD", None)
    if icu_dir is None:
        env.pop("LD_LIBRARY_PATH", None)
    else:
        # Searched before Qt Core's RUNPATH ($ORIGIN), so Qt loads the ICU data found here.
        env["LD_LIBRARY_PATH"] = str(icu_dir)
    out = subprocess.run(
        [sys.executable, "-c", _CHECKS], env=env, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's ICU data library trimmed by the bundle's step, in a bundle-like folder."""
    full = _qt_icu_data()
    lib = tmp_path_factory.mktemp("bundle") / "_internal" / "PySide6" / "Qt" / "lib" / full.name
    lib.parent.mkdir(parents=True)
    shutil.copy(full, lib)
    saved = scripts.slim().trim_icu_data(lib.parents[2])
    assert saved == full.stat().st_size - lib.stat().st_size > 0
    return lib


def test_the_trimmed_library_is_a_tenth_of_the_full_one_and_keeps_its_soname_and_symbol(
    trimmed: Path,
) -> None:
    full = _qt_icu_data()
    assert trimmed.stat().st_size < full.stat().st_size / 8
    slim = scripts.slim()
    before, after = slim._icu_data(full), slim._icu_data(trimmed)
    assert after is not None
    assert before is not None
    assert (after.symbol, after.package) == (before.symbol, before.package)
    dynamic = subprocess.run(
        ["readelf", "-dW", str(trimmed)], check=True, capture_output=True, text=True
    )
    assert f"[{full.name}]" in dynamic.stdout  # the soname Qt Core asks for
    symbols = subprocess.run(
        ["readelf", "-W", "--dyn-syms", str(trimmed)], check=True, capture_output=True
    )
    address = next(
        int(line.split()[1], 16)
        for line in symbols.stdout.decode().splitlines()
        if line.endswith(f" {after.symbol}")
    )
    assert address % 16 == 0  # ICU reads its data in place, aligned


def test_qt_on_the_trimmed_data_answers_as_on_the_full_data(trimmed: Path) -> None:
    full = _run_qt(None)
    cut = _run_qt(trimmed.parent)
    assert full["icu"] == [str(_qt_icu_data())]
    assert cut["icu"] == [str(trimmed)]
    assert {k: v for k, v in cut.items() if k != "icu"} == {
        k: v for k, v in full.items() if k != "icu"
    }
    # And the answers are the right ones, not just the same.
    assert cut["sorted"] == [
        "Çava",
        "Cédric",
        "Elodie",
        "émile",
        "Émile",
        "Eric",
        "Ève",
        "Fabien",
        "Ocean",
        "Œdipe",
        "Olivier",
        "Zoé",
    ]
    assert cut["fr_FR"] == ["cote", "coté", "côte", "côté"]
    assert cut["fr_CA"] == ["cote", "côte", "coté", "côté"]  # Canada: last accent first
    assert cut["upper"][0] == "ŒUVRE À CÔTÉ D'UNE STRASSE, ÉCOLE Ÿ, ISTANBUL, ΆΛΦΑ"
    assert cut["upper"][2].endswith("İSTANBUL, ΆΛΦΑ")  # Turkish dotted capital I
    assert cut["upper"][3].endswith("ISTANBUL, ΑΛΦΑ")  # Greek drops the accent
    assert cut["lower"][1].startswith("œuvre à côté d'une straße, école")
    assert cut["xml"]["windows-1252"] == bytes(range(0xA0, 0x100)).decode("cp1252")
    assert cut["xml"]["ISO-8859-15"] == bytes(range(0xA0, 0x100)).decode("iso8859_15")
    assert cut["xml"]["KOI8-R"] == bytes(range(0xA0, 0x100)).decode("koi8_r")
    assert cut["html"] == "windows-1252"
    assert cut["paris"][:2] == [True, 3600]
    assert "Europe centrale" in cut["paris"][3]  # heure normale d'Europe centrale
    assert "Central European" in cut["paris"][12]
    width, height, empty = cut["label"]
    assert width > 200
    assert height > 10
    assert not empty


def test_what_the_package_keeps_is_named_by_kind() -> None:
    unread = scripts.slim().icu_unread
    kept = [
        "res_index.res",
        "pool.res",
        "root.res",
        "fr_CA.res",
        "coll/fr.res",
        "coll/ucadata.icu",
        "zone/en_GB.res",
        "zoneinfo64.res",
        "cnvalias.icu",
        "ibm-5348_P100-1997.cnv",
        "ibm-923_P100-1998.cnv",
    ]
    dropped = [
        "de.res",
        "coll/zh.res",
        "brkitr/cjdict.dict",
        "brkitr/root.res",
        "lang/fr.res",
        "curr/fr.res",
        "translit/root.res",
        "gb18030.cnv",
        "ibm-37_P100-1995.cnv",
        "unames.icu",
    ]
    assert unread(kept + dropped) == dropped


def test_a_library_that_is_not_icu_data_is_left_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "other.c"
    source.write_text("const char icudt73_dat[32] = {1};\n")
    lib = tmp_path / "libicudata.so.73"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(source)], check=True)
    internal = tmp_path / "_internal"
    (internal / "PySide6").mkdir(parents=True)
    shutil.copy(lib, internal / "PySide6" / lib.name)
    before = (internal / "PySide6" / lib.name).read_bytes()
    assert scripts.slim().trim_icu_data(internal) == 0
    assert (internal / "PySide6" / lib.name).read_bytes() == before
    assert not list((internal / "PySide6").glob("*.trimmed"))
