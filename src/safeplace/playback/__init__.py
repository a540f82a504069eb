"""Turning an exercise into a timed session driven by an injected clock. Never imports Textual."""
