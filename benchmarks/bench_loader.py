"""How much the hardened exercise loader costs over plain ``yaml.load(..., CSafeLoader)``.

Writes 1,000 varied, valid exercise files to a temporary folder, then loads them all through
``load_exercise_file`` (safe read, checked parse, pydantic validation) and through a plain
read + ``yaml.load`` with libyaml, best of 5 interleaved runs each. Exits 1 above the target.

    python benchmarks/bench_loader.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from safeplace.exercise.loader import load_exercise_file

FILES = 1000
RUNS = 5
TARGET_RATIO = 1.5

_WORDS = (
    *("breathe", "slowly", "and", "notice", "the", "air", "as", "it", "moves", "in", "out"),
    *("of", "your", "body", "let", "shoulders", "soften", "feel", "ground", "beneath", "you"),
    *("there", "is", "nothing", "need", "to", "do", "right", "now", "gently", "rest"),
)


def _sentence(rng: random.Random, low: int = 6, high: int = 24) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _step(rng: random.Random, depth: int = 0) -> str:
    kind = rng.choice(["say", "say", "say", "breathe", "silence", "items", "rate", "repeat"])
    if kind == "repeat" and depth == 0:
        inner = "".join(
            "  " + line + "\n"
            for _ in range(rng.randint(1, 3))
            for line in _step(rng, 1).splitlines()
        )
        return f"- repeat: {rng.randint(2, 4)}\n  steps:\n{inner}"
    if kind == "breathe":
        if rng.random() < 0.5:
            return f"- breathe: {rng.choice(['long-out', 'slow', 'even', 'sigh'])}\n"
        inhale, exhale = rng.randint(3, 5), rng.randint(4, 8)
        return (
            "- breathe:\n"
            f"    pattern: {{in: {inhale}, out: {exhale}}}\n"
            f"    cycles: {rng.randint(3, 12)}\n"
            "  note: Breathe softly; there is no need to fill up completely.\n"
        )
    if kind == "silence":
        return f"- silence: {rng.randint(10, 120)}\n  note: {_sentence(rng, 3, 8)}\n"
    if kind == "items":
        items = "".join(f"    - {_sentence(rng, 3, 7)}\n" for _ in range(rng.randint(3, 5)))
        return f"- items:\n{items}  seconds_each: {rng.randint(5, 20)}\n"
    if kind == "rate":
        high = _sentence(rng, 2, 4)
        return f"- rate: How tense do you feel right now?\n  low: calm\n  high: {high}\n"
    seconds = f"  seconds: {rng.randint(5, 40)}\n" if rng.random() < 0.4 else ""
    return f'- say: "{_sentence(rng)}"\n{seconds}'


def exercise_text(index: int, rng: random.Random) -> str:
    steps = "".join(
        "  " + line + "\n" for _ in range(rng.randint(5, 15)) for line in _step(rng).splitlines()
    )
    category = rng.choice(["breathing", "grounding", "visualization", "compassion", "body"])
    tags = ", ".join(rng.sample(["calming", "quick", "evening", "morning", "sleep", "focus"], 2))
    return (
        "# yaml-language-server: $schema=../../schema/exercise.schema.json\n"
        f"id: exercise-{index:04d}\n"
        f"title: Exercise number {index}\n"
        f"summary: {_sentence(rng, 5, 12)}\n"
        f"category: {category}\n"
        f"tags: [{tags}]\n"
        f"suits: [{rng.choice(['wound-up', 'shut-down', 'steady'])}]\n"
        "sources:\n"
        '  - "Example A et al. (2020). Journal of Examples 1(2):3-4."\n'
        f"steps:\n{steps}"
    )


def write_files(folder: Path, count: int = FILES, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"exercise-{index:04d}.yaml"
        path.write_text(exercise_text(index, rng), encoding="utf-8")
        paths.append(path)
    return paths


def _load_hardened(paths: list[Path]) -> None:
    for path in paths:
        load_exercise_file(path)


def _load_plain(paths: list[Path]) -> None:
    for path in paths:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _timed(function: Callable[[list[Path]], None], paths: list[Path]) -> float:
    start = time.perf_counter()
    function(paths)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="safeplace-bench-") as folder:
        paths = write_files(Path(folder))
        _load_hardened(paths)  # warm up and prove every file is valid
        _load_plain(paths)
        hardened = plain = float("inf")
        for _ in range(RUNS):
            hardened = min(hardened, _timed(_load_hardened, paths))
            plain = min(plain, _timed(_load_plain, paths))
    ratio = hardened / plain
    print(
        f"loader: {len(paths)} files  hardened {hardened:.3f} s  plain CSafeLoader {plain:.3f} s"
        f"  ratio {ratio:.2f}x (target <= {TARGET_RATIO}x)"
    )
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
