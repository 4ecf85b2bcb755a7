"""Measuring a drawn matplotlib figure, for the figure tests."""

from __future__ import annotations

from typing import Any


def shown_tick_label_boxes(fig: Any) -> list:
    """The boxes of the first axes' x tick labels that show (text, inside the limits),
    left to right, in the drawn figure (drawn here)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    return [
        label.get_window_extent(renderer)
        for tick, label in zip(ax.xaxis.get_major_ticks(), ax.get_xticklabels(), strict=True)
        if label.get_text() and low <= tick.get_loc() <= high
    ]
