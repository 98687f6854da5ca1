// Keeps an open object page live: the server pushes an event whenever the object changes (a
// reply or an acknowledgement from the other side, an escalation, a confirmation at the gate), and
// the parts of the page marked data-live are read again from the server and swapped in. What is
// being typed in a form outside them stays. A request page names its stream in data-stream on
// #request-live; other pages in data-live-stream, with the event's name in data-live-event.
(function () {
  var root = document.getElementById("request-live") || document.querySelector("[data-live-stream]");
  if (!root || !window.EventSource) { return; }
  var stream = root.getAttribute("data-stream") || root.getAttribute("data-live-stream");
  var eventName = root.getAttribute("data-live-event") || "request";
  var pending = null;
  // The page as it is shown (a dashboard's chosen gate stays chosen), without a one-time notice.
  function pageAddress() {
    var query = new URLSearchParams(window.location.search);
    query.delete("done");
    var search = query.toString();
    return window.location.pathname + (search ? "?" + search : "");
  }
  function refresh() {
    pending = null;
    fetch(pageAddress(), { credentials: "same-origin" })
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
  var source = new EventSource(stream);
  source.addEventListener(eventName, function () {
    if (!pending) { pending = setTimeout(refresh, 150); }
  });
})();
