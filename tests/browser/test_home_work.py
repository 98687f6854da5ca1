"""Home is my work, and urgent work is unmissable: an urgent request sent from Móng Cái appears on
Dongxing's open home page without a reload, counts down to its deadline, raises the banner on
every page, counts in the tab title, and (once opted in) a browser notification and a sound."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect
from tests.browser.journey import Journey, log_in
from tests.e2e.nodes import NodePair

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# Notifications are recorded instead of shown: a headless browser has no place to show them.
_RECORD_NOTIFICATIONS = """
window.shownNotifications = [];
class RecordedNotification {
  constructor(title, options) { window.shownNotifications.push({title: title, body: (options || {}).body}); }
  static requestPermission() { return Promise.resolve("granted"); }
}
RecordedNotification.permission = "granted";
window.Notification = RecordedNotification;
"""


def _send_urgent(nodes: NodePair, subject: str) -> str:
    with nodes.vn.client("mongcai.officer") as api:
        made = api.post("/api/v1/hotline/requests", json={
            "kind": "urgent_alert", "subject": subject, "priority": "urgent",
            "body": "Đối tượng đang di chuyển về phía cầu Bắc Luân.", "offence_code": "06012",
            "recipient_unit_code": "CN-GX-DONGXING",
        })
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def test_urgent_request_appears_live_on_home_with_banner_title_notification_and_sound(
    nodes: NodePair, journey: Callable[..., Journey]
) -> None:
    walk = journey(locale="zh-CN")
    walk.context.add_init_script(_RECORD_NOTIFICATIONS)
    home = walk.new_page()
    log_in(home, nodes.cn, "dongxing.officer", "zh_Hans")
    expect(home.locator("h1")).to_contain_text("我的工作")
    walk.step(home, "cn-home-before")
    toggle = home.locator("header .alerts-toggle")
    expect(toggle).to_have_text("紧急提醒：关")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    beeps_before = int(home.evaluate("window.borderlinkBeeps || 0"))
    home.evaluate("window.stillTheSamePage = true")

    subject = "紧急：嫌疑人正前往北仑桥"
    request_id = _send_urgent(nodes, subject)
    row = home.locator(f"tr[data-key='hotline.request:{request_id}']")
    expect(row).to_be_visible()
    assert home.evaluate("window.stillTheSamePage") is True  # arrived live, not by a reload
    expect(row.locator("time.countdown")).to_have_text(re.compile(r"^剩余 \d\d:\d\d:\d\d$"))
    first = row.locator("time.countdown").inner_text()
    expect(row.locator("time.countdown")).not_to_have_text(first)  # it counts down by itself
    expect(row).to_contain_text("芒街")  # the sending unit by name
    expect(home.locator(".kind-counts")).to_contain_text("热线请求")

    banner = home.locator("#urgent-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(subject)
    expect(home).to_have_title(re.compile(r"^\(\d+!\) "))
    home.wait_for_function("(title) => window.shownNotifications.some((n) => n.title === title)", arg=subject)
    assert int(home.evaluate("window.borderlinkBeeps || 0")) > beeps_before
    walk.step(home, "cn-home-urgent-arrived")

    # Every page carries the banner until the unit has looked at the item.
    home.goto(f"{nodes.cn.url}/hotline")
    expect(home.locator("#urgent-banner")).to_contain_text(subject)
    walk.step(home, "cn-inbox-with-banner")

    # One click on home acts on it (the acknowledgement), and the request page opens.
    home.goto(f"{nodes.cn.url}/")
    row.locator("form button[type=submit]").click()
    # The request page, with the action's success notice named in its address.
    home.wait_for_url(re.compile(re.escape(f"{nodes.cn.url}/hotline/requests/{request_id}") + r"(\?done=\w+)?$"))
    walk.step(home, "cn-acknowledged-from-home")
    home.goto(f"{nodes.cn.url}/")
    expect(home.locator(f"tr[data-key='hotline.request:{request_id}'] form")).to_have_count(0)
    expect(home.locator("#urgent-banner")).to_be_hidden()
    expect(home).not_to_have_title(re.compile(r"^\(\d+!\) .*" + re.escape(subject)))
    walk.step(home, "cn-home-after")
