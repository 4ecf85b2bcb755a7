/* livingreview records browser: the screening ledger, page by page, filtered by PRISMA box,
   source and reason. Data files are scripts (LR_RECORDS_INDEX / LR_RECORDS_PAGE) loaded
   on demand, so the browser works from file:// too; a view loads only the page files it
   shows. Every value is set as text. Written by livingreview (prisma/records_browser.py).

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

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
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
  var nav = el("p", null, { "class": "records-pages" });
  var prev = el("button", "Previous", { type: "button" });
  var next = el("button", "Next", { type: "button" });
  nav.appendChild(prev); nav.appendChild(next);
  prev.addEventListener("click", function () { offset = Math.max(0, offset - VIEW); show(); });
  next.addEventListener("click", function () { offset += VIEW; show(); });
  // the table scrolls inside its own focusable region, never the page (phones)
  // on a phone each record becomes a card (style sheet: .table-cards), its fields labelled
  var scroller = el("div", null, { "class": "table-scroll table-cards", role: "region", tabindex: "0",
    "aria-label": "Records of the screening ledger", style: "overflow-x:auto;max-width:100%" });
  scroller.appendChild(table);
  root.appendChild(form); root.appendChild(status); root.appendChild(scroller); root.appendChild(nav);

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
    status.textContent = total ? "Records " + (offset + 1).toLocaleString() + "–" +
      (offset + rows.length).toLocaleString() + " of " + total.toLocaleString() + " matching."
      : "No records match these filters.";
    prev.disabled = offset === 0;
    next.disabled = offset + rows.length >= total;
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
