"""Domain code and headless commands never import Textual or Rich (DESIGN: the layers)."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN_MODULES = [
    "safeplace",
    "safeplace.paths",
    "safeplace.settings",
    "safeplace.files",
    "safeplace.cli",
    "safeplace.cli_history",
    "safeplace.exercise.model",
    "safeplace.exercise.loader",
    "safeplace.exercise.library",
    "safeplace.exercise.schema",
    "safeplace.exercise.describe",
    "safeplace.playback.timeline",
    "safeplace.playback.session",
    "safeplace.playback.breath",
    "safeplace.history.records",
    "safeplace.history.database",
    "safeplace.history.store",
    "safeplace.history.days",
    "safeplace.history.stats",
    "safeplace.history.recorder",
    "safeplace.history.exchange",
]


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_import_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulled in {result.stdout.strip()}"


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "--json"], ["show", "box-breathing"], ["locate"], ["schema"], ["status"]],
)
def test_headless_commands_do_not_import_textual(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from safeplace.cli import run\n"
        f"code = run({argv!r})\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('LEAKED=' + ','.join(leaked), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    leaked = [line for line in result.stderr.splitlines() if line.startswith("LEAKED=")]
    assert leaked == ["LEAKED="], result.stderr
