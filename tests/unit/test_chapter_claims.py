"""No sentence in the shipped chapters states a data-dependent claim unchecked.

A count, a share or an every/only/none/most claim about the review's evidence
must be a variable (``{{< var >}}``), a generated sentence (``{{< include >}}``
of ``results/text/``) or a checked claim (``[...]{.claim when="..."}``). This
scanner removes those three, and sentences that report a cited study's own
finding (they carry their ``[@key]``), and flags what is left when it holds a
quantifier or a number word. Statements about the method, which no data
change, are listed in METHOD_STATEMENTS with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livingreview.text.claims import find_claims, without_claims

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [ROOT / "index.qmd", *sorted((ROOT / "manuscript").glob("*.qmd"))]

QUANTIFIER = re.compile(
    r"\b(every|each|all|only|none|no|most|majority|half|few|several|many|always|never"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|sole)\b|%|\b\d",
    re.IGNORECASE,
)
# Statements about how the review is made, true whatever the data say.
METHOD_STATEMENTS = {
    "every number in its text are rebuilt": "how the build works",
    "Counts in the text, the tables and the flow diagram": "how the build works",
    "A dash (–) in a table marks": "what a dash in a table means",
    "All of its source data are kept": "how the data are stored",
    "every count quoted in the text are derived": "how the build works",
    "Each update of the": "how versions are made",
    "the first criterion a report failed gave its exclusion reason": "the protocol's rule",
    "excluded only for the reasons in the following list": "the protocol's list of reasons",
    "Every record is a row of the screening ledger": "how the ledger works",
    "For each included study we recorded": "the extraction form",
    "Every value has a recorded source": "the extraction rule",
    "Each judgement is recorded": "the risk-of-bias method",
    "Each row is an included study": "how to read the figure",
    "Each row is a study and": "how to read the figure",
    "one panel per tool": "how to read the figure",
    "An empty cell": "how to read the figure",
    "A study's results in a domain are combined into one arrow": "how to read the figure",
    "The size of the arrows and arrowhead pairs shows": "how to read the figure",
    "Upward arrow": "how to read the figure",
    "open markers show no": "how to read the figure",
    "Circles mark the first time": "how to read the figure",
    "Times count from the dose": "how to read the figure",
    "for each domain and overall": "how to read the figure",
    "records a decision and reason for every report": "how the ledger works",
    "every inclusion": "how the ledger works",
    "Each version of this living review": "how versions are made",
    "What changed since the previous released version": "what Appendix C holds",
    "each is a snapshot": "about earlier reviews (cited)",
    "with a source for every value": "how the data are published",
    "AMPA, α-amino": "abbreviations of the figure",
    "BDNF, brain-derived neurotrophic factor": "abbreviations of the figure",
    "Several systematic reviews have brought": "background on earlier reviews (cited next)",
    "Eligibility criteria, as applied to every report": "caption of the protocol table",
    "lists each change to a criterion since the previous version": "what Appendix C lists",
    "Reports describing the same participants": "how reports are grouped",
    "describes each included study": "what the table shows",
    "shows the size, design and dosing of each study": "what the figure shows",
    "Weighted by the participants in each": "how the figure weights",
    "each judgement is justified": "where the data are",
    "shows, for each study, whether": "what the figure shows",
    "The protocol declares alternative definitions": "what the protocol declares",
    "RoB 2 domain judgements were derived from": "how judgements were derived",
    "Where the available reports did not allow a ROBINS-I domain": "how gaps were recorded",
    "The Glue programme's controlled phase is not a randomised trial": "one study's design",
    "Sensitivity analyses: the studies included": "caption of the sensitivity table",
    "The anxiety results under each analysis: one column": "how to read the figure",
    "Under each column, the number of studies": "how to read the figure",
    "In a randomised trial, veterans and service members": "describes one study",
    "Participants are counted in more than one way": "how the review counts participants",
    "Treatment resistance (criterion P3) was judged from two facts": "the protocol's rule (P3)",
    "Either fact was enough": "the protocol's rule (P3)",
    "A sample that was neither so described nor required": "the protocol's rule (P3)",
    "How many included studies rest on the authors' label alone": "where a count is shown",
    "The criterion is not strict in every respect": "the protocol's rule (P3)",
    "do not record who extracted the data": "what the review's files record",
    "do not record who judged risk of bias": "what the review's files record",
}


def _plain(text: str) -> str:
    """Chapter text with variables, includes, cross-references and markup removed."""
    text = re.sub(r"\{\{<\s*var [^>]*>\}\}", " VAR ", text)
    text = re.sub(r"\{\{<[^>]*>\}\}", " ", text)
    text = re.sub(r"\{[#.][^}]*\}", " ", text)  # attributes {#fig-x fig-alt="..."}
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link and image targets
    text = re.sub(r"-?@(fig|tbl|sec|eq)-[\w-]+", " REF ", text)
    text = re.sub(r"^#+ .*$", " ", text, flags=re.MULTILINE)  # headings
    text = re.sub(r"^:{3,}.*$", " ", text, flags=re.MULTILINE)
    return text


def sentences(path: Path) -> list[str]:
    """Sentences of a chapter outside checked claims, with markup removed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    text = _plain("\n".join(without_claims(lines)))
    parts = re.split(r"(?<=[.!?:;])\s+(?=[A-Z(\[`*])|\n\s*\n", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def unchecked_claims(path: Path, exempt: bool = True) -> list[str]:
    """Sentences stating a count, share or quantifier that nothing keeps true."""
    flagged = []
    for sentence in sentences(path):
        if "[@" in sentence or re.search(r"(?<![\w])@[a-z]\w+", sentence):
            continue  # a cited study's own finding
        if exempt and any(phrase in sentence for phrase in METHOD_STATEMENTS):
            continue
        body = re.sub(r"\b(RoB 2|PRISMA 2020|D1-D[57]|GAD-7|PCL-5|1960s|\(2R,6R\))", "", sentence)
        body = re.sub(r'"[^"]*"', "", body)  # quoted labels such as "no information"
        if QUANTIFIER.search(body.replace("VAR", "")):
            flagged.append(sentence)
    return flagged


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_unchecked_data_claim_in_the_shipped_chapters(path: Path) -> None:
    assert unchecked_claims(path) == []


def test_every_method_statement_is_needed() -> None:
    flagged = [s for path in CHAPTERS for s in unchecked_claims(path, exempt=False)]
    unused = [phrase for phrase in METHOD_STATEMENTS if not any(phrase in s for s in flagged)]
    assert unused == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_checked_claim_has_a_condition(path: Path) -> None:
    _, problems = find_claims(path.read_text(encoding="utf-8").splitlines(), path.name)
    assert problems == []


def test_the_scanner_flags_an_unchecked_claim(tmp_path: Path) -> None:
    chapter = tmp_path / "x.qmd"
    chapter.write_text(
        "# Results\n\nAnxiety improved in every study. Most trials were small.\n\n"
        '[Anxiety improved in every study]{.claim when="synthesis.anxiety.benefit > 0"}.\n'
        "We included {{< var studies.included >}} studies [@x]. Two studies were blinded.\n"
    )
    assert unchecked_claims(chapter) == [
        "Anxiety improved in every study.",
        "Most trials were small.",
        "Two studies were blinded.",
    ]
