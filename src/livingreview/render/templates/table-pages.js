/* livingreview website: a long table shown in pages (issue 19).
   Only on pages with a table marked data-rows-per-page (more rows than
   tables.rows_per_page of config/config.yaml, see render/finish.py). Progressive
   enhancement: without JavaScript, and when printed, the table is whole; the page
   always holds every row, so the site search and the browser's find still see them.

   - The study rows are cut into pages of data-rows-per-page rows, in table order.
     A group heading row (one cell across the table) shows on every page that holds
     studies of its group; on a page that starts inside a group it is marked
     "(continued)".
   - Above and below the table: Previous / Next buttons, a page list ("Studies
     51–100") and, when the table has group headings, a list that goes to the page
     where a group starts.
   - With table-tools.js (filter and sort): on its "table-tools-change" event the
     pages are made again from the rows it leaves shown (not hidden), in their current
     order, and page 1 is shown; a filter or sort that leaves no more rows than one
     page hides these controls. Group headings it hides (while sorted) are left out. */
(function () {
  "use strict";

  // A class, not the hidden attribute: the phone layout gives rows a display of their
  // own, which would override [hidden]; printing shows every row.
  var OFF = "table-page-off";

  function isGroupRow(row) {
    return row.cells.length === 1 && row.cells[0].colSpan > 1;
  }

  function text(row) {
    return row.textContent.replace(/\s+/g, " ").trim();
  }

  function number(n) {
    return n.toLocaleString("en");
  }

  function paginate(table, index) {
    var body = table.tBodies[0];
    var size = parseInt(table.getAttribute("data-rows-per-page"), 10);
    if (!body || !(size > 0)) { return; }
    var studies = [];
    var groups = [];  // {row, name, first: index in studies}
    var groupOf = [];
    var pages = 0;
    var current = 0;

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
      pages = Math.ceil(studies.length / size);
    }

    collect();
    if (studies.length <= size) { return; }
    var label = table.closest("[id^='tbl-']");
    var name = label ? (label.querySelector("figcaption") || label).textContent : "";
    name = (name.match(/^\s*(\S+\s\S+?):/) || ["", "the table"])[1];
    var box = table.closest(".table-scroll") || table;
    var navs = [];

    function range(page) {
      var first = page * size + 1;
      return number(first) + "\u2013" + number(Math.min(first + size - 1, studies.length));
    }

    function option(value, label) {
      var item = document.createElement("option");
      item.value = value;
      item.textContent = label;
      return item;
    }

    function fill(nav) {  // the page list and the group list, for the rows now paged
      nav.pick.textContent = "";
      for (var p = 0; p < pages; p += 1) {
        nav.pick.appendChild(option(String(p), "Studies " + range(p) + " of " + number(studies.length)));
      }
      nav.jump.textContent = "";
      nav.jump.appendChild(option("", "Go to group\u2026"));
      groups.forEach(function (group, g) { nav.jump.appendChild(option(String(g), group.name)); });
      nav.jump.hidden = groups.length < 2;
      nav.element.hidden = pages < 2;
    }

    function makeNav(position) {
      var nav = document.createElement("nav");
      nav.className = "table-pages";
      nav.setAttribute("aria-label", "Pages of " + name + (position ? " (below the table)" : ""));
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
      prev.addEventListener("click", function () { show(current - 1, position); });
      next.addEventListener("click", function () { show(current + 1, position); });
      pick.addEventListener("change", function () { show(parseInt(pick.value, 10), position); });
      jump.addEventListener("change", function () {
        if (jump.value === "") { return; }
        show(Math.floor(groups[parseInt(jump.value, 10)].first / size), position);
        jump.value = "";
      });
      var parts = { element: nav, prev: prev, next: next, pick: pick, jump: jump };
      navs.push(parts);
      fill(parts);
      return nav;
    }

    function show(page, position) {
      current = Math.max(0, Math.min(pages - 1, page));
      var first = current * size;
      var last = Math.min(first + size, studies.length) - 1;
      studies.forEach(function (row, i) { row.classList.toggle(OFF, i < first || i > last); });
      groups.forEach(function (group, g) {
        var shown = groupOf.slice(first, last + 1).indexOf(g) !== -1;
        group.row.classList.toggle(OFF, !shown);
        var continued = shown && group.first < first;
        if (continued) { group.row.setAttribute("data-continued", ""); }
        else { group.row.removeAttribute("data-continued"); }
      });
      navs.forEach(function (nav) {
        nav.prev.disabled = current === 0;
        nav.next.disabled = current === pages - 1;
        nav.pick.value = String(current);
      });
      if (position) {  // a control below the table: go back to the table's top
        var top = box.getBoundingClientRect().top;
        if (top < 0) { box.scrollIntoView(); }
      }
    }

    box.parentNode.insertBefore(makeNav(0), box);
    box.parentNode.insertBefore(makeNav(1), box.nextSibling);
    table.classList.add("table-paged");
    table.addEventListener("table-tools-change", function () {
      Array.prototype.forEach.call(body.rows, function (row) { row.removeAttribute("data-continued"); });
      collect();
      navs.forEach(fill);
      show(0, 0);
    });
    show(0, 0);
  }

  var css = document.createElement("style");
  css.textContent = ".table-pages{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.5em 0}" +
    ".table-pages button,.table-pages select{font:inherit;max-width:100%}" +
    "tr[data-continued] td::after{content:' (continued)';font-weight:normal}" +
    "@media screen{table.table-paged tr." + OFF + "{display:none!important}}" +
    ".table-pages[hidden],.table-pages select[hidden]{display:none}" +
    "@media print{.table-pages{display:none}}";
  document.head.appendChild(css);

  Array.prototype.forEach.call(document.querySelectorAll("table[data-rows-per-page]"), paginate);
})();
