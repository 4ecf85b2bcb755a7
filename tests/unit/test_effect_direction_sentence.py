"""The effect-direction paragraph reads counts as _variables.yml stores them."""

from livingreview.text.sentences import effect_direction_paragraph


def test_counts_of_a_thousand_or_more_stored_as_text() -> None:
    # _variables.yml writes 1,000 or more with a thousands separator ("1,000").
    text = effect_direction_paragraph(
        {"anxiety": {"studies": "1,200", "benefit": "1,000", "harm": 3, "not_reported": "197"}}
    )
    assert "1,000 of 1,200 studies" in text and "worsened in 3" in text
    every = effect_direction_paragraph({"anxiety": {"studies": "1,000", "benefit": "1,000"}})
    assert "improved in all 1,000 studies" in every


def test_small_counts_as_numbers() -> None:
    text = effect_direction_paragraph({"depression": {"studies": 2, "benefit": 2}})
    assert "both studies" in text
