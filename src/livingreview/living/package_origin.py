"""Where the running livingreview was installed from, as a ``requirements.txt`` line.

A new project (``livingreview init``) must install the same build tool the team
used to create it, from a source that exists. pip records the source of a
distribution installed from a URL or a folder in its ``direct_url.json``
(PEP 610):

- a version-control URL with its commit: ``livingreview @ git+URL@COMMIT``,
  portable to any machine that can reach the URL (CI included);
- a local folder or archive (``file://``): the same line, but valid only on
  this machine, which the project's README says;
- a remote archive: ``livingreview @ URL`` (with its hash when pip recorded it).

Without ``direct_url.json`` the package came from a package index (pip names
none) or is not installed at all (run from a source tree): the requirement
line is left for the team to complete and the README and ``init`` say so. No
URL is ever guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata

DISTRIBUTION = "livingreview"


@dataclass(frozen=True)
class Origin:
    """The requirement that installs livingreview, and what a reader must know about it."""

    requirement: str | None
    """The pip requirement line; ``None`` when the origin is unknown."""
    local_only: bool = False
    """True for a ``file://`` source: valid only on the machine that created the project."""
    version: str | None = None

    def requirement_text(self) -> str:
        """The body of the project's ``requirements.txt`` (comments included)."""
        if self.requirement is None:
            return (
                "# The source livingreview was installed from is unknown (a package index\n"
                "# or a source tree): replace the next line by that source, for example\n"
                "# livingreview @ git+https://HOST/OWNER/livingreview.git@COMMIT\n"
                "# livingreview" + (f"=={self.version}" if self.version else "")
            )
        if self.local_only:
            return (
                "# A folder or file on the machine that created this project: valid only\n"
                "# there. Replace it by a version-control URL pinned to a commit to build\n"
                "# elsewhere (CI included).\n" + self.requirement
            )
        return "# Pinned to the exact source this project was created with.\n" + self.requirement

    def readme_note(self) -> str:
        """A sentence for the project's README on where livingreview comes from."""
        if self.requirement is None:
            return (
                "**Before the first build:** the source of livingreview was unknown when "
                "this project was created, so `requirements.txt` has no requirement "
                "line yet: add the one that installs livingreview where you got it "
                "(for example `livingreview @ git+https://HOST/OWNER/livingreview.git@COMMIT`)."
            )
        if self.local_only:
            return (
                "**Note:** `requirements.txt` installs livingreview from a folder or file on "
                "the machine that created this project, so the build below and the CI "
                "workflow work only there; replace that line by a version-control URL "
                "pinned to a commit to build anywhere else."
            )
        return (
            "`requirements.txt` installs livingreview from the exact source this project "
            "was created with."
        )

    def warning(self) -> str | None:
        """What ``livingreview init`` tells the user, or ``None`` when nothing is to do."""
        if self.requirement is None:
            return (
                "warning: the source livingreview was installed from is unknown; "
                "add its requirement line to requirements.txt before building"
            )
        if self.local_only:
            return (
                "warning: requirements.txt installs livingreview from a local path "
                f"({self.requirement.split(' @ ', 1)[1]}), valid only on this machine; "
                "use a version-control URL pinned to a commit to build elsewhere"
            )
        return None


def origin_from_direct_url(direct_url: str | None, version: str | None = None) -> Origin:
    """The :class:`Origin` for a ``direct_url.json`` text (``None``: not installed from a URL)."""
    if not direct_url:
        return Origin(None, version=version)
    try:
        info = json.loads(direct_url)
        url = info["url"]
    except (ValueError, KeyError, TypeError):
        return Origin(None, version=version)
    if not isinstance(url, str) or not url:
        return Origin(None, version=version)
    local = url.startswith("file:")
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        line = f"{DISTRIBUTION} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    else:
        archive = info.get("archive_info")
        fragment = ""
        if isinstance(archive, dict) and isinstance(archive.get("hash"), str):
            fragment = "#" + archive["hash"]
        line = f"{DISTRIBUTION} @ {url}{fragment}"
    return Origin(line, local_only=local, version=version)


def package_origin() -> Origin:
    """The origin of the installed livingreview distribution."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Origin(None)
    return origin_from_direct_url(dist.read_text("direct_url.json"), dist.version)
