"""``python -m safeplace`` and the ``safeplace`` console script."""

from __future__ import annotations

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    # Start-up allocates hundreds of thousands of objects and holds no garbage worth
    # collecting; the collector's passes over them cost the first frame about a tenth.
    # It resumes at once for headless commands, and after the first frame for the app.
    gc.disable()
    from safeplace.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
