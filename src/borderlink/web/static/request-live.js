// Keeps an open request page live: the server pushes an event whenever the request changes (a
// reply or an acknowledgement from the other side, an escalation), and the parts of the page
// marked data-live are read again from the server and swapped in. The reply being typed stays.
(function () {
  var root = document.getElementById("request-live");
  if (!root || !window.EventSource) { return; }
  var pending = null;
  function refresh() {
    pending = null;
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (part) {
          var replacement = fresh.getElementById(part.id);
          if (replacement) {
            part.innerHTML = replacement.innerHTML;
            part.classList.add("flash-new");
            setTimeout(function () { part.classList.remove("flash-new"); }, 1500);
          }
        });
      });
  }
  var source = new EventSource(root.getAttribute("data-stream"));
  source.addEventListener("request", function () {
    if (!pending) { pending = setTimeout(refresh, 150); }
  });
})();
