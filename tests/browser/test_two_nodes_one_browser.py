"""The demo's two nodes share one host, and browsers share cookies across a host's ports: each node
names its cookies after its party, so one browser stays logged in to both."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect
from tests.browser.journey import Journey, log_in
from tests.e2e.nodes import NodePair

from borderlink.web.deps import language_cookie, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_both_nodes_stay_logged_in_side_by_side_and_log_out_apart(
    nodes: NodePair, journey: Callable[..., Journey]
) -> None:
    walk = journey()
    vn, cn = walk.new_page(), walk.new_page()
    log_in(vn, nodes.vn, "mongcai.officer", "en")
    log_in(cn, nodes.cn, "dongxing.officer", "en")
    walk.step(cn, "cn-logged-in-beside-vn", axe=False)
    names = [cookie["name"] for cookie in walk.context.cookies()]
    assert session_cookie("VN") in names
    assert session_cookie("CN") in names
    for page, who in ((vn, "Nguyễn Văn An"), (cn, "王晓红")):
        page.reload()
        expect(page.locator("header .who")).to_contain_text(who)

    cn.locator("form[action='/logout'] button[type=submit]").click()
    cn.wait_for_url(f"{nodes.cn.url}/login")
    cn.goto(f"{nodes.cn.url}/hotline")
    cn.wait_for_url(re.compile(re.escape(f"{nodes.cn.url}/login?next=") + "(/|%2F)hotline$"))
    vn.goto(f"{nodes.vn.url}/hotline")
    expect(vn.locator("header .who")).to_contain_text("Nguyễn Văn An")
    walk.step(vn, "vn-still-logged-in", axe=False)


def test_each_node_keeps_its_own_language_in_one_browser(nodes: NodePair, journey: Callable[..., Journey]) -> None:
    walk = journey()
    vn, cn = walk.new_page(), walk.new_page()
    log_in(vn, nodes.vn, "mongcai.officer", "vi")
    log_in(cn, nodes.cn, "dongxing.officer", "zh_Hans")
    chosen = {cookie["name"]: cookie["value"] for cookie in walk.context.cookies()}
    assert chosen[language_cookie("VN")] == "vi"
    assert chosen[language_cookie("CN")] == "zh_Hans"
    for page, node, lang in ((vn, nodes.vn, "vi"), (cn, nodes.cn, "zh-Hans"), (vn, nodes.vn, "vi")):
        page.goto(f"{node.url}/hotline")
        expect(page.locator("html")).to_have_attribute("lang", lang)
    walk.step(cn, "cn-in-chinese-beside-vn-in-vietnamese", axe=False)
    for page, node in ((vn, nodes.vn), (cn, nodes.cn)):
        page.locator("form[action='/logout'] button[type=submit]").click()
        page.wait_for_url(f"{node.url}/login")
    expect(vn.locator("html")).to_have_attribute("lang", "vi")
    expect(cn.locator("html")).to_have_attribute("lang", "zh-Hans")
