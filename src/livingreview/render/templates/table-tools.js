/* livingreview website: sortable and filterable study tables.
   Progressive enhancement: without JavaScript the table stays a plain, complete table.
   Works offline (no dependencies, no network). Enhances #tbl-characteristics and any
   table with class "table-tools" (or inside an element with that class).

   - Filter: a text box shows only the study rows containing every word typed, and a
     select shows one diagnosis group (taken from the full-width group heading rows).
   - Sort: each column heading becomes a button; clicks cycle ascending, descending and
     the original grouped order. A "Sort by" list does the same (ascending) and is the
     way to sort on a phone, where the table's headings are not shown. While sorted, group heading rows are hidden and each
     row shows its group in a data attribute. Numbers sort as numbers; "–" sorts last.
   - The study table is found by its float's id (the renderer puts id="tbl-characteristics"
     on the div around the table, not on the table). The controls go above the table's
     scroll region, so they never scroll sideways with a wide table.
   - With pages.js (a table over tables.rows_per_page rows): after every filter or
     sort this script sends a "table-tools-change" event on the table; the paging then
     pages only the rows left shown, in their current order, and starts at page 1. A
     filtered-out row is hidden (the hidden attribute, kept hidden in the phone's card
     layout too); a row on another page is hidden by pages.js's own class.
   - A link to a study's row (#study-glue-2017, the site search's results) that the
     filter hides clears the filter, so the row shows (pages.js then shows its page). */
(function () {
  "use strict";

  var MISSING = "\u2013";

  function cellText(cell) {
    return (cell ? cell.textContent : "").replace(/\s+/g, " ").trim();
  }

  function isGroupRow(row) {
    return row.cells.length === 1 && row.cells[0].colSpan > 1;
  }

  function sortKey(text) {
    if (!text || text === MISSING) { return { missing: true, num: NaN, text: "" }; }
    var match = text.match(/^[≥<>~]?\s*(\d+(?:[.,]\d+)*)/);
    var num = match ? parseFloat(match[1].replace(/,/g, "")) : NaN;
    return { missing: false, num: num, text: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.missing !== b.missing) { return a.missing ? 1 : -1; }
    if (!isNaN(a.num) && !isNaN(b.num) && a.num !== b.num) { return a.num - b.num; }
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }

  function enhance(table, index) {
    var body = table.tBodies[0];
    var head = table.tHead;
    if (!body || !head || !head.rows.length) { return; }
    var original = Array.prototype.slice.call(body.rows);
    var group = "";
    var groups = [];
    original.forEach(function (row) {
      if (isGroupRow(row)) {
        group = cellText(row);
        groups.push(group);
        row.setAttribute("data-group-heading", group);
      } else {
        row.setAttribute("data-group", group);
      }
    });
    var studies = original.filter(function (row) { return !isGroupRow(row); });
    var state = { column: -1, direction: 0 };

    var tools = document.createElement("div");
    tools.className = "table-tools";
    var id = (table.id || "table-" + index) + "-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = "Filter studies";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    tools.appendChild(label);
    tools.appendChild(input);
    var select = null;
    if (groups.length > 1) {
      select = document.createElement("select");
      select.id = id + "-group";
      select.setAttribute("aria-label", "Diagnosis group");
      [["", "All groups"]].concat(groups.map(function (g) { return [g, g]; })).forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        select.appendChild(option);
      });
      tools.appendChild(select);
    }
    // the same sort as the heading buttons, for the phone's cards (headings not shown)
    var sorter = document.createElement("select");
    sorter.id = id + "-sort";
    sorter.setAttribute("aria-label", "Sort studies by");
    var columns = Array.prototype.map.call(head.rows[0].cells, cellText);
    [["", "Table order"]].concat(columns.map(function (c, i) { return [String(i), "Sort by " + c]; }))
      .forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        sorter.appendChild(option);
      });
    tools.appendChild(sorter);
    var status = document.createElement("p");
    status.className = "table-tools-status";
    status.setAttribute("aria-live", "polite");
    tools.appendChild(status);
    var box = table.closest(".table-scroll") || table;
    box.parentNode.insertBefore(tools, box);

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var wanted = select ? select.value : "";
      var shown = 0;
      var visibleGroups = {};
      studies.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = (!wanted || row.getAttribute("data-group") === wanted) &&
          words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) { shown += 1; visibleGroups[row.getAttribute("data-group")] = true; }
      });
      original.forEach(function (row) {
        if (isGroupRow(row)) {
          row.hidden = state.direction !== 0 || !visibleGroups[row.getAttribute("data-group-heading")];
        }
      });
      status.textContent = shown.toLocaleString("en") + " of " + studies.length.toLocaleString("en") + " studies shown";
      var event = document.createEvent("Event");
      event.initEvent("table-tools-change", false, false);
      table.dispatchEvent(event);
    }

    function order() {
      var rows = original;
      if (state.direction !== 0) {
        var column = state.column;
        rows = studies.slice().sort(function (a, b) {
          var result = compare(sortKey(cellText(a.cells[column])), sortKey(cellText(b.cells[column])));
          return state.direction * result || studies.indexOf(a) - studies.indexOf(b);
        });
      }
      rows.forEach(function (row) { body.appendChild(row); });
      sorter.value = state.direction !== 0 ? String(state.column) : "";
      Array.prototype.forEach.call(head.rows[0].cells, function (th, i) {
        var sorted = i === state.column && state.direction !== 0;
        th.setAttribute("aria-sort", sorted ? (state.direction > 0 ? "ascending" : "descending") : "none");
      });
      apply();
    }

    Array.prototype.forEach.call(head.rows[0].cells, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        if (state.column !== i) { state.column = i; state.direction = 1; }
        else { state.direction = state.direction === 1 ? -1 : state.direction === -1 ? 0 : 1; }
        order();
      });
    });
    sorter.addEventListener("change", function () {
      state.column = sorter.value === "" ? -1 : parseInt(sorter.value, 10);
      state.direction = sorter.value === "" ? 0 : 1;
      order();
    });
    input.addEventListener("input", apply);
    if (select) { select.addEventListener("change", apply); }
    window.addEventListener("hashchange", function () {  // before pages.js's: added first
      var id = "";
      try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
      var target = id && document.getElementById(id);
      var row = target && target.closest("tr");
      if (!row || row.parentNode !== body || !row.hidden) { return; }
      input.value = "";
      if (select) { select.value = ""; }
      apply();
    });
    table.classList.add("table-tools-enhanced");
    apply();
  }

  var css = document.createElement("style");
  css.textContent = ".table-tools{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.5em 0}" +
    ".table-tools-status{margin:0;font-size:.9em}" +
    ".sort-button{font:inherit;font-weight:bold;color:inherit;background:none;border:0;padding:0;" +
    "text-align:left;cursor:pointer}" +
    ".table-tools input,.table-tools select{font:inherit;max-width:100%;min-width:0;box-sizing:border-box}" +
    "table.table-tools-enhanced tr[hidden]{display:none!important}" +
    "th[aria-sort=ascending] .sort-button::after{content:' \\25B2'}" +
    "th[aria-sort=descending] .sort-button::after{content:' \\25BC'}";
  document.head.appendChild(css);

  var tables = document.querySelectorAll(
    "table#tbl-characteristics, #tbl-characteristics table, table.table-tools, .table-tools table");
  Array.prototype.forEach.call(tables, enhance);
})();
