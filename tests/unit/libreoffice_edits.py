"""Edit a DOCX inside LibreOffice through UNO, as a co-author using Writer would.

Run by the system Python, which has Debian's ``python3-uno`` (a virtualenv
cannot import ``uno``)::

    /usr/bin/python3 libreoffice_edits.py IN.docx OUT.docx PROFILE_DIR EDITS.json

It starts ``soffice --headless`` on a private user profile, opens ``IN.docx``,
sets the author name, turns on Edit > Track Changes > Record, and makes each
edit of ``EDITS.json`` (a list, applied in order):

- ``["comment", phrase, text]``: a comment (annotation) on the first ``phrase``;
- ``["delete", phrase]``: deletes the first ``phrase``;
- ``["insert", phrase, text]``: types ``text`` just after the first ``phrase``.

A phrase is searched paragraph by paragraph (tracked deletions included),
case-sensitive; it must not straddle the end of a comment made before it (make
such a deletion first, as the workflow test does). The document is
saved with Writer's "Word 2007-365" filter (``MS Word 2007 XML``), so the
comments and tracked changes are LibreOffice's own OOXML, not hand-made.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

try:  # only a Python with Debian's python3-uno; the tests import just run_edits
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
except ImportError:
    uno = None

WORD = "MS Word 2007 XML"  # Writer's "Word 2007-365 (.docx)" filter
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno is installed for this one
AUTHOR = ("Libre", "Co-author")  # given name, surname: shown as "Libre Co-author"


def run_edits(
    source: Path, target: Path, workdir: Path, edits: list[tuple[str, ...]]
) -> subprocess.CompletedProcess[str]:
    """Run this script with the system Python: ``source`` edited into ``target``."""
    (workdir / "edits.json").write_text(json.dumps(edits), encoding="utf-8")
    return subprocess.run(
        [
            SYSTEM_PYTHON,
            __file__,
            str(source),
            str(target),
            str(workdir / "profile"),
            str(workdir / "edits.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def prop(name: str, value: object) -> PropertyValue:
    out = PropertyValue()
    out.Name, out.Value = name, value
    return out


def connect(pipe: str, office: subprocess.Popen, timeout: float = 120.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                exit_code = office.poll()
                raise SystemExit(f"soffice accepted no UNO connection (exit {exit_code})") from None
            time.sleep(0.5)


def set_author(ctx) -> None:
    """The user name LibreOffice writes as the author of changes and comments."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    access.setPropertyValue("givenname", AUTHOR[0])
    access.setPropertyValue("sn", AUTHOR[1])
    access.commitChanges()


def find(doc, phrase: str):
    """A text range selecting the first ``phrase`` of the body, checked."""
    paragraphs = doc.Text.createEnumeration()
    while paragraphs.hasMoreElements():
        paragraph = paragraphs.nextElement()
        if not paragraph.supportsService("com.sun.star.text.Paragraph"):
            continue  # a table: its cells are not searched
        at = paragraph.getString().find(phrase)
        # A comment's anchor is a character the cursor steps over but the
        # paragraph's string leaves out: look a few characters further.
        for shift in range(4 if at >= 0 else 0):
            cursor = doc.Text.createTextCursorByRange(paragraph.getStart())
            cursor.goRight(at + shift, False)
            cursor.goRight(len(phrase), True)
            if cursor.getString() == phrase:
                return cursor
        if at >= 0:
            raise SystemExit(f"cannot select {phrase!r} in {paragraph.getString()!r}")
    raise SystemExit(f"no paragraph contains {phrase!r}")


def edit(doc, kind: str, phrase: str, text: str = "") -> None:
    found = find(doc, phrase)
    if kind == "delete":
        found.setString("")
    elif kind == "insert":
        body = found.getText()
        body.insertString(body.createTextCursorByRange(found.getEnd()), text, False)
    elif kind == "comment":
        note = doc.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = " ".join(AUTHOR)
        note.Content = text
        found.getText().insertTextContent(found, note, True)  # True: spans the phrase
    else:
        raise SystemExit(f"unknown edit {kind!r}")


def main(source: str, target: str, profile: str, edits_json: str) -> None:
    pipe = f"livingreview_{uuid.uuid4().hex}"
    office_args = [
        "soffice",
        f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
    ]
    # A new profile restarts soffice once on first start, which would drop the
    # UNO bridge: create the profile first, then start the listening office.
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([*office_args, "--terminate_after_init"], check=True, timeout=300, **quiet)
    office = subprocess.Popen(
        [*office_args, f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        start_new_session=True,  # its own process group: soffice.bin is a child of soffice
        **quiet,
    )
    try:
        ctx = connect(pipe, office)
        set_author(ctx)
        # The document model alone, with no view: Debian's headless (nogui)
        # LibreOffice has no comment-sidebar UI, and a view aborts on a new comment.
        doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
        doc.load((prop("URL", Path(source).resolve().as_uri()), prop("FilterName", WORD)))
        doc.RecordChanges = True
        for kind, *args in json.loads(Path(edits_json).read_text(encoding="utf-8")):
            edit(doc, kind, *args)
        doc.storeToURL(
            Path(target).resolve().as_uri(),
            (prop("FilterName", WORD), prop("Overwrite", True)),
        )
        doc.close(True)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()


if __name__ == "__main__":
    main(*sys.argv[1:5])
