/* livingreview website: a long table or a figure in parts shown one page at a time
   (issue 19). Only on pages with a table marked data-rows-per-page (more rows than
   tables.rows_per_page of config/config.yaml, see render/finish.py) or a figure of
   class figure-parts (more studies than figures.studies_per_part, figures/parts.py).
   Progressive enhancement: without JavaScript, and when printed, the table and the
   figure are whole; the page always holds every row and every part, so the site
   search and the browser's find still see them.

   Both use one pager, above and below what it pages: Previous / Next buttons, a
   page list ("Studies 51–100 of 1,000") and, when there are groups, a list that
   goes to the page where a group starts.

   A table:
   - The study rows are cut into pages of data-rows-per-page rows, in table order.
     A group heading row (one cell across the table) shows on every page that holds
     studies of its group; on a page that starts inside a group it is marked
     "(continued)".
   - With table-tools.js (filter and sort): on its "table-tools-change" event the
     pages are made again from the rows it leaves shown (not hidden), in their current
     order, and page 1 is shown; a filter or sort that leaves no more rows than one
     page hides these controls. Group headings it hides (while sorted) are left out.
   - A link to a row (#study-glue-2017, render/study_rows.py: the site search's
     results), or to anything in it, shows the page that holds the row and scrolls to
     it, when the page opens and when the link is followed on the page; the style
     sheet marks the row (:target).

   A figure in parts: a page is one part (a subfigure, "(b) Studies 26–50 of 1,000"),
   listed by its caption without the letter; a figure grouped by diagnosis
   (figures/parts.py, data-groups) can go to the part where a group starts. The
   figure's number and caption stay under it. The images of later parts are written with loading="lazy" (render/
   floats.py), so a hidden part's image loads when the part is shown. A link to a
   part (#fig-x-3) shows that part.

   Loaded in the page's head: its style sheet hides the parts after the first before
   the page is first laid out (else the browser may fetch their images while they
   are still shown), and the rows of a table to be paged until its pages are made
   (a phone laid 10,000 rows out as cards first: 80 s). The pages are made once the
   page is read (DOMContentLoaded, after table-tools.js). If this script does not
   load, every part and every row shows. */
(function () {
  "use strict";

  // Classes, not the hidden attribute: the phone layout gives rows a display of their
  // own, and layout rows are flex boxes, which would override [hidden]; printing shows
  // every row and every part.
  var OFF = "table-page-off";
  var PART_OFF = "figure-part-off";
  var READY = "table-pages-ready";  // paged, or found not to need it: its rows may show

  function text(node) {
    return node.textContent.replace(/\s+/g, " ").trim();
  }

  function number(n) {
    return n.toLocaleString("en");
  }

  function option(value, label) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = label;
    return item;
  }

  // "Table 1.3" / "Figure 1.2" from the float's caption ("Figure 1.2: ...")
  function floatName(caption, fallback) {
    return ((caption ? text(caption) : "").match(/^(\S+\s\S+?):/) || ["", fallback])[1];
  }

  /* The pager of one table or figure. what: "table" or "figure"; name: "Table 1.3";
     box: the element a control below goes back to the top of; show(page): shows that
     page. fill(labels, groups) gives the pages' labels and the groups ({name, page}). */
  function Pager(what, name, box, show) {
    this.what = what;
    this.name = name;
    this.box = box;
    this.showPage = show;
    this.navs = [];
    this.labels = [];
    this.groups = [];
    this.current = 0;
  }

  Pager.prototype.nav = function (position) {
    var self = this;
    var nav = document.createElement("nav");
    nav.className = this.what + "-pages";
    nav.setAttribute("aria-label", "Pages of " + this.name + (position ? " (below the " + this.what + ")" : ""));
    var prev = document.createElement("button");
    prev.type = "button";
    prev.textContent = "Previous";
    var next = document.createElement("button");
    next.type = "button";
    next.textContent = "Next";
    var pick = document.createElement("select");
    pick.setAttribute("aria-label", "Page");
    var jump = document.createElement("select");
    jump.setAttribute("aria-label", "Go to group");
    nav.appendChild(prev);
    nav.appendChild(next);
    nav.appendChild(pick);
    nav.appendChild(jump);
    prev.addEventListener("click", function () { self.show(self.current - 1, position); });
    next.addEventListener("click", function () { self.show(self.current + 1, position); });
    pick.addEventListener("change", function () { self.show(parseInt(pick.value, 10), position); });
    jump.addEventListener("change", function () {
      if (jump.value === "") { return; }
      self.show(self.groups[parseInt(jump.value, 10)].page, position);
      jump.value = "";
    });
    var parts = { element: nav, prev: prev, next: next, pick: pick, jump: jump };
    this.navs.push(parts);
    this.fillNav(parts);
    return nav;
  };

  Pager.prototype.fillNav = function (nav) {  // the page list and the group list
    nav.pick.textContent = "";
    this.labels.forEach(function (label, p) { nav.pick.appendChild(option(String(p), label)); });
    nav.jump.textContent = "";
    nav.jump.appendChild(option("", "Go to group\u2026"));
    this.groups.forEach(function (group, g) { nav.jump.appendChild(option(String(g), group.name)); });
    nav.jump.hidden = this.groups.length < 2;
    nav.element.hidden = this.labels.length < 2;
  };

  Pager.prototype.fill = function (labels, groups) {
    this.labels = labels;
    this.groups = groups;
    this.navs.forEach(this.fillNav, this);
  };

  Pager.prototype.show = function (page, position) {
    var self = this;
    this.current = Math.max(0, Math.min(this.labels.length - 1, page));
    this.showPage(this.current);
    this.navs.forEach(function (nav) {
      nav.prev.disabled = self.current === 0;
      nav.next.disabled = self.current === self.labels.length - 1;
      nav.pick.value = String(self.current);
    });
    if (position) {  // a control below: go back to the top of what it pages
      var top = this.box.getBoundingClientRect().top;
      if (top < 0) { this.box.scrollIntoView(); }
    }
  };

  // ------------------------------------------------------------------ tables

  function isGroupRow(row) {
    return row.cells.length === 1 && row.cells[0].colSpan > 1;
  }

  function paginate(table) {
    var body = table.tBodies[0];
    var size = parseInt(table.getAttribute("data-rows-per-page"), 10);
    if (!body || !(size > 0)) { return; }
    var studies = [];
    var groups = [];  // {row, name, first: index in studies}
    var groupOf = [];

    function collect() {  // the rows shown (not filtered out), in table order
      studies = [];
      groups = [];
      groupOf = [];
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.hidden) { row.classList.remove(OFF); return; }
        if (isGroupRow(row)) {
          groups.push({ row: row, name: text(row), first: studies.length });
        } else {
          groupOf.push(groups.length - 1);
          studies.push(row);
        }
      });
    }

    function labels() {  // "Studies 51–100 of 1,000" per page
      var out = [];
      for (var first = 1; first <= studies.length; first += size) {
        var last = Math.min(first + size - 1, studies.length);
        out.push("Studies " + number(first) + "\u2013" + number(last) + " of " + number(studies.length));
      }
      return out;
    }

    function pagedGroups() {
      return groups.map(function (group) {
        return { name: group.name, page: Math.floor(group.first / size) };
      });
    }

    function show(page) {
      var first = page * size;
      var last = Math.min(first + size, studies.length) - 1;
      studies.forEach(function (row, i) { row.classList.toggle(OFF, i < first || i > last); });
      groups.forEach(function (group, g) {
        var shown = groupOf.slice(first, last + 1).indexOf(g) !== -1;
        group.row.classList.toggle(OFF, !shown);
        var continued = shown && group.first < first;
        if (continued) { group.row.setAttribute("data-continued", ""); }
        else { group.row.removeAttribute("data-continued"); }
      });
    }

    collect();
    if (studies.length <= size) { return; }
    var label = table.closest("[id^='tbl-']");
    var name = floatName(label ? label.querySelector("figcaption") || label : null, "the table");
    var box = table.closest(".table-scroll") || table;
    var pager = new Pager("table", name, box, show);
    pager.fill(labels(), pagedGroups());
    box.parentNode.insertBefore(pager.nav(0), box);
    box.parentNode.insertBefore(pager.nav(1), box.nextSibling);
    table.classList.add("table-paged");
    table.addEventListener("table-tools-change", function () {
      Array.prototype.forEach.call(body.rows, function (row) { row.removeAttribute("data-continued"); });
      collect();
      pager.fill(labels(), pagedGroups());
      pager.show(0, 0);
    });

    function fromLink() {  // #study-x (a row, or anything in it): show its page
      var target = linked();
      var row = target && target.closest("tr");
      var at = row && row.parentNode === body ? studies.indexOf(row) : -1;
      if (at === -1) { return; }
      pager.show(Math.floor(at / size), 0);
      row.scrollIntoView();  // under the style sheet's scroll-margin, as the browser's own
    }

    pager.show(0, 0);
    fromLink();
    window.addEventListener("hashchange", fromLink);
  }

  function linked() {  // the element the location's #fragment names, if any
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return null; }
    return id ? document.getElementById(id) : null;
  }

  // ----------------------------------------------------------------- figures

  function pageFigure(panel) {
    var figure = panel.querySelector(":scope > figure");
    var parts = figure ? figure.querySelectorAll(":scope > div > .quarto-layout-row") : [];
    parts = Array.prototype.slice.call(parts);
    if (parts.length < 2) { return; }
    var labels = parts.map(function (part, p) {
      var caption = part.querySelector("figcaption");
      // "(b) Studies 26–50 of 1,000" is listed as "Studies 26–50 of 1,000"
      return caption ? text(caption).replace(/^\([^)]*\)\s*/, "") : "Part " + number(p + 1);
    });
    var groups = [];  // data-groups of a part's image: the groups that start in it
    parts.forEach(function (part, p) {
      var image = part.querySelector("img[data-groups]");
      (image ? image.getAttribute("data-groups").split(" ") : []).forEach(function (group) {
        groups.push({ name: decodeURIComponent(group), page: p });
      });
    });
    var name = floatName(figure.querySelector(":scope > figcaption"), "the figure");
    var pager = new Pager("figure", name, panel, function (page) {
      parts.forEach(function (part, p) { part.classList.toggle(PART_OFF, p !== page); });
    });
    pager.fill(labels, groups);
    parts[0].parentNode.insertBefore(pager.nav(0), parts[0]);
    var last = parts[parts.length - 1];
    last.parentNode.insertBefore(pager.nav(1), last.nextSibling);
    panel.classList.add("figure-paged");

    function fromLink() {  // #fig-x-3 (a part, or anything in it): show that part
      var target = linked();
      if (!target) { return; }
      parts.forEach(function (part, p) {
        if (part.contains(target) && p !== pager.current) {
          pager.show(p, 0);
          target.scrollIntoView();
        }
      });
    }

    pager.show(0, 0);
    fromLink();
    window.addEventListener("hashchange", fromLink);
  }

  var css = document.createElement("style");
  css.textContent = ".table-pages,.figure-pages{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.5em 0}" +
    ".table-pages button,.table-pages select,.figure-pages button,.figure-pages select{font:inherit;max-width:100%}" +
    "tr[data-continued] td::after{content:' (continued)';font-weight:normal}" +
    "@media screen{table.table-paged tr." + OFF + ",.figure-paged ." + PART_OFF + "{display:none!important}" +
    ".figure-parts:not(.figure-paged) .quarto-layout-row~.quarto-layout-row{display:none}" +
    "table[data-rows-per-page]:not(." + READY + ")>tbody>tr{display:none}}" +
    ".table-pages[hidden],.table-pages select[hidden],.figure-pages[hidden],.figure-pages select[hidden]{display:none}" +
    "@media print{.table-pages,.figure-pages{display:none}}";
  document.head.appendChild(css);

  function start() {
    var failure = null;  // a table that fails shows every row; the others still get pages
    Array.prototype.forEach.call(document.querySelectorAll("table[data-rows-per-page]"), function (table) {
      try { paginate(table); } catch (error) { failure = failure || error; }
      table.classList.add(READY);
    });
    Array.prototype.forEach.call(document.querySelectorAll("div.figure-parts.quarto-layout-panel"), pageFigure);
    if (failure) { throw failure; }  // still reported, as a page error
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
