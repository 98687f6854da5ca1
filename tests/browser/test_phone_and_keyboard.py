"""Phone width and keyboard use: the navigation folds behind a menu button, tables become cards, a
skip link comes first, form fields take focus in reading order, and lists answer j / k / Enter and
"/". Every page an officer or an administrator reaches from the navigation passes the step checks
(no sideways scrolling at 390 px, no serious axe-core finding, no console error)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import PHONE, Journey, log_in
from tests.browser.records import (
    cross_at_mong_cai,
    hold_conference,
    issue_alert,
    open_case_with_handover,
    person_name,
    propose_patrol,
)
from tests.e2e.nodes import NodePair

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

NEW_REQUEST_FIELDS = [
    "recipient", "kind", "assistance_type", "priority", "offence_code", "handling_code", "handling_note",
    "subject", "body", "person_name", "person_birth_date", "document_number", "vehicle_plate", "attachment",
]


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? (document.activeElement.id || document.activeElement.className"
                             " || document.activeElement.tagName) : ''"))


def _send_requests(nodes: NodePair, subjects: list[str]) -> list[str]:
    sent = []
    with nodes.vn.client("mongcai.officer") as api:
        for subject in subjects:
            made = api.post("/api/v1/hotline/requests", json={
                "kind": "information", "subject": subject, "body": "Kiểm tra giấy tờ xe tải.",
                "offence_code": "08051", "recipient_unit_code": "CN-GX-DONGXING",
            })
            assert made.status_code == 201, made.text
            sent.append(str(made.json()["id"]))
    return sent


def test_phone_navigation_folds_behind_a_menu_button_and_tables_become_cards(
    nodes: NodePair, journey: Callable[..., Journey]
) -> None:
    _send_requests(nodes, ["Xe tải biển số 14C-123.45 qua cửa khẩu"])
    walk = journey(locale="vi-VN", viewport=PHONE)
    page = walk.new_page()
    log_in(page, nodes.vn, "mongcai.officer", "vi")
    toggle = page.locator(".nav-toggle")
    menu = page.locator("#site-menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    walk.step(page, "phone-home-menu-closed")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Đường dây nóng")).to_be_visible()
    walk.step(page, "phone-home-menu-open")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    page.goto(f"{nodes.vn.url}/hotline")
    first_row = page.locator("#inbox-list tbody tr").first
    expect(page.locator("#inbox-list thead")).to_have_css("position", "absolute")
    expect(first_row).to_have_css("display", "block")
    expect(first_row.locator("td").nth(1)).to_have_attribute("data-label", "Mức ưu tiên")
    walk.step(page, "phone-inbox-cards")


def test_skip_link_comes_first_and_form_fields_take_focus_in_reading_order(
    nodes: NodePair, journey: Callable[..., Journey]
) -> None:
    walk = journey()
    page = walk.new_page()
    log_in(page, nodes.vn, "mongcai.officer", "en")
    page.goto(f"{nodes.vn.url}/hotline/new")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    walk.step(page, "skip-link-focused", axe=False)
    page.keyboard.press("Enter")
    assert _focused(page) == "main"

    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused in NEW_REQUEST_FIELDS and focused not in order:
            order.append(focused)
        if focused == "attachment":
            break
    assert order == NEW_REQUEST_FIELDS


def test_lists_answer_j_k_enter_and_slash(nodes: NodePair, journey: Callable[..., Journey]) -> None:
    _send_requests(nodes, ["Keyboard check: first sent", "Keyboard check: second sent"])
    walk = journey()
    page = walk.new_page()
    log_in(page, nodes.vn, "mongcai.officer", "en")
    page.goto(f"{nodes.vn.url}/hotline")
    rows = page.locator("#inbox-list tbody tr")
    expect(rows.nth(1)).to_be_visible()
    expect(page.locator("#keys-hint")).to_be_visible()
    newest = rows.nth(0).locator("a").first.inner_text()

    page.keyboard.press("j")
    expect(rows.nth(0).locator("a").first).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1).locator("a").first).to_be_focused()
    expect(rows.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("k")
    expect(rows.nth(0).locator("a").first).to_be_focused()
    walk.step(page, "inbox-row-selected-by-keyboard", axe=False)
    # A request arriving redraws the live list; the keyboard focus stays on the same request.
    page.evaluate("window.__notReloaded = true")
    _send_requests(nodes, ["Keyboard check: arrived while reading"])
    expect(rows.nth(0)).to_contain_text("Keyboard check: arrived while reading", timeout=30_000)
    assert page.evaluate("window.__notReloaded === true")
    expect(page.get_by_role("link", name=newest)).to_be_focused()
    page.keyboard.press("k")
    expect(page.get_by_role("link", name="Keyboard check: arrived while reading")).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(newest)

    page.go_back()
    page.locator("h1").click()  # the keys act on the page, not inside a field
    page.keyboard.press("/")
    expect(page.locator("main input[type=search]")).to_be_focused()
    page.keyboard.type("jk")  # typed into the field, not taken as shortcuts
    expect(page.locator("main input[type=search]")).to_have_value("jk")


@pytest.mark.parametrize(("username", "paths"), [
    ("mongcai.officer", ["/", "/hotline", "/hotline/new", "/units", "/tokens", "/preferences",
                         "/hotline/requests/0190a0a0-0000-7000-8000-000000000000", "/users"]),
    ("admin", ["/users", "/exchange", "/hotline/deadlines"]),
    ("mongcai.commander", ["/hotline/held"]),
])
def test_every_page_fits_a_phone_and_passes_axe(
    nodes: NodePair, journey: Callable[..., Journey], username: str, paths: list[str]
) -> None:
    """Each page the navigation leads to, and the error pages (an unknown request, a page the role
    may not see)."""
    walk = journey(locale="vi-VN")
    page = walk.new_page()
    page.goto(f"{nodes.vn.url}/login?lang=vi")
    walk.step(page, "login")
    log_in(page, nodes.vn, username, "vi")
    for path in paths:
        response = page.goto(f"{nodes.vn.url}{path}")
        assert response is not None, path
        expected = 404 if "/requests/" in path else 403 if (username, path) == ("mongcai.officer", "/users") else 200
        assert response.status == expected, (path, response.status)
        walk.step(page, path.strip("/").replace("/", "-")[:40] or "home")


@pytest.fixture(scope="module")
def records(nodes: NodePair) -> dict[str, str]:
    """One record of each kind whose pages the phone walk opens, by kind."""
    name = person_name("Mạc")
    alert = issue_alert(nodes, name)
    crossing = cross_at_mong_cai(nodes, name)
    case, handover = open_case_with_handover(nodes)
    conference, commitment = hold_conference(nodes)
    [request_id] = _send_requests(nodes, ["Phone check: a request to print"])
    return {"alert": alert["id"], "case": case["id"], "handover": handover["id"], "patrol": propose_patrol(nodes)["id"],
            "request": request_id, "engagement": conference["id"], "commitment": commitment["id"],
            "crossing": crossing["id"], "hit": crossing["check"]["hits"][0]["id"]}


@pytest.mark.parametrize(("username", "paths"), [
    ("mongcai.commander", [
        "/hotline/requests/{request}", "/hotline/requests/{request}/print",
        "/alerts", "/alerts/{alert}", "/alerts/{alert}/print", "/screening/check", "/gates", "/gates/hits",
        "/gates/crossings/{crossing}", "/gates/hits/{hit}",
        "/cases", "/cases/{case}", "/cases/{case}/print",
        "/handovers", "/handovers/{handover}", "/handovers/{handover}/print",
        "/engagements", "/engagements/calendar", "/engagements/patrols/new", "/engagements/patrols/{patrol}"]),
    ("qn.commander", ["/cases/new", "/handovers/new", "/engagements/new"]),
    ("analyst", ["/alerts/new", "/alerts/review", "/alerts/{alert}/edit", "/alerts/{alert}/withdraw",
                 "/alerts/{alert}/extend", "/engagements/{engagement}", "/engagements/commitments/{commitment}",
                 "/engagements/calendar"]),
])
@pytest.mark.parametrize(("language", "locale"), [("vi", "vi-VN"), ("zh_Hans", "zh-CN"), ("en", "en-GB")])
def test_every_domains_pages_fit_a_phone_and_pass_axe(
    nodes: NodePair, journey: Callable[..., Journey], records: dict[str, str], username: str, paths: list[str],
    language: str, locale: str,
) -> None:
    """Lists, details, forms and print views of every domain and the engagements calendar, as the
    people who use them see them, in each of the three languages (the longest words and labels
    differ); every page is checked before the failures are reported."""
    walk = journey(locale=locale)
    page = walk.new_page()
    log_in(page, nodes.vn, username, language)
    problems: list[str] = []
    for template in paths:
        path = template.format(**records)
        response = page.goto(f"{nodes.vn.url}{path}")
        if response is None or response.status != 200:
            problems.append(f"{path}: {response.status if response else 'no response'}")
            continue
        try:
            walk.step(page, re.sub(r"[{}]", "", template.strip("/").replace("/", "-")))
        except AssertionError as failed:
            problems.append(str(failed))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("username", "paths"), [
    ("dongxing.officer", ["/", "/hotline", "/hotline/new", "/alerts", "/screening/check", "/gates", "/gates/hits",
                          "/cases", "/handovers", "/engagements", "/engagements/calendar", "/units", "/tokens",
                          "/preferences"]),
    ("gx.commander", ["/cases/new", "/handovers/new", "/engagements/new", "/engagements/patrols/new"]),
])
def test_chinas_node_fits_a_phone_and_a_tablet_in_chinese(
    nodes: NodePair, journey: Callable[..., Journey], username: str, paths: list[str]
) -> None:
    """China's node, as its officers read it in Chinese: the same width and accessibility checks."""
    walk = journey(locale="zh-CN")
    page = walk.new_page()
    log_in(page, nodes.cn, username, "zh_Hans")
    problems: list[str] = []
    for path in paths:
        response = page.goto(f"{nodes.cn.url}{path}")
        if response is None or response.status != 200:
            problems.append(f"{path}: {response.status if response else 'no response'}")
            continue
        try:
            walk.step(page, path.strip("/").replace("/", "-")[:40] or "home")
        except AssertionError as failed:
            problems.append(str(failed))
    assert problems == [], "\n".join(problems)
