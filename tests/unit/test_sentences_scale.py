"""Generated sentences at scale (1,000 studies and more)."""


def test_direction_sentence_reads_counts_with_thousands_separators():
    """_variables.yml writes 1,000 with a separator; the generated sentence read it
    with int() and stopped every 1,000-study build (found by the preview benchmark)."""
    from livingreview.text.sentences import effect_direction_paragraph

    counts = {"studies": "1,000", "benefit": "1,000", "harm": 0}
    assert "improved in all 1,000 studies" in effect_direction_paragraph({"anxiety": counts})
