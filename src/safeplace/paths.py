"""Every filesystem location safeplace uses, in one place.

Nothing here touches the disk at import time. ``SAFEPLACE_HOME`` moves every location under
one folder (tests and portable installs use it); otherwise platformdirs decides.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "safeplace"
HOME_VARIABLE = "SAFEPLACE_HOME"


@dataclass(frozen=True)
class Paths:
    """Where config, data, history and the user's own exercises live."""

    config_dir: Path
    data_dir: Path
    state_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.yaml"

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.db"

    @property
    def user_exercises(self) -> Path:
        return self.data_dir / "exercises"

    @property
    def checked_cache(self) -> Path:
        """Results of checking exercise and settings files (disposable; see checked.py)."""
        return self.state_dir / "checked.json"

    @property
    def pending_file(self) -> Path:
        """Sessions that could not be written to the database wait here (JSON lines)."""
        return self.state_dir / "pending-sessions.jsonl"

    def own_locations(self) -> tuple[Path, ...]:
        """safeplace's own folders and the files in them that may be links to elsewhere:
        a command writing where the person asks never writes to any of these."""
        db = self.history_db
        return (
            self.config_dir,
            self.data_dir,
            self.state_dir,
            self.config_file,
            db,
            db.with_name(db.name + "-wal"),
            db.with_name(db.name + "-shm"),
            db.with_name(db.name + "-journal"),
            self.pending_file,
            self.checked_cache,
        )

    def as_dict(self) -> dict[str, Path]:
        return {
            "config": self.config_file,
            "data": self.data_dir,
            "history": self.history_db,
            "exercises": self.user_exercises,
            "state": self.state_dir,
        }


def resolve_paths(environ: os._Environ[str] | dict[str, str] | None = None) -> Paths:
    """Work out the locations for this run; ``SAFEPLACE_HOME`` overrides all of them."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_VARIABLE)
    if home:
        root = Path(home).expanduser()
        return Paths(config_dir=root / "config", data_dir=root / "data", state_dir=root / "state")
    import platformdirs  # deferred: only needed when no override is set

    return Paths(
        config_dir=platformdirs.user_config_path(APP_NAME, appauthor=False),
        data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
        state_dir=platformdirs.user_state_path(APP_NAME, appauthor=False),
    )


def bundled_exercises_dir() -> Path:
    """The exercises shipped with safeplace: inside the wheel, or the repo's top-level folder."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_bundled" / "exercises"
    if installed.is_dir():
        return installed
    return package_dir.parent.parent / "exercises"


def bundled_schema_file() -> Path:
    """The JSON Schema beside the bundled exercises (their `$schema=../../schema/...` lines)."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_bundled" / "schema" / "exercise.schema.json"
    if installed.is_file():
        return installed
    return package_dir.parent.parent / "schema" / "exercise.schema.json"
