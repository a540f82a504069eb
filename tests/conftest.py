"""Shared fixtures: every test gets its own SAFEPLACE_HOME, so no test touches a real home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from safeplace.paths import Paths, resolve_paths

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "safeplace-home"
    monkeypatch.setenv("SAFEPLACE_HOME", str(home))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield home


@pytest.fixture
def paths(isolated_home: Path) -> Paths:
    return resolve_paths({"SAFEPLACE_HOME": str(isolated_home)})
