"""Run every benchmarks/bench_*.py in its own interpreter; exit 1 if any of them failed.

python benchmarks/run_all.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed: list[str] = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"=== {script.name}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        seconds = time.perf_counter() - started
        verdict = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        print(f"=== {script.name}: {verdict} in {seconds:.0f} s\n", flush=True)
        if done.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"{len(failed)} benchmark(s) missed a target or failed: {', '.join(failed)}")
        return 1
    print("Every benchmark met its target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
