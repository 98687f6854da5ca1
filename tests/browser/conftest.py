"""Real-browser fixtures: the two demo nodes as real processes (tests/e2e/nodes.py) and Debian's
Chromium driven by Playwright. Journeys write a screenshot of every step to artifacts/screenshots/
(or $BORDERLINK_SCREENSHOTS), which CI keeps.

Without Chromium at /usr/bin/chromium (`make browser-deps` installs it) the browser tests skip with
that message; under CI (CI=true) they fail instead, so a missing install step cannot pass unseen.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from tests.browser.journey import Journey
from tests.e2e.nodes import NodePair
from tests.support.two_nodes import SharedPairs

CHROMIUM = Path(os.environ.get("BORDERLINK_CHROMIUM", "/usr/bin/chromium"))
# This machine has no outside network: without these, Chromium keeps trying to reach Google's
# services at start-up. The sandbox needs user namespaces that a root container does not give.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-default-apps",
]
SCREENSHOTS = Path(os.environ.get("BORDERLINK_SCREENSHOTS", Path(__file__).resolve().parents[2] / "artifacts"
                                  / "screenshots"))
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium is not installed at {CHROMIUM}: `make browser-deps` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright(chromium: Path) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium: Path) -> Iterator[Browser]:
    # executable_path: Playwright never downloads a browser of its own here.
    launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture(scope="session")
def nodes(chromium: Path, shared_node_pairs: SharedPairs) -> NodePair:
    """The VN and CN demo nodes on SQLite, serving on free ports for the whole run: the pair the
    end-to-end tests that take `shared_pair` use too."""
    return shared_node_pairs.get(None)


@pytest.fixture
def journey(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Journey]]:
    """`journey(locale=..., viewport=...)` opens a fresh browser context (one person's browser: both nodes' tabs
    share its cookies) and records its steps; it fails the test on any console error or uncaught
    script error of its pages."""
    opened: list[tuple[BrowserContext, Journey]] = []
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")

    def make(locale: str = "en-GB", viewport: dict[str, int] | None = None) -> Journey:
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale)  # type: ignore[arg-type]
        context.set_default_timeout(20_000)
        made = Journey(context, SCREENSHOTS / name)
        opened.append((context, made))
        return made

    yield make
    problems = []
    for context, made in opened:
        problems.extend(made.console_errors)
        with contextlib.suppress(Exception):
            context.close()
    assert problems == [], "console errors in the browser:\n" + "\n".join(problems)
