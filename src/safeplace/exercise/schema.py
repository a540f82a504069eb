"""The JSON Schema of the exercise format, for editors (yaml-language-server) and tools.

It is generated from the pydantic models, whose docstrings become the descriptions, and
committed as ``schema/exercise.schema.json``; a test keeps the two in step.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safeplace.exercise.model import Exercise

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:safeplace:exercise.schema.json"
SCHEMA_TITLE = "safeplace exercise"


def exercise_json_schema() -> dict[str, Any]:
    """The schema of one exercise file."""
    generated = Exercise.model_json_schema(by_alias=True)
    generated.pop("title", None)
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, "title": SCHEMA_TITLE, **generated}


def exercise_schema_text() -> str:
    """The schema as the committed file holds it: indented by 2, ending in a newline."""
    return json.dumps(exercise_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_exercise_schema(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(exercise_schema_text(), encoding="utf-8")


if __name__ == "__main__":  # python -m safeplace.exercise.schema [PATH]
    import sys

    write_exercise_schema(Path(sys.argv[1] if len(sys.argv) > 1 else "schema/exercise.schema.json"))
