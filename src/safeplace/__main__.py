"""``python -m safeplace`` and the ``safeplace`` console script."""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    from safeplace.cli import run

    try:
        code = run(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()  # a closed pipe shows here, not as "Exception ignored" at exit
    except BrokenPipeError:
        # `safeplace history | head -1`: the reader has what it wanted. Nothing is wrong, so
        # nothing is said; what is still buffered goes nowhere instead of failing at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE  # what a command ended by a closed pipe reports
    return code


if __name__ == "__main__":
    raise SystemExit(main())
