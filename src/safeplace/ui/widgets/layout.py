"""Small text-layout helpers shared by widgets that draw their own lines."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text


def append_centred(text: Text, line: str, width: int, style: Style | str = "") -> None:
    """Append ``line`` centred in ``width``; the padding stays plain, unstyled space.

    Padding both sides to the full width keeps every line of a block centred on its own,
    whatever alignment the container applies to the block as a whole.
    """
    left = max(0, (width - len(line)) // 2)
    text.append(" " * left)
    text.append(line, style=style)
    text.append(" " * max(0, width - left - len(line)))
