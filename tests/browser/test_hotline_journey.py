"""The hotline in a real browser, as two officers at the facing gates would use it: Móng Cái (VN
node) asks Dongxing (CN node) and gets the answer back, in Vietnamese, Chinese and English, both
nodes logged in side by side in one browser."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import Journey, log_in
from tests.e2e.nodes import NodePair

from borderlink.domains import code_lists
from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LOCALES = {"vi": "vi-VN", "zh_Hans": "zh-CN", "en": "en-GB"}
LIVE = 30_000  # ms: how long a change may take to cross the exchange and reach an open page


def _mark_page(page: Page) -> None:
    """A flag that lives as long as the document: still there later means the page never reloaded."""
    page.evaluate("window.__notReloaded = true")


def status(value: str, language: str) -> str:
    """A request status as the pages show it."""
    return code_lists()["hotline.status"].label(value, language)


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


@pytest.mark.parametrize("language", list(LOCALES))
def test_request_from_mong_cai_reaches_dongxing_live_and_the_answer_comes_back(
    nodes: NodePair, journey: Callable[..., Journey], language: str
) -> None:
    _ = translator(language)
    walk = journey(locale=LOCALES[language])
    vn, cn = walk.new_page(), walk.new_page()

    log_in(vn, nodes.vn, "mongcai.officer", language, walk)
    walk.step(vn, "vn-home")
    log_in(cn, nodes.cn, "dongxing.officer", language)
    walk.step(cn, "cn-home")
    # Logging in to the CN node left the VN node's session alone: one browser, two nodes.
    vn.reload()
    expect(vn.locator("header .who")).to_contain_text("Nguyễn Văn An")
    expect(cn.locator("header .who")).to_contain_text("王晓红")
    expect(vn.locator("html")).to_have_attribute("lang", "zh-Hans" if language == "zh_Hans" else language)

    cn.goto(f"{nodes.cn.url}/hotline")
    expect(cn.locator("#live-status")).to_have_text(_("Live: new items appear by themselves"))
    _mark_page(cn)
    walk.step(cn, "cn-inbox-before")

    subject = f"{_('New request')} {language} {uuid.uuid4().hex[:8]}"
    body = "Xác minh hộ chiếu của người đi qua cửa khẩu lúc 09:40 / 请核实护照 / please verify the passport."
    vn.goto(f"{nodes.vn.url}/hotline/new")
    vn.select_option("#recipient", "CN-GX-DONGXING")
    vn.select_option("#kind", "information")
    vn.fill("#subject", subject)
    vn.fill("#body", body)
    walk.step(vn, "vn-new-request-filled")
    vn.locator("form[action='/hotline/new'] button[type=submit]").click()
    vn.wait_for_url("**/hotline/requests/*")
    expect(vn.locator("h1")).to_have_text(subject)
    _mark_page(vn)
    walk.step(vn, "vn-request-sent")

    # The request crosses the exchange and appears in Dongxing's open inbox by itself.
    row = cn.locator("#inbox-list tr", has_text=subject)
    expect(row).to_be_visible(timeout=LIVE)
    assert _not_reloaded(cn), "the CN inbox reloaded instead of updating in place"
    walk.step(cn, "cn-inbox-request-arrived")

    row.get_by_role("link", name=subject).click()
    expect(cn.locator("h1")).to_have_text(subject)
    expect(cn.locator(".message")).to_have_text(body)
    walk.step(cn, "cn-request")

    # Dongxing acknowledges, then answers; the Móng Cái request page, open all along, shows each
    # step as it happens, without a reload.
    cn.locator("form[action$='/acknowledge'] button[type=submit]").click()
    expect(cn.locator("#live-summary")).to_contain_text(status("acknowledged", language))
    expect(vn.locator("#live-summary")).to_contain_text(status("acknowledged", language), timeout=LIVE)
    walk.step(vn, "vn-request-acknowledged")
    answer = f"{_('Reply')}: 护照有效 / hộ chiếu hợp lệ / the passport is valid ({language})"
    cn.fill("#reply-body", answer)
    cn.locator("form[action$='/reply'] button[type=submit]").click()
    expect(cn.locator(".reply", has_text=answer)).to_be_visible()
    walk.step(cn, "cn-replied")
    expect(vn.locator("#live-replies .reply", has_text=answer)).to_be_visible(timeout=LIVE)
    expect(vn.locator("#live-summary")).to_contain_text(status("answered", language))
    assert _not_reloaded(vn), "the VN request page reloaded instead of updating in place"
    walk.step(vn, "vn-request-answered")

    # And the Móng Cái inbox lists it as answered.
    vn.locator("header nav a[href='/hotline']").click()
    expect(vn.locator("#inbox-list tr", has_text=subject)).to_contain_text(status("answered", language))
    walk.step(vn, "vn-inbox-answered", axe=False)
