"""safeplace: guided self-help exercises in the terminal, with a private local history."""

__version__ = "0.1.0"
