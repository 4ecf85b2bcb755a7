"""The site search's entries for studies: each study row of a table of studies gets an
id from its label (render/study_rows.py) and an entry of its own in the search index
(render/search.py) that links to it; the row's text leaves its section's entry."""

from __future__ import annotations

import json
from pathlib import Path

from livingreview.render import ast as A
from livingreview.render.pandoc import markdown_to_ast
from livingreview.render.search import build_search_index, refresh_search_index
from livingreview.render.search import write_search_index as write_index
from livingreview.render.study_rows import mark_study_rows, row_id

PAGE = """<html><body><nav><a href="#x">Skip</a></nav><main>
<section id="sec-results"><h1 id="sec-results">1 Results</h1>
<p>We included two studies.</p>
<div id="tbl-characteristics"><figure>
<figcaption>Table&nbsp;1.1: Characteristics of included studies. Blank cells: not
reported.</figcaption>
<div><div class="table-scroll"><table>
<thead><tr><th>Study</th><th>n</th><th>Finding</th></tr></thead>
<tbody>
<tr><td colspan="3"><strong>Generalised anxiety disorder</strong></td></tr>
<tr id="study-glue-2017"><td>Glue 2017<span class="citation" data-cites="glue2017"><sup>
<a href="02-references.html#ref-glue2017">1</a></sup></span></td><td>12</td>
<td>Anxiety fell <em>at 24 h</em></td></tr>
<tr id="study-bloch-2012"><td><span class="citation" data-cites="bloch2012">(Bloch
<span>et al.</span>, 2012)</span></td><td>10</td><td>OCD symptoms fell</td></tr>
</tbody></table></div></div></figure></div>
<p>After the table.</p>
</section>
<section id="sec-other"><h2 id="sec-other">1.1 Other</h2>
<table><tbody><tr id="study-kim-2020"><td>Kim 2020<span class="citation">2</span></td>
<td>Open label</td></tr></tbody></table>
</section></main></body></html>
"""


def _site(tmp_path: Path) -> Path:
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "manuscript" / "01-results.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


def test_each_study_row_is_an_entry_that_links_to_it(tmp_path: Path) -> None:
    entries = build_search_index(_site(tmp_path), ["manuscript/01-results.html"])
    page = "manuscript/01-results.html"
    assert entries == [
        {
            "title": "1 Results",
            "url": f"{page}#sec-results",
            "text": "We included two studies. Table 1.1: Characteristics of included "
            "studies. Blank cells: not reported. Study n Finding Generalised anxiety "
            "disorder After the table.",
        },
        {
            "title": "Glue 2017",  # the label; the citation's bare number is left out
            "in": "Characteristics of included studies",  # the caption's first sentence
            "url": f"{page}#study-glue-2017",
            "text": "12 Anxiety fell at 24 h",
        },
        {
            "title": "(Bloch et al., 2012)",  # no label: the citation is the label
            "in": "Characteristics of included studies",
            "url": f"{page}#study-bloch-2012",
            "text": "10 OCD symptoms fell",
        },
        {"title": "1 Results › 1.1 Other", "url": f"{page}#sec-other", "text": ""},
        {
            "title": "Kim 2020",
            "in": "1.1 Other",  # a table without a caption: its section
            "url": f"{page}#study-kim-2020",
            "text": "Open label",
        },
    ]


def test_a_refreshed_index_keeps_other_pages_study_entries(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "index.html").write_text("<main><h1>Home</h1><p>Hello.</p></main>", encoding="utf-8")
    pages = ["index.html", "manuscript/01-results.html"]
    index = site / "search-index.js"
    whole = build_search_index(site, pages)
    write_index(index, whole)
    refresh_search_index(site, index, pages, {"index.html"})
    text = index.read_text(encoding="utf-8")
    assert json.loads(text[text.index("[") :].rstrip().rstrip(";")) == whole


def _tables(markdown: str) -> list:
    return markdown_to_ast(markdown)["blocks"]


def _ids(blocks: list) -> list[str]:
    return [row[0][0] for t in blocks for body in t["c"][4] for row in body[3]]


def test_study_rows_get_ids_from_their_labels_unique_on_the_page() -> None:
    blocks = _tables(
        "| Study | n |\n|---|---|\n"
        "| Glue 2017 [@glue2017] | 1 |\n| Müller 2019a [@m19] | 2 |\n| @bloch2012 | 3 |\n\n"
        "| Study | Note |\n|---|---|\n| Glue 2017 [@glue2017] | again |\n\n"
        "| Thing | n |\n|---|---|\n| Glue 2017 [@glue2017] | 1 |\n| Other | 2 |\n"
    )
    cited = blocks[0]["c"][4][0][3][2][1][0][4][0]["c"][0]  # as citeproc formats it
    cited["c"][1] = A.text_inlines("(Bloch et al., 2012)")
    assert mark_study_rows(blocks, ["study-bloch-et-al-2012"]) == 4
    assert _ids(blocks) == [
        "study-glue-2017",
        "study-muller-2019a",
        "study-bloch-et-al-2012-2",  # no label: the citation's text, never its key
        "study-glue-2017-2",  # the same study in a second table
        "",  # a table with a row that cites nothing is not a table of studies
        "",
    ]
    assert row_id("Ødegaard & Li 2020") == "study-ødegaard-li-2020"
    assert row_id("—") == "study-row"
