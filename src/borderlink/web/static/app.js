// Sends the page's CSRF token with every htmx request, confirms dangerous actions, and folds the
// navigation behind a menu button on narrow screens (without script the menu simply stays open).
document.documentElement.classList.add("js");
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
(function () {
  var toggle = document.querySelector(".nav-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !menu) { return; }
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("open")) {
      toggle.setAttribute("aria-expanded", "false");
      menu.classList.remove("open");
      toggle.focus();
    }
  });
})();
// A PDF preview loads only when its panel is opened: a page listing several files stays light.
document.addEventListener("toggle", function (event) {
  var panel = event.target;
  if (!panel.classList || !panel.classList.contains("pdf-preview") || !panel.open) { return; }
  var frame = panel.querySelector("iframe[data-src]");
  if (frame && !frame.getAttribute("src")) { frame.setAttribute("src", frame.getAttribute("data-src")); }
}, true);
// The print pages' Print button (no inline script: the Content-Security-Policy allows none).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
