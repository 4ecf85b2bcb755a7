"""Words of a web page's tables that a browser split across lines, measured in chromium.

Shared by the browser layout tests (the fixture review) and the shipped review's
workflow test. A word is a run of letters, digits and punctuation between spaces;
a line may end after a hyphen, dash or slash inside it, so each part up to such a
mark is checked on its own. A part whose text boxes lie on two lines was broken
mid-word ("Midazola|m"). Hyphenation is switched off while measuring (Debian's
chromium has no hyphenation dictionaries, other browsers do): a column must hold its
longest word even where no browser can hyphenate it.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
HAS_CHROMIUM = CHROMIUM.exists()
WIDTHS = {"desktop-1366": 1366, "laptop-1024": 1024, "phone-390": 390}

NO_HYPHENATION = (
    "main table td, main table th "
    "{ -webkit-hyphens: manual !important; hyphens: manual !important; }"
)

BROKEN_WORDS = r"""() => {
  const broken = [];
  document.querySelectorAll('main table').forEach(table => {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.getClientRects().length) continue;  // not displayed
      const part = /[^\s\-\u2010\u2013\u2014\/]+[\-\u2010\u2013\u2014\/]?/g;
      for (let m = part.exec(node.data); m; m = part.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects())
          .filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  });
  return broken;
}"""


def broken_words(tab) -> list[str]:
    """Words of the open page's tables that run over two lines (see the module docstring)."""
    tab.add_style_tag(content=NO_HYPHENATION)
    return tab.evaluate(BROKEN_WORDS)
