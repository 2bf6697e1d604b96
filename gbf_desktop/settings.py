"""Where the app's data lives and which database and tools it uses.

Settings come, in increasing priority, from defaults, the environment (`GBF_*`) and command-line
options. Nothing is read at import time: `Settings.load()` is called by the composition root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from gbf_desktop.errors import ConfigError

APP_NAME = "GoBeyondFit Desktop"
APP_SLUG = "gbf-desktop"


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build the app."""

    data_dir: Path
    # None (and no `connection`) means the embedded default: a private PostgreSQL in `data_dir`.
    database_url: str | None = None
    # The name of a saved connection (its password in the keyring), instead of a URL.
    connection: str | None = None
    # None means the ffmpeg binary shipped by imageio-ffmpeg.
    ffmpeg_path: str | None = None
    camera: str = "auto"

    @property
    def embedded_pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def takes_dir(self) -> Path:
        """Recorded and imported clips until they are stored or discarded (never a temp folder,
        which the system may empty)."""
        return self.data_dir / "takes"

    @property
    def cache_dir(self) -> Path:
        # Thumbnails; the platform's cache folder (XDG_CACHE_HOME on Linux), not the data folder.
        return Path(platformdirs.user_cache_dir(APP_SLUG, appauthor=False))

    @property
    def saved_connections_file(self) -> Path:
        """The coach's saved servers: host, port, database, user, TLS; never a password."""
        return self.data_dir / "connections.json"

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None and self.connection is None

    @classmethod
    def load(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        database_url: str | None = None,
        connection: str | None = None,
        ffmpeg_path: str | None = None,
        camera: str | None = None,
    ) -> Settings:
        """Build settings from the environment, then let explicit options override it."""
        env = os.environ if env is None else env
        data_dir = Path(
            env.get("GBF_DATA_DIR") or platformdirs.user_data_dir(APP_SLUG, appauthor=False)
        ).expanduser()
        settings = cls(
            data_dir=data_dir,
            database_url=env.get("GBF_DATABASE_URL") or None,
            connection=env.get("GBF_CONNECTION") or None,
            ffmpeg_path=env.get("GBF_FFMPEG") or None,
            camera=env.get("GBF_CAMERA") or "auto",
        )
        if database_url is not None:
            settings = replace(settings, database_url=database_url, connection=None)
        if connection is not None:
            settings = replace(settings, connection=connection, database_url=None)
        if ffmpeg_path is not None:
            settings = replace(settings, ffmpeg_path=ffmpeg_path)
        if camera is not None:
            settings = replace(settings, camera=camera)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.database_url is not None and not self.database_url.startswith(
            ("postgresql://", "postgresql+psycopg://", "postgres://", "service=")
        ):
            raise ConfigError(
                "The database URL must start with postgresql:// (or be service=NAME), "
                f"not {self.database_url[:12]!r}….",
                hint="Example: postgresql://coach:secret@db.example.org:5432/gobeyondfit",
            )
        # A path, or a program name found on PATH (GBF_FFMPEG=ffmpeg for the system's).
        ffmpeg = self.ffmpeg_path
        if ffmpeg is not None and not Path(ffmpeg).is_file() and shutil.which(ffmpeg) is None:
            raise ConfigError(
                f"The configured ffmpeg {self.ffmpeg_path!r} does not exist.",
                hint="Unset GBF_FFMPEG to use the bundled ffmpeg, or point it at an ffmpeg binary.",
            )
