"""Check the bundled exercises and write them as the catalog a start reads.

    python tools/build_catalog.py     writes src/safeplace/exercise/catalog.json

Exits 1, saying each problem, when a bundled file does not check: nothing is written then.
tests/unit/test_catalog.py fails while the catalog is out of step with exercises/.
"""

from __future__ import annotations

import sys

from safeplace.exercise.catalog import CATALOG_FILE
from safeplace.exercise.library import build_catalog
from safeplace.exercise.loader import LoadError
from safeplace.paths import bundled_exercises_dir


def main() -> int:
    try:
        built = build_catalog(bundled_exercises_dir())
    except LoadError as error:
        print(error, file=sys.stderr)
        return 1
    CATALOG_FILE.write_bytes(built)
    print(f"wrote {CATALOG_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
