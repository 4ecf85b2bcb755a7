"""``livingreview preview``: the website on 127.0.0.1, rebuilt and reloaded on save.

A watcher polls the chapters, ``_quarto.yml``, ``config/``, ``data/`` and
``refs/``. When only chapter files changed, just the pages of those chapters
are re-rendered in-process (:func:`livingreview.render.render_pages`), with
any other page whose content the save changed (a renumbered figure it refers
to, a new entry in the reference list); any
other change runs the workflow through the Snakemake API with HTML as the only
format (DOCX and PDF wait for the next full ``snakemake``). Open pages hold a
Server-Sent Events connection: after a good rebuild they reload, after a
failed one they show an overlay listing each problem with its file, line and
fix, over the last good page. A save also refreshes the site's search index,
and every file is served uncached, so a reload shows what the save wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..errors import ReviewError

EVENTS = "/__livereview/events"
CLIENT = "/__livereview/client.js"
WATCHED = ("_quarto.yml", "config", "data", "refs", "index.qmd", "manuscript")
CHAPTER_SUFFIXES = (".qmd", ".md")
POLL_SECONDS = 0.2
# "  - manuscript/01-a.qmd:3 [col]: message; found 'x'. Fix: do this" (errors.Problem)
PROBLEM_LINE = re.compile(r"^\s*- (?P<where>[^:\s][^:]*?(?::\d+)?(?: \[[^\]]*\])?): (?P<rest>.+)$")

CLIENT_JS = """\
(function () {
  var seen = null;
  var box = null;
  function overlay(problems) {
    if (!box) {
      box = document.createElement("div");
      box.id = "lr-preview-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;" +
        "background:rgba(255,255,255,.96);color:#7a0010;padding:2rem;" +
        "font:15px/1.5 system-ui,sans-serif";
      document.body.appendChild(box);
    }
    box.innerHTML = "<h2 style='margin-top:0'>The preview could not be rebuilt</h2>" +
      "<p>The page below is the last good version. Fix the following and save:</p>";
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = p.where;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + p.message));
      list.appendChild(item);
    });
    box.appendChild(list);
  }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (state.problems.length) { overlay(state.problems); return; }
    if (seen !== null && state.version !== seen) { location.reload(); return; }
    seen = state.version;
  });
})();
""".replace("__EVENTS__", EVENTS)


@dataclass
class PreviewState:
    """The last rebuild: a version number the pages compare, and its problems."""

    version: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    last_seconds: float = 0.0

    def publish(self, problems: list[dict[str, str]]) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "problems": self.problems})


def problems_from_text(text: str) -> list[dict[str, str]]:
    """The problems a failed build printed (one ``- file:line: message`` line each)."""
    found = [
        {"where": m["where"], "message": m["rest"]}
        for m in (PROBLEM_LINE.match(line) for line in text.splitlines())
        if m
    ]
    if not found:
        tail = [line for line in text.strip().splitlines() if line.strip()][-5:]
        found = [{"where": "snakemake", "message": " ".join(tail) or "the build failed"}]
    return found


def problems_from_error(error: ReviewError) -> list[dict[str, str]]:
    """One overlay entry per problem of a ReviewError, with file and line."""
    out = []
    for problem in error.problems:
        where = problem.file + (f":{problem.row}" if problem.row is not None else "")
        message = str(problem).split(": ", 1)[-1]
        out.append({"where": where, "message": message})
    return out or [{"where": "build", "message": str(error)}]


# ---------------------------------------------------------------- watching


def snapshot(root: Path) -> dict[str, int]:
    """mtime (ns) of every watched file, by path relative to ``root``."""
    out = {}
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            try:
                out[file.relative_to(root).as_posix()] = file.stat().st_mtime_ns
            except OSError:
                continue
    return out


def changed_files(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Files added, removed or modified between two snapshots."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def chapters_only(changed: set[str]) -> bool:
    """Whether every change is to chapter text (so only those pages need rendering)."""
    return all(
        c.endswith(CHAPTER_SUFFIXES) and (c.startswith("manuscript/") or "/" not in c)
        for c in changed
    )


def build_html(root: Path, cores: int = 2) -> tuple[bool, str]:
    """Run the workflow through the Snakemake API (in a child process) for HTML only."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "livingreview.living.preview", str(root), str(cores)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr


def _snakemake_api_build(root: Path, cores: int) -> bool:
    """The child process: ``snakemake --config render.formats=[html]`` via the API, the
    last full build's DOCX and PDF kept in ``_book/`` (they wait for the next full build)."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import (
        ConfigSettings,
        DAGSettings,
        OutputSettings,
        ResourceSettings,
    )

    os.chdir(root)
    with SnakemakeApi(OutputSettings(printshellcmds=False)) as api:
        workflow = api.workflow(
            resource_settings=ResourceSettings(cores=cores),
            config_settings=ConfigSettings(
                config={"render": {"formats": ["html"], "keep_formats": ["docx", "pdf"]}}
            ),
            snakefile=root / "Snakefile",
            workdir=root,
        )
        workflow.dag(DAGSettings()).execute_workflow(executor="local")
    return True


class Rebuilder(threading.Thread):
    """Polls the project and rebuilds on every save, publishing to ``state``."""

    def __init__(
        self,
        root: Path,
        state: PreviewState,
        render_pages: Callable[[Path, set[str]], Any],
        cores: int = 2,
    ) -> None:
        super().__init__(daemon=True)
        self.root, self.state, self.render_pages, self.cores = root, state, render_pages, cores
        self.stopped = threading.Event()
        self.ready = threading.Event()  # set once every chapter was parsed at the start
        self.current = snapshot(root)
        self.pending: set[str] = set()  # chapters still to re-render after a failure

    def rebuild(self, changed: set[str]) -> None:
        """Rebuild for ``changed`` files and publish the result."""
        started = time.perf_counter()
        if chapters_only(changed | self.pending):
            try:
                self.render_pages(self.root, changed | self.pending)
                problems: list[dict[str, str]] = []
                self.pending = set()
            except ReviewError as exc:
                problems = problems_from_error(exc)
                self.pending |= changed
        else:
            ok, output = build_html(self.root, self.cores)
            problems = [] if ok else problems_from_text(output)
            self.pending = set()
        self.state.last_seconds = time.perf_counter() - started
        self.state.publish(problems)
        if not chapters_only(changed) and not problems:
            self.remember_site()  # the full build rewrote every page

    def remember_site(self) -> None:
        """Parse every chapter and note what each page of the site shows, so a save
        re-renders the saved page and every page whose content it changes."""
        with contextlib.suppress(ReviewError):
            self.render_pages(self.root, set())

    def run(self) -> None:
        self.remember_site()  # and the first save re-parses only its own chapter
        self.ready.set()
        while not self.stopped.wait(POLL_SECONDS):
            now = snapshot(self.root)
            changed = changed_files(self.current, now)
            if changed:
                self.current = now
                self.rebuild(changed)


# ---------------------------------------------------------------- serving


def make_handler(site: Path, state: PreviewState) -> type[SimpleHTTPRequestHandler]:
    """A request handler serving ``site`` with the reload client and the event stream."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            # every response, so a reload after a save fetches the refreshed files
            # (the search index, images), not the browser's copies from before
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == EVENTS:
                return self._events()
            if path == CLIENT:
                return self._send(CLIENT_JS.encode(), "text/javascript")
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                html = target.read_text(encoding="utf-8")
                tag = f'<script src="{CLIENT}"></script>'
                html = html.replace("</body>", f"{tag}</body>") if "</body>" in html else html + tag
                return self._send(html.encode(), "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, data: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            seen = -1
            try:
                while True:
                    with state.changed:
                        if state.version == seen:
                            state.changed.wait(timeout=15)
                        payload, seen = state.as_json(), state.version
                    self.wfile.write(f"event: state\ndata: {payload}\n\n".encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


class PreviewServer:
    """The server and the rebuilder, started and stopped together."""

    def __init__(self, root: Path, port: int = 4848, cores: int = 2) -> None:
        from ..render import render_pages
        from ..render.project import load_book

        self.root = root.resolve()
        self.state = PreviewState()
        site = self.root / load_book(self.root).output_dir
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(site, self.state))
        self.httpd.daemon_threads = True
        self.rebuilder = Rebuilder(self.root, self.state, render_pages, cores)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/"

    def start(self) -> None:
        self.rebuilder.start()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.rebuilder.stopped.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def preview(root: Path, port: int, cores: int = 2) -> None:
    """Build the website if needed, then serve it until Ctrl-C."""
    from ..render.project import load_book

    root = root.resolve()
    if not (root / load_book(root).output_dir / "index.html").is_file():
        print("building the website first ...", file=sys.stderr)
        ok, output = build_html(root, cores)
        if not ok:
            print(output[-3000:], file=sys.stderr)
    server = PreviewServer(root, port, cores)
    server.start()
    print(f"previewing {root} at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # the child process of build_html
    sys.exit(0 if _snakemake_api_build(Path(sys.argv[1]), int(sys.argv[2])) else 1)
