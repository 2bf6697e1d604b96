"""Keyring backends for tests: real `keyring` backends (the package's own interface), kept in
memory or in a file instead of the desktop's Secret Service, which a CI machine does not have.

`FileKeyring` is chosen in a subprocess with
PYTHON_KEYRING_BACKEND=tests.keyring_backends.FileKeyring and GBF_TEST_KEYRING_FILE=PATH;
it exists for tests only and stores passwords in clear.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


# keyring finds every KeyringBackend subclass once it is imported and would pick these on its
# own: a priority that raises keeps them out of that choice (keyring skips such backends).
class _ChosenExplicitly(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805  # a class property, as keyring declares it
        if cls is FileKeyring and "GBF_TEST_KEYRING_FILE" in os.environ:
            return 1.0
        raise RuntimeError("a test keyring is only used when a test sets it")


class MemoryKeyring(_ChosenExplicitly):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyring(_ChosenExplicitly):
    @property
    def _path(self) -> Path:
        return Path(os.environ["GBF_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}\n{username}"] = password
        self._path.write_text(json.dumps(entries), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path.write_text(json.dumps(entries), encoding="utf-8")
