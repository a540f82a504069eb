"""The named breathing patterns: plain data, read by the format and by `safeplace breathe`."""

from __future__ import annotations

NAMED_PATTERNS: dict[str, tuple[dict[str, float], int, str]] = {
    # name: (phases, default cycles, description)
    "box": ({"in": 4, "hold": 4, "out": 4, "rest": 4}, 6, "4 in, hold 4, 4 out, rest 4"),
    "sigh": ({"in": 3, "top_up": 1, "out": 6}, 12, "in, a second sip, then a long sigh out"),
    "long-out": ({"in": 4, "out": 6}, 12, "4 in, 6 out, no holds"),
    "slow": ({"in": 5, "out": 5}, 18, "six breaths a minute, even in and out"),
    "even": ({"in": 4, "out": 4}, 10, "4 in, 4 out, an easy start"),
    "4-7-8": ({"in": 4, "hold": 7, "out": 8}, 4, "4 in, hold 7, 8 out"),
}
CUSTOM_DEFAULT_CYCLES = 6

# `safeplace breathe` with nothing more: a longer out-breath, the gentlest way to settle.
QUICK_PATTERN = "long-out"
QUICK_MINUTES = 3.0
QUICK_MOST_MINUTES = 60.0
