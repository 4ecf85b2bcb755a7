"""Draw a figure once per content: a figure whose data did not change is copied.

A data edit reruns every rule that reads the edited file (Snakemake decides by
file, not by the values a rule uses), but most figures do not show the edited
value: the traffic-light plot does not change when a sample size does. The key
is a hash of everything the drawing function receives (tables by their values),
of the figure code and of matplotlib's version; the SVG, PDF and PNG drawn for a
key are kept in ``results/cache/figures/<key>/`` (the folder the environment
variable names; no variable, no cache) and copied on the next run with that key.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..io import atomic_path
from ..workflow import FIGURE_CACHE_ENV, code_version

FORMATS = ("svg", "pdf", "png")


def _feed(digest: Any, value: Any) -> None:
    """Add ``value`` to ``digest`` by content (tables by their values and types)."""
    if hasattr(value, "to_csv") and hasattr(value, "dtypes"):  # a pandas DataFrame
        digest.update(b"frame")
        digest.update(value.dtypes.to_string().encode())
        digest.update(value.to_csv().encode())
    elif isinstance(value, Mapping):
        digest.update(b"map")
        digest.update(json.dumps(value, sort_keys=True, default=str).encode())
    else:
        digest.update(repr(value).encode())


def figure_key(build: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any]) -> str:
    """Hash of the drawing function, its code, matplotlib's version and its arguments."""
    import matplotlib

    digest = hashlib.sha256()
    for part in (build.__module__, build.__qualname__, matplotlib.__version__):
        digest.update(part.encode())
    digest.update(code_version("figures", "evidence", "synthesis").encode())
    for value in args:
        _feed(digest, value)
    for name in sorted(kwargs):
        digest.update(name.encode())
        _feed(digest, kwargs[name])
    return digest.hexdigest()[:32]


def draw_once(
    build: Callable[..., Any],
    args: tuple,
    kwargs: Mapping[str, Any],
    outputs: tuple[str | Path, str | Path | None, str | Path],
) -> None:
    """Write ``build(*args, **kwargs)`` as SVG, PDF and PNG to ``outputs`` (an output
    given as None is not written), or copy the files drawn before for the same key."""
    from .common import save_figure  # matplotlib only when a figure is drawn

    folder = os.environ.get(FIGURE_CACHE_ENV)
    if not folder:
        save_figure(build(*args, **kwargs), *outputs)
        return
    entry = Path(folder) / figure_key(build, args, kwargs)
    wanted = [(entry / f"figure.{ext}", out) for ext, out in zip(FORMATS, outputs, strict=True)]
    wanted = [(kept, out) for kept, out in wanted if out is not None]
    if all(kept.is_file() for kept, _ in wanted):
        for source, target in wanted:
            _copy_whole(source, target)
        return
    save_figure(build(*args, **kwargs), *outputs)
    if entry.is_dir():  # kept before for other renditions (a format asked for a new one)
        for kept, source in wanted:
            if not kept.is_file():
                _copy_whole(source, kept)
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".new-"))
    for kept, source in wanted:
        shutil.copyfile(source, staging / kept.name)
    try:
        staging.rename(entry)  # whole entries only: a reader never sees half of one
    except OSError:  # another job stored the same key first
        shutil.rmtree(staging, ignore_errors=True)


def _copy_whole(source: str | Path, target: str | Path) -> None:
    """Copy ``source`` to ``target`` so that a reader never sees half of it."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
