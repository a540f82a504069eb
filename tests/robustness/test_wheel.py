"""A wheel built from the repo, installed in a fresh virtualenv, works from another folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # hatchling is the build backend (a dev dependency); uv's venv has no pip to call.
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("safeplace-*.whl")
    return built


def test_the_wheel_carries_the_bundled_exercises_catalog_and_schema(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    bundled = {Path(n).stem for n in names if n.startswith("safeplace/_bundled/exercises/")}
    in_repo = {p.stem for p in (REPO / "exercises").rglob("*.yaml")}
    assert in_repo and in_repo <= bundled
    assert "safeplace/_bundled/schema/exercise.schema.json" in names
    assert "safeplace/exercise/catalog.json" in names  # what a start reads the bundled ones from
    # Each screen's stylesheet is read when the screen is first shown: a missing one would
    # only fail then, so check every one is packed.
    sheets = {p.relative_to(REPO / "src").as_posix() for p in (REPO / "src").rglob("*.tcss")}
    assert sheets and sheets <= set(names)


def _install(wheel: Path, env_dir: Path, requirements: Path) -> None:
    """The wheel into a fresh virtualenv, with the versions uv.lock pins (what was tested).

    uv is the one `make` bootstraps; it takes the packages from the cache its sync just
    filled, where pip would fetch and resolve them anew. Without uv, pip does it.
    """
    uv = REPO / ".tools" / "bin" / "uv"
    if not uv.exists():
        venv.create(env_dir, with_pip=True)
        pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)]
        subprocess.run(pip, check=True, timeout=600)
        return
    venv.create(env_dir, with_pip=False)
    pinned = [str(uv), "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes"]
    subprocess.run([*pinned, "--quiet", "-o", str(requirements)], cwd=REPO, check=True)
    install = [str(uv), "pip", "install", "--quiet", "--python", str(env_dir / "bin" / "python")]
    # Bytecode is not what this test is about, and compiling Textual's takes most of the time.
    quick = {**os.environ, "UV_COMPILE_BYTECODE": "0"}
    subprocess.run(
        [*install, "-r", str(requirements), str(wheel)], env=quick, check=True, timeout=600
    )


@pytest.mark.slow
def test_installed_wheel_lists_the_bundled_exercises_from_another_folder(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    python = env_dir / "bin" / "python"
    _install(wheel, env_dir, tmp_path / "requirements.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environ = {**os.environ, "SAFEPLACE_HOME": str(tmp_path / "home")}
    environ.pop("PYTHONPATH", None)

    def run_elsewhere(*argv: str) -> str:
        done = subprocess.run(
            argv,
            cwd=elsewhere,
            env=environ,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    listed = run_elsewhere(str(env_dir / "bin" / "safeplace"), "list", "--json")
    ids = {row["id"] for row in json.loads(listed)}
    in_repo = {p.stem for p in (REPO / "exercises").rglob("*.yaml")}
    assert ids == in_repo
    # The catalog names each bundled file: show reads it from inside the installed wheel.
    shown = json.loads(
        run_elsewhere(str(env_dir / "bin" / "safeplace"), "show", "box-breathing", "--json")
    )
    assert Path(shown["source_file"]).is_relative_to(env_dir)
    where = run_elsewhere(str(python), "-c", "import safeplace; print(safeplace.__file__)")
    assert str(env_dir) in where  # the installed copy, not the repo
    located = run_elsewhere(str(env_dir / "bin" / "safeplace"), "locate")
    schema_line = next(line for line in located.splitlines() if line.startswith("schema"))
    assert Path(schema_line.split(maxsplit=1)[1]).is_file()
