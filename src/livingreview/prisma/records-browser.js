/* livingreview records browser: the screening ledger, page by page, filtered by PRISMA box,
   source and reason. Data files are scripts (LR_RECORDS_INDEX / LR_RECORDS_PAGE) loaded
   on demand, so the browser works from file:// too; a view loads only the page files it
   shows. Every value is set as text. Written by livingreview (prisma/records_browser.py).

   Pages as the website's pager of long tables (render/templates/pages.js), without it (it
   also runs under the Quarto backend, so it injects its own style sheet): a nav above and
   below the table with First / Previous / Next / Last and a page list ("Records 101–200
   of 88,648"); a control below goes back to the top of the browser when that is above
   the window. A button that becomes disabled while it has the focus (Next on the last
   page) hands the focus to the page list of its nav, not to the top of the document.

   Only the latest view draws: a page file that arrives after the reader chose another
   view is kept for later but never replaces the table (a slow file drew screened-out
   records under the box "removed before screening"). */
(function () {
  "use strict";
  var root = document.querySelector(".records-browser");
  if (!root) { return; }
  var base = root.getAttribute("data-base") || "";
  var VIEW = 100;
  var index = null, cache = {}, waiting = {}, offset = 0;
  var latest = 0;  // the number of the latest view asked for: only it may draw
  var navs = [], listed = -1;  // listed: the count of records the page lists were made for

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function number(n) {
    return n.toLocaleString("en");
  }
  function load(name, done, failed) {
    if (cache[name]) { done(cache[name]); return; }
    if (waiting[name]) { waiting[name].push({ done: done, failed: failed }); return; }
    waiting[name] = [{ done: done, failed: failed }];
    var script = el("script", null, { src: base + name });
    script.onerror = function () {
      var callers = waiting[name] || [];
      delete waiting[name];  // asked again, it is loaded again
      script.remove();
      callers.forEach(function (c) { c.failed(); });
    };
    document.head.appendChild(script);
  }
  window.LR_RECORDS_PAGE = function (name, rows) {
    cache[name] = rows;
    var callers = waiting[name] || [];
    delete waiting[name];
    callers.forEach(function (c) { c.done(rows); });
  };

  var form = el("form", null, { "class": "records-filters",
    style: "display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;max-width:100%" });
  function select(label, id) {
    var wrap = el("label", label + " ", { "for": id, style: "max-width:100%;min-width:0" });
    var box = el("select", null, { id: id, style: "max-width:100%" });
    wrap.appendChild(box); form.appendChild(wrap);
    box.addEventListener("change", function () { offset = 0; show(); });
    return box;
  }
  var boxSel = select("Box", "records-box");
  var sourceSel = select("Source", "records-source");
  var reasonSel = select("Reason", "records-reason");
  var status = el("p", "Loading the records…", { "class": "records-status", "aria-live": "polite" });
  var table = el("table", null, { "class": "records-table" });
  function pager(below) {  // a nav of the pages; below: it is under the table
    var nav = el("nav", null, { "class": "records-pages", hidden: "",
      "aria-label": "Pages of the records" + (below ? " (below the table)" : "") });
    var parts = { element: nav, below: below, pick: el("select", null, { "aria-label": "Page" }) };
    var buttons = [["first", "First"], ["prev", "Previous"], ["next", "Next"], ["last", "Last"]];
    buttons.forEach(function (b) {
      parts[b[0]] = nav.appendChild(el("button", b[1], { type: "button" }));
    });
    nav.appendChild(parts.pick);
    parts.first.addEventListener("click", function () { go(0, parts); });
    parts.prev.addEventListener("click", function () { go(offset - VIEW, parts); });
    parts.next.addEventListener("click", function () { go(offset + VIEW, parts); });
    parts.last.addEventListener("click", function () { go(Infinity, parts); });  // show() stops
    parts.pick.addEventListener("change", function () {
      go(parseInt(parts.pick.value, 10) * VIEW, parts);
    });
    navs.push(parts);
    return nav;
  }
  function go(to, from) {
    offset = Math.max(0, to);
    show();
    // a control below the table: back to the top of the browser, not the bottom of the page
    if (from.below && root.getBoundingClientRect().top < 0) { root.scrollIntoView(); }
  }
  // the table scrolls inside its own focusable region, never the page (phones)
  // on a phone each record becomes a card (style sheet: .table-cards), its fields labelled
  var scroller = el("div", null, { "class": "table-scroll table-cards", role: "region", tabindex: "0",
    "aria-label": "Records of the screening ledger", style: "overflow-x:auto;max-width:100%" });
  scroller.appendChild(table);
  root.appendChild(form); root.appendChild(status); root.appendChild(pager(false));
  root.appendChild(scroller); root.appendChild(pager(true));
  document.head.appendChild(el("style",  // scoped: the Quarto backend's pages have no style of ours
    ".records-browser .records-pages{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;" +
    "margin:.5em 0}" +
    // WCAG 2.2 target size: at least 24 px tall
    ".records-browser button,.records-browser select{font:inherit;min-height:2rem;padding:.25rem .5rem;" +
    "max-width:100%;box-sizing:border-box}" +
    ".records-browser .records-pages[hidden]{display:none}" +
    "@media print{.records-browser .records-pages{display:none}}"));

  function options(sel, values) {
    var keep = sel.value;
    sel.textContent = "";
    sel.appendChild(el("option", "All", { value: "" }));
    values.forEach(function (v) { sel.appendChild(el("option", v[1], { value: v[0] })); });
    sel.value = keep;
    if (sel.value !== keep) { sel.value = ""; }
  }
  function matching() {
    var out = [];
    index.boxes.forEach(function (b) {
      if (boxSel.value && b.box !== boxSel.value) { return; }
      b.groups.forEach(function (g) {
        if (sourceSel.value && g.source !== sourceSel.value) { return; }
        if (reasonSel.value && g.reason !== reasonSel.value) { return; }
        out.push(g);
      });
    });
    return out;
  }
  function show() {
    var view = ++latest, groups = matching(), total = 0;
    groups.forEach(function (g) { total += g.count; });
    if (offset >= total) { offset = Math.max(0, total - (total % VIEW || VIEW)); }
    pages(total);
    // the page files that hold rows offset .. offset + VIEW of the matching groups
    var wanted = [], skip = offset, need = VIEW;
    groups.forEach(function (g) {
      if (need <= 0) { return; }
      if (skip >= g.count) { skip -= g.count; return; }
      var first = skip, last = Math.min(g.count, skip + need);
      for (var p = Math.floor(first / index.page_size); p * index.page_size < last; p++) {
        wanted.push({ name: g.pages[p], from: Math.max(first - p * index.page_size, 0),
                      to: Math.min(last - p * index.page_size, index.page_size) });
      }
      need -= last - first; skip = 0;
    });
    var got = 0, rows = [];
    status.textContent = "Loading…";
    if (!wanted.length) { draw([], total); return; }
    wanted.forEach(function (w, i) {
      load(w.name, function (data) {
        rows[i] = data.slice(w.from, w.to);
        got += 1;
        // a view asked for since then draws instead (its files may come sooner)
        if (got === wanted.length && view === latest) { draw([].concat.apply([], rows), total); }
      }, function () {
        if (view === latest) { status.textContent = "Could not load " + w.name + "."; }
      });
    });
  }
  function pages(total) {  // the navs of the view about to be drawn
    var count = Math.ceil(total / VIEW), page = Math.floor(offset / VIEW);
    var focused = document.activeElement;
    if (total !== listed) {
      listed = total;
      var labels = [];
      for (var p = 0; p < count; p++) {
        labels.push("Records " + number(p * VIEW + 1) + "\u2013" +
          number(Math.min(total, (p + 1) * VIEW)) + " of " + number(total));
      }
      navs.forEach(function (nav) {
        nav.pick.textContent = "";
        labels.forEach(function (label, p) {
          nav.pick.appendChild(el("option", label, { value: String(p) }));
        });
      });
    }
    navs.forEach(function (nav) {
      nav.element.hidden = count < 2;
      nav.pick.value = String(page);
      nav.first.disabled = nav.prev.disabled = page === 0;
      nav.next.disabled = nav.last.disabled = page >= count - 1;
      // a disabled button loses the focus to the top of the document: keep it in this nav
      // (without scrolling: a control below the table then goes back to the top)
      var lost = [nav.first, nav.prev, nav.next, nav.last].some(function (b) {
        return b === focused && b.disabled;
      });
      if (lost) { nav.pick.focus({ preventScroll: true }); }
    });
  }
  function draw(rows, total) {
    table.textContent = "";
    var head = el("tr"), labels = ["Record", "Title", "Year", "Source", "Decision", "Reason"];
    labels.forEach(function (h) {
      head.appendChild(el("th", h, { scope: "col" }));
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = el("tr");
      r.forEach(function (cell, i) { tr.appendChild(el("td", cell, { "data-label": labels[i] })); });
      body.appendChild(tr);
    });
    status.textContent = total ? "Records " + number(offset + 1) + "\u2013" +
      number(offset + rows.length) + " of " + number(total) + " matching."
      : "No records match these filters.";
  }
  window.LR_RECORDS_INDEX = function (data) {
    index = data;
    options(boxSel, index.boxes.map(function (b) { return [b.box, b.title]; }));
    var sources = {}, reasons = {};
    index.boxes.forEach(function (b) {
      b.groups.forEach(function (g) {
        sources[g.source] = true;
        if (g.reason) { reasons[g.reason] = true; }
      });
    });
    options(sourceSel, Object.keys(sources).sort().map(function (s) { return [s, s]; }));
    options(reasonSel, Object.keys(reasons).sort().map(function (s) { return [s, s]; }));
    var hash = window.location.hash.replace(/^#box-/, "").replace(/-/g, "_");
    if (index.boxes.some(function (b) { return b.box === hash; })) { boxSel.value = hash; }
    show();
  };
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-box]");
    if (!link || !index) { return; }
    e.preventDefault();
    boxSel.value = link.getAttribute("data-box"); sourceSel.value = ""; reasonSel.value = "";
    offset = 0; show();
    root.scrollIntoView();
  });
  document.head.appendChild(el("script", null, { src: base + "index.js" }));
})();
