"""The inbox's search box in a real browser: Dongxing's officer types a name in Latin letters and
finds the request Móng Cái sent about the same person written in Chinese characters, and not the
one about someone else."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import Journey, log_in
from tests.e2e.nodes import NodePair, NodeProcess

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LIVE = 30_000  # ms: how long a request may take to cross the exchange


def _send(page: Page, node: NodeProcess, subject: str, person: str) -> None:
    page.goto(f"{node.url}/hotline/new")
    page.select_option("#recipient", "CN-GX-DONGXING")
    page.select_option("#kind", "information")
    page.fill("#subject", subject)
    page.fill("#body", "Người này có thể qua cửa khẩu hôm nay / 此人今天可能过境.")
    page.fill("#person_name", person)
    page.locator("form[action='/hotline/new'] button[type=submit]").click()
    page.wait_for_url("**/hotline/requests/*")


def test_the_inbox_search_box_finds_a_name_written_in_another_script(
    nodes: NodePair, journey: Callable[..., Journey]
) -> None:
    walk = journey()
    vn, cn = walk.new_page(), walk.new_page()
    log_in(vn, nodes.vn, "mongcai.officer", "en")
    log_in(cn, nodes.cn, "dongxing.officer", "en")
    tag = uuid.uuid4().hex[:8]
    about_her, about_him = f"Courier {tag} A", f"Courier {tag} B"
    _send(vn, nodes.vn, about_her, "王晓红")
    _send(vn, nodes.vn, about_him, "Nguyễn Văn An")

    cn.goto(f"{nodes.cn.url}/hotline")
    expect(cn.locator("#inbox-list tr", has_text=about_him)).to_be_visible(timeout=LIVE)
    cn.keyboard.press("/")  # the list's shortcut to its search box
    search = cn.locator("#inbox-filters input[name=q]")
    expect(search).to_be_focused()
    search.fill("WANG XIAOHONG")
    search.press("Enter")
    cn.wait_for_url("**/hotline?*q=WANG+XIAOHONG*")
    expect(cn.locator("#inbox-list tr", has_text=about_her)).to_be_visible()
    expect(cn.locator("#inbox-list tr", has_text=about_him)).to_have_count(0)
    expect(search).to_have_value("WANG XIAOHONG")
    walk.step(cn, "cn-inbox-found-across-scripts")

    search.fill("Vương Hiểu Hồng")
    search.press("Enter")
    expect(cn.locator("#inbox-list tr", has_text=about_her)).to_be_visible()
    expect(cn.locator("#inbox-list tr", has_text=about_him)).to_have_count(0)
