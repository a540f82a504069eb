"""Colours that can be seen: the WCAG contrast ratio, and blends of theme colours that reach it.

Widgets that draw marks in shades (the heatmap, the progress line) take the theme's own
colours and move them just far enough from the background to be seen, whatever the theme.
"""

from __future__ import annotations

from textual.color import Color
from textual.widget import Widget

MARK = 3.0  # WCAG 1.4.11: shapes and lines against what is behind them
STEPS = 24  # bisection steps: far finer than a terminal's 8-bit channels


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(one: Color, other: Color) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def at_least(color: Color, background: Color, ratio: float, *, toward: Color) -> Color:
    """``color`` as it is when it shows at ``ratio``, else raised just enough to."""
    if contrast(color, background) >= ratio:
        return color
    return with_contrast(color, background, ratio, toward=toward)


def with_contrast(color: Color, background: Color, ratio: float, *, toward: Color) -> Color:
    """``color`` made as quiet as it can be while it still shows at ``ratio`` on ``background``.

    The colour moves along the way from the background, through ``color``, to ``toward`` (a
    colour that stands out more, such as the theme's foreground): nearer the background when
    it is louder than needed, nearer ``toward`` when it is too faint.
    """
    if contrast(color, background) >= ratio:
        start, end = background, color
    elif contrast(toward, background) > ratio:
        start, end = color, toward
    else:
        return toward
    low, high = 0.0, 1.0  # the share of ``end``; contrast grows with it
    for _ in range(STEPS):
        middle = (low + high) / 2
        if contrast(start.blend(end, middle), background) >= ratio:
            high = middle
        else:
            low = middle
    return start.blend(end, high)


def component_color(widget: Widget, name: str) -> Color:
    """The colour a component class gives (from the theme, through TCSS), over the widget."""
    color = widget.get_component_rich_style(name).color
    return Color.from_rich_color(color) if color else widget.styles.color
