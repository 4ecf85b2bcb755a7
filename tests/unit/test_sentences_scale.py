"""Generated text and study labels at scale (1,000 studies and more)."""


def test_direction_sentence_reads_counts_with_thousands_separators():
    """_variables.yml writes 1,000 with a separator; the generated sentence read it
    with int() and stopped every 1,000-study build (found by the preview benchmark)."""
    from livingreview.text.sentences import effect_direction_paragraph

    counts = {"studies": "1,000", "benefit": "1,000", "harm": 0}
    assert "improved in all 1,000 studies" in effect_direction_paragraph({"anxiety": counts})


def test_many_studies_with_one_label_get_letters_never_their_ids():
    """Beyond 26 studies named "Synthetic 2009" the label once carried the study_id,
    which the manuscript check refuses to show readers (a 1,000-study review stopped)."""
    from livingreview.evidence.studies import _disambiguate

    labels = _disambiguate({f"synth{i:05d}": "Synthetic 2009" for i in range(1000)})
    assert len(set(labels.values())) == 1000
    assert labels["synth00000"] == "Synthetic 2009a" and labels["synth00026"] == "Synthetic 2009aa"
    assert not any("synth" in label for label in labels.values())
