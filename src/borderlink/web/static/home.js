// The home page's work list: each deadline counts down every second, and the list is read again
// from the server whenever the unit's work feed changes (urgent.js carries the live stream).
(function () {
  var box = document.getElementById("home-items");
  if (!box) { return; }
  var status = document.getElementById("live-status");
  var offset = 0;  // the server's clock minus ours, so that every viewer counts to the same moment
  var pending = null;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function duration(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), days = Math.floor(s / 86400);
    s %= 86400;
    var text = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
    return days ? box.getAttribute("data-days").replace("%(count)s", days) + " " + text : text;
  }
  function sync() {
    var table = box.querySelector("table[data-now]");
    if (table) { offset = Date.parse(table.getAttribute("data-now")) - Date.now(); }
  }
  function tick() {
    var now = Date.now() + offset;
    box.querySelectorAll("time.countdown").forEach(function (clock) {
      var left = Date.parse(clock.getAttribute("datetime")) - now;
      var template = box.getAttribute(left >= 0 ? "data-left" : "data-overdue");
      clock.textContent = template.replace("%(time)s", duration(left));
      clock.classList.toggle("overdue", left < 0);
    });
  }
  function refresh() {
    pending = null;
    fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        box.innerHTML = html;
        sync();
        tick();
        box.classList.add("flash-new");
        setTimeout(function () { box.classList.remove("flash-new"); }, 1500);
      });
  }
  sync();
  tick();
  setInterval(tick, 1000);
  document.addEventListener("borderlink:feed", function () { if (!pending) { pending = setTimeout(refresh, 150); } });
  document.addEventListener("borderlink:live", function (event) {
    if (status) { status.textContent = status.getAttribute(event.detail === "connected" ? "data-connected" : "data-offline"); }
  });
})();
