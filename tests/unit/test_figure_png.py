"""The PNG rendition written without Pillow's per-row filter search (issue 19)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from livingreview.figures.common import METADATA, PNG_DPI, figure_style, save_figure


def _figure(width_in: float, height_in: float) -> Figure:
    with figure_style():
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([1, 3, 2], marker="o", label="Study 1")
        ax.barh([0, 1], [2, 1], color="#E69F00")
        ax.set_yticks([0, 1], ["Synthetic A (2020)", "Synthetic B (2021)"])
        ax.legend(loc="upper right")
    return fig


@pytest.mark.parametrize("size", [(6.3, 4.1), (8.0 / 2.54, 7.777), (2.0, 1.0)])
def test_the_png_has_the_pixels_and_resolution_savefig_gives(
    tmp_path: Path, size: tuple[float, float]
) -> None:
    fig = _figure(*size)
    save_figure(fig, None, None, tmp_path / "a.png")  # lays the figure out, then frozen
    reference = io.BytesIO()
    with figure_style():
        fig.savefig(reference, format="png", dpi=PNG_DPI, metadata=METADATA["png"])
    ours, theirs = Image.open(tmp_path / "a.png"), Image.open(reference)
    assert (ours.mode, ours.size) == (theirs.mode, theirs.size)
    assert ours.info["dpi"] == pytest.approx(theirs.info["dpi"])
    assert np.array_equal(np.asarray(ours), np.asarray(theirs))
    assert not ours.text  # no Software or date chunks
    Image.open(tmp_path / "a.png").verify()  # chunks and checksums


def test_the_same_figure_gives_the_same_bytes(tmp_path: Path) -> None:
    save_figure(_figure(3.0, 2.0), None, None, tmp_path / "a.png")
    save_figure(_figure(3.0, 2.0), None, None, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
