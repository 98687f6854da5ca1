// Urgent work is unmissable on every page: a banner names the unit's unread urgent items, the tab
// title counts them, and, once the user has opted in, a browser notification and a short sound
// announce each new one. The page follows the unit's live work feed (one stream per page) and
// tells other scripts of each change with a "borderlink:feed" event.
(function () {
  var banner = document.getElementById("urgent-banner");
  if (!banner) { return; }
  var text = banner.querySelector(".urgent-text");
  var link = banner.querySelector(".urgent-link");
  var toggle = document.querySelector(".alerts-toggle");
  var baseTitle = document.title;
  var SEEN = "bl-urgent-seen", OPTED = "bl-urgent-alerts";
  var pending = null;

  function optedIn() { return window.localStorage.getItem(OPTED) === "on"; }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var context = beep.context || (beep.context = new Context());
      if (context.state === "suspended" && context.resume) { context.resume().catch(function () {}); }
      var tone = context.createOscillator(), gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.15;
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.35);
      window.borderlinkBeeps = (window.borderlinkBeeps || 0) + 1;
    } catch (ignored) { /* no sound device: the banner and the notification remain */ }
  }

  function announce(item) {
    beep();
    if (!("Notification" in window) || window.Notification.permission !== "granted") { return; }
    var note = new window.Notification(item.title, { body: item.detail || "", tag: item.key });
    note.onclick = function () { window.focus(); window.location.href = item.href; };
  }

  function show(summary) {
    var count = summary.count;
    document.title = count ? "(" + count + "!) " + baseTitle : baseTitle;
    if (!count) { banner.hidden = true; return; }
    var first = summary.items[0];
    var template = count === 1 ? banner.getAttribute("data-one") : banner.getAttribute("data-many");
    text.textContent = template.replace("%(count)s", count).replace("%(title)s", first ? first.title : "");
    link.setAttribute("href", count === 1 && first ? first.href : "/");
    banner.hidden = false;
  }

  function check() {
    pending = null;
    fetch(banner.getAttribute("data-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (summary) {
        if (!summary) { return; }
        show(summary);
        var stored = window.sessionStorage.getItem(SEEN);
        var seen = stored ? JSON.parse(stored) : null;
        var keys = summary.items.map(function (item) { return item.key; });
        if (seen !== null && optedIn()) {
          summary.items.forEach(function (item) { if (seen.indexOf(item.key) < 0) { announce(item); } });
        }
        window.sessionStorage.setItem(SEEN, JSON.stringify(keys.concat(seen || []).slice(0, 200)));
      })
      .catch(function () { /* offline: the next change or reload tries again */ });
  }

  function label() {
    if (!toggle) { return; }
    var on = optedIn();
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = toggle.getAttribute(on ? "data-on" : "data-off");
  }
  if (toggle && ("Notification" in window || window.AudioContext)) {
    toggle.hidden = false;
    label();
    toggle.addEventListener("click", function () {
      if (optedIn()) {
        window.localStorage.removeItem(OPTED);
        label();
        return;
      }
      window.localStorage.setItem(OPTED, "on");
      label();
      beep();  // the click lets the page play sound from now on, and the user hears what to expect
      if ("Notification" in window && window.Notification.permission === "default") {
        window.Notification.requestPermission();
      }
    });
  }

  check();
  if (!window.EventSource) { return; }
  var source = new EventSource(banner.getAttribute("data-stream"));
  function live(state) { document.dispatchEvent(new CustomEvent("borderlink:live", { detail: state })); }
  source.addEventListener("open", function () { live("connected"); });
  source.addEventListener("error", function () { live("offline"); });
  source.addEventListener("feed", function (event) {
    document.dispatchEvent(new CustomEvent("borderlink:feed", { detail: event.data }));
    if (!pending) { pending = setTimeout(check, 150); }
  });
})();
