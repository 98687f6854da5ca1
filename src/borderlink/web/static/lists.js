// Lists on every page: keyboard shortcuts (j / k move between rows, Enter opens the focused row's
// link, "/" jumps to the search field), and the column names written onto each cell so that narrow
// screens can show each table row as a card (see style.css). A static file, as the
// Content-Security-Policy allows no inline script.
(function () {
  function labelCells(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table") : [];
    Array.prototype.forEach.call(tables, function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!headers.length) { return; }
      // Two columns (a name and its value) fit a phone as they are: no cards for those.
      if (headers.length <= 2) { table.classList.add("pairs"); return; }
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        var cells = row.children;
        if (cells.length !== headers.length) { return; }  // e.g. a "nothing here" row across all columns
        for (var i = 0; i < cells.length; i++) {
          if (headers[i] && !cells[i].hasAttribute("data-label")) { cells[i].setAttribute("data-label", headers[i]); }
        }
      });
    });
  }
  var hint = document.getElementById("keys-hint");
  // The row link that has the focus: a live list redrawn under it gets the focus back on the same row.
  var focusedRow = null;
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest ? event.target.closest("main table tbody tr a[href]") : null;
    focusedRow = link ? link.getAttribute("href") : null;
  });
  document.addEventListener("mousedown", function (event) {  // a click elsewhere lets go of the row
    if (!(event.target.closest && event.target.closest("main table tbody tr a[href]"))) { focusedRow = null; }
  });
  function refocus() {
    var active = document.activeElement;
    if (!focusedRow || (active && active !== document.body)) { return; }
    var again = rows().filter(function (row) {
      return row.querySelector("a[href]").getAttribute("href") === focusedRow;
    })[0];
    if (again) {
      again.classList.add("current");
      again.querySelector("a[href]").focus();
    }
  }
  labelCells(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      Array.prototype.forEach.call(change.addedNodes, function (node) {
        if (node.nodeType === 1) { labelCells(node.tagName === "TABLE" ? node.parentNode : node); }
      });
    });
    if (hint && hint.hidden && rows().length) { hint.hidden = false; }
    refocus();
  }).observe(document.body, { childList: true, subtree: true });

  function rows() {
    return Array.prototype.filter.call(document.querySelectorAll("main table tbody tr"), function (row) {
      return row.querySelector("a[href]") !== null;
    });
  }
  function typing(target) {
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  var search = document.querySelector("main input[type=search]");
  if (search) { search.setAttribute("aria-keyshortcuts", "/"); }
  if (hint && rows().length) { hint.hidden = false; }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "/") {
      var field = document.querySelector("main input[type=search]");
      if (field) { event.preventDefault(); field.focus(); field.select(); }
      return;
    }
    if (event.key !== "j" && event.key !== "k") { return; }
    var list = rows();
    if (!list.length) { return; }
    var active = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr") : null;
    var index = list.indexOf(active);
    if (index < 0) { index = list.findIndex(function (row) { return row.classList.contains("current"); }); }
    var next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)));
    list.forEach(function (row) { row.classList.remove("current"); });
    list[next].classList.add("current");
    list[next].querySelector("a[href]").focus();
    event.preventDefault();
  });
})();
