// Keeps the hotline inbox live: the server pushes an event whenever a request in one of the
// viewer's inboxes changes, and the table is fetched again with the current filters.
(function () {
  var list = document.getElementById("inbox-list");
  if (!list || !window.EventSource) { return; }
  var status = document.getElementById("live-status");
  var badge = document.getElementById("unread-badge");
  var pending = null;
  function refresh() {
    pending = null;
    var query = window.location.search || "";
    fetch(list.getAttribute("data-source") + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        list.innerHTML = html;
        var table = list.querySelector("table[data-unread]");
        if (table && badge) { badge.textContent = table.getAttribute("data-unread"); }
        list.classList.add("flash-new");
        setTimeout(function () { list.classList.remove("flash-new"); }, 1500);
      });
  }
  var below = new URLSearchParams(window.location.search).get("include_below") === "1" ? "?include_below=1" : "";
  var source = new EventSource("/hotline/stream" + below);
  source.addEventListener("open", function () { if (status) { status.textContent = status.getAttribute("data-connected"); } });
  source.addEventListener("error", function () { if (status) { status.textContent = status.getAttribute("data-offline"); } });
  source.addEventListener("request", function () {
    if (!pending) { pending = setTimeout(refresh, 150); }
  });
})();
