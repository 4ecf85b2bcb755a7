/* livingreview website: chapter menu on narrow screens and offline full-text search.
   The search index is a plain script (search-index.js) rather than JSON loaded over the network
   file, so search also works when the pages are opened from file://. It is loaded only when
   the reader first uses the search box, so pages open without it. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  document.documentElement.classList.add("js");

  var toggle = document.querySelector(".nav-toggle");
  var sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    toggle.hidden = !window.matchMedia("(max-width: 48rem)").matches;
    window.matchMedia("(max-width: 48rem)").addEventListener("change", function (e) {
      toggle.hidden = !e.matches;
    });
    toggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Figures enlarge on click (and with Enter/Space) and close on a second click or Escape.
  Array.prototype.forEach.call(document.querySelectorAll("figure img"), function (img) {
    var figure = img.closest("figure");
    img.tabIndex = 0;
    img.setAttribute("role", "button");
    img.setAttribute("aria-label", "Enlarge figure: " + (img.alt || ""));
    function toggleZoom() {
      var zoomed = !figure.classList.contains("zoomed");
      if (figure.lrZoom) { figure.lrZoom(zoomed); } else { figure.classList.toggle("zoomed", zoomed); }
      img.setAttribute("aria-expanded", zoomed ? "true" : "false");
    }
    img.addEventListener("click", toggleZoom);
    img.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggleZoom(); }
      if (e.key === "Escape" && figure.classList.contains("zoomed")) { toggleZoom(); }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("figure.zoomed"), function (f) {
      if (f.lrZoom) { f.lrZoom(false); } else { f.classList.remove("zoomed"); }
    });
  });

  // A figure fits the column; on a phone its type may then be small, so a button above it
  // shows it enlarged, full screen, scrolling both ways. The flow diagram (an SVG whose
  // boxes are links, which keep working) always has one there; an <img> figure has one
  // when it is shown narrower than ENLARGE times its own width, and is enlarged to that
  // width: figure type is at least 7 pt (9.3 px) at a figure's own size, so 11 px or more.
  var narrow = window.matchMedia("(max-width: 48rem)");
  var ENLARGE = 1.2;
  function enlargeButton(figure, needed, enlarged) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "figure-enlarge";
    button.setAttribute("aria-expanded", "false");
    function zoom(zoomed) {
      figure.classList.toggle("zoomed", zoomed);
      enlarged(zoomed);
      button.setAttribute("aria-expanded", zoomed ? "true" : "false");
      button.textContent = zoomed ? "Close the enlarged figure" : "Enlarge the figure";
      button.hidden = !zoomed && !(narrow.matches && needed());
    }
    zoom(false);
    narrow.addEventListener("change", function () { zoom(figure.classList.contains("zoomed")); });
    figure.tabIndex = -1;  // the enlarged figure scrolls with the arrow keys
    button.addEventListener("click", function () {
      zoom(!figure.classList.contains("zoomed"));
      if (figure.classList.contains("zoomed")) { figure.focus(); }
    });
    document.addEventListener("keydown", function (e) {
      // (the page's own Escape handler may have taken the class off already)
      if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        zoom(false);
        button.focus();
      }
    });
    figure.insertBefore(button, figure.firstChild);
    return zoom;
  }
  Array.prototype.forEach.call(document.querySelectorAll("svg.linked-figure"), function (svg) {
    var figure = svg.closest("figure");
    if (!figure) { return; }
    enlargeButton(figure, function () { return true; }, function () {});
  });
  Array.prototype.forEach.call(document.querySelectorAll("figure img"), function (img) {
    var figure = img.closest("figure");
    if (figure.querySelectorAll("img").length !== 1) { return; }
    var written = img.style.width;
    var zoom = enlargeButton(figure, function () {
      return img.naturalWidth > 0 && img.clientWidth < ENLARGE * img.naturalWidth - 1;
    }, function (zoomed) {
      img.style.width = zoomed && img.naturalWidth ? Math.ceil(ENLARGE * img.naturalWidth) + "px" : written;
    });
    figure.lrZoom = zoom;  // a tap on the image, Enter and Escape go through it too
    function measured() { zoom(figure.classList.contains("zoomed")); }
    if (img.complete) { measured(); } else { img.addEventListener("load", measured); }
  });

  // Wide tables and "cards" tables: each cell carries its column heading, shown as a
  // label when the table becomes one card per row on a phone.
  Array.prototype.forEach.call(document.querySelectorAll(".table-cards > table"), function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) { return; }
    var labels = Array.prototype.map.call(head.cells, function (c) {
      return c.textContent.replace(/\s+/g, " ").trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length === 1 && row.cells[0].colSpan > 1) {
          row.setAttribute("data-group-heading", row.textContent.trim());
          return;
        }
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (labels[i]) { cell.setAttribute("data-label", labels[i]); }
        });
      });
    });
  });

  // A table wider than its region (its columns never narrower than their longest word)
  // scrolls sideways: a line right above it says so while it does.
  var scrollers = document.querySelectorAll(".table-scroll");
  function markScrollable() {
    Array.prototype.forEach.call(scrollers, function (region) {
      if (!region.scrollHint) {
        region.scrollHint = document.createElement("p");
        region.scrollHint.className = "scroll-hint";
        region.scrollHint.textContent = "Scroll sideways to see every column \u2192";
        region.parentNode.insertBefore(region.scrollHint, region);
      }
      region.scrollHint.hidden = region.scrollWidth <= region.clientWidth + 1;
    });
  }
  // after load: the table tools put their controls above the region first
  window.addEventListener("load", markScrollable);
  window.addEventListener("resize", markScrollable);

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var index = null, loading = [];
  if (!input || !list) { return; }

  function withIndex(then) {
    if (index) { then(); return; }
    loading.push(then);
    if (loading.length > 1) { return; }
    var script = document.createElement("script");
    script.src = root + "site_libs/livingreview/search-index.js";
    script.onload = function () {
      index = window.LR_SEARCH_INDEX || [];
      loading.splice(0).forEach(function (f) { f(); });
    };
    script.onerror = function () { if (status) { status.textContent = "Search is unavailable."; } };
    document.head.appendChild(script);
  }

  // Text as search compares it: lower case, accents dropped, typographic quotes plain
  // ("Müller" finds "Muller", "O'Brien" finds "O’Brien"), one character for one, so
  // that a place found in the folded text is the same place in the text.
  function fold(text) {
    return text.toLowerCase().replace(/[^\x00-\x7f]/g, function (c) {
      if (c === "\u2018" || c === "\u2019") { return "'"; }
      if (c === "\u201c" || c === "\u201d") { return '"'; }
      var base = c.normalize ? c.normalize("NFD").charAt(0) : c;
      return base || c;
    });
  }

  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 1; });
  }

  // The part of an entry's text around the first place a query word occurs (its start
  // when only the title matched), about SNIPPET characters cut at spaces: of the words'
  // first places, the one with the most of the query's words near it ("Synthetic
  // 2022an" shows the study, not the first of a thousand "synthetic"s).
  var SNIPPET = 180;
  function snippet(text, words) {
    var lower = fold(text);
    var at = -1, best = 0;
    words.forEach(function (w) {
      var i = lower.indexOf(w);
      if (i === -1) { return; }
      var near = lower.slice(Math.max(0, i - 60), i + SNIPPET - 60);
      var found = words.filter(function (v) { return near.indexOf(v) !== -1; }).length;
      if (found > best || (found === best && i < at)) { at = i; best = found; }
    });
    var start = Math.max(0, at - 60);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space !== -1 && space < at ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var last = text.lastIndexOf(" ", end);
      end = last > Math.max(start, at) ? last : end;
    }
    return (start > 0 ? "\u2026" : "") + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  // Every occurrence of every query word marked (the longest word first where two overlap).
  function appendHighlighted(parent, text, words) {
    var sorted = words.slice().sort(function (a, b) { return b.length - a.length; });
    var pattern = sorted.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|");
    var pos = 0;
    if (pattern) {
      var re = new RegExp(pattern, "g");
      var folded = fold(text), match;
      while ((match = re.exec(folded)) !== null) {
        parent.appendChild(document.createTextNode(text.slice(pos, match.index)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(match.index, match.index + match[0].length);
        parent.appendChild(mark);
        pos = match.index + match[0].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  // At most SHOWN results, of which at most STUDIES rows of studies: a word that a
  // thousand study rows hold ("synthetic", "PTSD") must not push the prose out of the
  // list. Equal scores list the prose first.
  var SHOWN = 20, STUDIES = 10;
  function search(query) {
    var words = terms(query);
    if (!words.length) { return { hits: [], matched: 0 }; }
    var hits = [];
    index.forEach(function (entry, order) {
      // a study's row (entry.in: the table it is in) ranks by its label: the table's
      // name counts as text, so searching "characteristics" does not list every study
      var title = fold(entry.title);
      var text = fold(entry.text) + (entry["in"] ? " " + fold(entry["in"]) : "");
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = title.indexOf(words[i]) !== -1;
        var inText = text.indexOf(words[i]) !== -1;
        if (!inTitle && !inText) { return; }
        score += (inTitle ? 10 : 0) + (inText ? 1 : 0);
      }
      hits.push({ entry: entry, score: score, study: entry["in"] ? 1 : 0, order: order });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.study - b.study || a.order - b.order; });
    var shown = [], studies = 0;
    hits.forEach(function (hit) {
      if (shown.length === SHOWN || (hit.study && studies === STUDIES)) { return; }
      studies += hit.study;
      shown.push(hit);
    });
    return { hits: shown, matched: hits.length };
  }

  function show(query) {
    var found = search(query), hits = found.hits;
    list.textContent = "";
    list.hidden = !query.trim();
    status.textContent = !query.trim() ? "" : hits.length < found.matched
      ? hits.length + " of " + found.matched.toLocaleString("en") + " results shown"
      : hits.length + " result(s)";
    var words = terms(query);
    if (query.trim() && !hits.length) {
      var none = document.createElement("li");
      none.className = "no-results";
      none.textContent = "No results";
      list.appendChild(none);
    }
    hits.forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + hit.entry.url;
      var t = document.createElement("span");
      t.className = "result-title";
      appendHighlighted(t, hit.entry.title + (hit.entry["in"] ? " \u2014 " + hit.entry["in"] : ""), words);
      var s = document.createElement("span");
      s.className = "result-snippet";
      appendHighlighted(s, snippet(hit.entry.text, words), words);
      a.appendChild(t);
      a.appendChild(s);
      a.addEventListener("click", function () { list.hidden = true; });
      li.appendChild(a);
      list.appendChild(li);
    });
  }

  // A link to the place the address already names (the same search result followed
  // again, after paging the table away from its row) changes no hash, so no
  // "hashchange" tells pages.js to show that place again: this one does.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[href]");
    if (!link || !link.hash || e.defaultPrevented || link.href !== window.location.href) { return; }
    window.setTimeout(function () { window.dispatchEvent(new HashChangeEvent("hashchange")); }, 0);
  });

  input.addEventListener("input", function () { withIndex(function () { show(input.value); }); });
  var preset = new URLSearchParams(window.location.search).get("q");
  if (preset) { input.value = preset; withIndex(function () { show(preset); }); }
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; show(""); }
    if (e.key === "Enter") {
      var top = list.querySelector("a");
      if (top) { e.preventDefault(); top.click(); }
    }
    if (e.key === "ArrowDown") {
      var first = list.querySelector("a");
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  document.addEventListener("click", function (e) {
    if (!list.hidden && !e.target.closest(".search")) { list.hidden = true; }
  });
  input.addEventListener("focus", function () {
    withIndex(function () { if (input.value.trim()) { show(input.value); } });
  });
  list.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var i = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
    if (e.key === "Escape") { input.focus(); input.value = ""; show(""); }
  });
})();
