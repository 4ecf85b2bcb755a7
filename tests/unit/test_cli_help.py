"""`livingreview --help` reads as plain text: no reStructuredText markup from docstrings."""

from __future__ import annotations

import pytest

from livingreview.cli import main


def test_help_has_no_docstring_markup(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "livingreview check" in text
    assert "``" not in text and ":func:" not in text
