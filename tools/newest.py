"""Run the suite against the newest release of every dependency (``make newest``, not CI).

The newest versions the ranges in pyproject.toml allow are resolved with uv into a separate
virtualenv (``.venv-newest``); uv.lock and ``.venv`` are left alone. It prints what differs from
the lock, then runs lint, types and the tests there, and exits with the suite's code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = str(ROOT / ".tools" / "bin" / "uv")
VENV = ROOT / ".venv-newest"


def pins(requirements: str) -> dict[str, str]:
    """name -> version from ``name==version`` lines."""
    found: dict[str, str] = {}
    for line in requirements.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            found[name.strip().lower()] = version.split(";", 1)[0].strip()
    return found


def uv(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [UV, *args], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE
    )
    return done.stdout


def main() -> int:
    locked = pins(uv("export", "--locked", "--extra", "dev", "--no-hashes", "--no-emit-project"))
    with tempfile.TemporaryDirectory() as folder:
        newest_file = Path(folder) / "newest.txt"
        uv(
            "pip",
            "compile",
            "--quiet",
            "pyproject.toml",
            "--extra",
            "dev",
            "--upgrade",
            "--no-header",
            "-o",
            str(newest_file),
        )
        newest = pins(newest_file.read_text(encoding="utf-8"))
        changed = sorted(n for n in newest if locked.get(n) != newest[n])
        print("newest releases that differ from uv.lock:" if changed else "uv.lock is current.")
        for name in changed:
            print(f"  {name}: {locked.get(name, '(not locked)')} -> {newest[name]}")
        uv("venv", "--quiet", "--allow-existing", str(VENV))
        env = {**os.environ, "VIRTUAL_ENV": str(VENV)}
        uv("pip", "install", "--quiet", "-r", str(newest_file), "-e", ".", env=env)
    bin_dir = VENV / "bin"
    steps = [
        [str(bin_dir / "ruff"), "check", "src", "tests", "benchmarks", "tools"],
        [str(bin_dir / "mypy")],
        [str(bin_dir / "pytest"), "-q"],
    ]
    worst = 0
    for step in steps:
        print("$", Path(step[0]).name, *step[1:], flush=True)
        worst = max(worst, subprocess.run(step, cwd=ROOT).returncode)
    print("the suite passes on the newest releases." if worst == 0 else "see the failures above.")
    return worst


if __name__ == "__main__":
    sys.exit(main())
