"""One person's browser walking a journey: numbered screenshots of every step (desktop and phone
width), and at every step the checks each page must pass: no sideways scrolling at 390 px (phone)
or 768 px (tablet), no serious or critical axe-core finding, no console error."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response
from tests.e2e.nodes import NodeProcess

from borderlink.directory.service import demo_accounts

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
BLOCKING_IMPACTS = ("serious", "critical")
_AXE = Axe()  # axe-core as shipped in the axe-playwright-python package (see the lock file)

# Which elements stick out past the right edge when the page scrolls sideways, to name the culprit.
_OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const wide = scrollWidth <= width ? [] : [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .slice(0, 8)
    .map((element) => {
      const classes = typeof element.className === "string" ? element.className.trim().split(/\\s+/) : [];
      return element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + classes.filter(Boolean).map((name) => "." + name).join("");
    });
  return {width, scrollWidth, wide};
}"""


# Every visible form field has a label of its own (a placeholder is no label).
_UNLABELLED_SCRIPT = """() => [...document.querySelectorAll("input, select, textarea")]
  .filter((field) => field.type !== "hidden" && field.getClientRects().length > 0)
  .filter((field) => field.labels.length === 0 && !field.getAttribute("aria-label")
    && !field.getAttribute("aria-labelledby"))
  .map((field) => field.outerHTML.slice(0, 120))"""


def demo_password() -> str:
    return str(demo_accounts()["password"])


class Journey:
    def __init__(self, context: BrowserContext, folder: Path) -> None:
        self.context = context
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.steps = 0
        self.console_errors: list[str] = []
        # An error page (404, 403) is itself reported as a resource that failed to load; that is the
        # page under test, not a broken script, style or icon, so it is not a console error here.
        self._error_documents: set[str] = set()
        context.on("page", self._watch)

    def _watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            if message.text.startswith("Failed to load resource") and message.location.get("url") in \
                    self._error_documents:
                return
            self.console_errors.append(f"{page.url}: {message.text}")

        def on_response(response: Response) -> None:
            if response.request.resource_type == "document" and response.status >= 400:
                self._error_documents.add(response.url)

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: uncaught {error}"))

    def new_page(self) -> Page:
        return self.context.new_page()

    def step(self, page: Page, name: str, *, axe: bool = True) -> None:
        """Record a step of the journey and check the page as it is now."""
        self.steps += 1
        stem = f"{self.steps:02d}-{name}"
        page.wait_for_load_state("load")
        desktop = page.viewport_size
        measured: dict[str, dict[str, Any]] = {}
        try:
            for label, size in (("phone", PHONE), ("tablet", TABLET)):
                page.set_viewport_size(size)  # type: ignore[arg-type]
                measured[label] = page.evaluate(_OVERFLOW_SCRIPT)
                if label == "phone":
                    page.screenshot(path=self.folder / f"{stem}-phone.png", full_page=True)
        finally:
            if desktop is not None:
                page.set_viewport_size(desktop)
        for label, found in measured.items():
            assert found["scrollWidth"] <= found["width"], (
                f"{name}: {page.url} scrolls sideways at {found['width']} px ({label}) "
                f"(content {found['scrollWidth']} px wide); sticking out: {found['wide']}")
        page.screenshot(path=self.folder / f"{stem}.png", full_page=True)
        unlabelled = page.evaluate(_UNLABELLED_SCRIPT)
        assert unlabelled == [], f"{name}: {page.url} has form fields without a label: {unlabelled}"
        if axe:
            assert_accessible(page, name)


def assert_accessible(page: Page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page."""
    results = _AXE.run(page).response
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert blocking == [], f"{name}: {page.url} has accessibility violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:5]]}"
        for v in blocking)


def log_in(page: Page, node: NodeProcess, username: str, language: str, journey: Journey | None = None) -> None:
    """Log in through the node's own login form, choosing the language there (recorded as a step
    of `journey` when given)."""
    page.goto(f"{node.url}/login?lang={language}")
    if journey is not None:
        journey.step(page, f"{node.party.lower()}-login")
    page.fill("#username", username)
    page.fill("#password", demo_password())
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{node.url}/")
