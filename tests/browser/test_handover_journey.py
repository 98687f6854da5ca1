"""The handover of a fugitive at Móng Cái–Dongxing in a real browser, as the four people involved
would do it: Quảng Ninh's commander (VN node) adds the fugitive to the joint case and proposes his
handover from it, Guangxi's commander (CN node) accepts, and the officers at the two facing gates
each confirm on their own node. The pages left open (the case's and the handover's) update by
themselves as the other side acts, and the handover shows complete on both nodes. In Vietnamese,
Chinese and English, every step checked for sideways scrolling at 390 px, axe findings, console
errors and unlabelled fields."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import Journey, log_in
from tests.browser.records import open_until
from tests.e2e.nodes import NodePair

from borderlink.domains import code_lists
from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LOCALES = {"vi": "vi-VN", "zh_Hans": "zh-CN", "en": "en-GB"}
LIVE = 30_000  # ms: how long a step may take to cross the exchange and reach an open page


def status(value: str, language: str) -> str:
    return code_lists()["cases.handover_status"].label(value, language)


def _mark_page(page: Page) -> None:
    """A flag that lives as long as the document: still there later means the page never reloaded."""
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__notReloaded === true"))


@pytest.mark.parametrize("language", list(LOCALES))
def test_a_fugitive_is_handed_over_at_mong_cai_dongxing_with_both_confirmations_live(
    nodes: NodePair, journey: Callable[..., Journey], language: str
) -> None:
    _ = translator(language)
    walk = journey(locale=LOCALES[language])
    vn, cn = walk.new_page(), walk.new_page()
    # The two gate officers share a browser of their own (one browser holds one session per node).
    gates = journey(locale=LOCALES[language])
    mongcai, dongxing = gates.new_page(), gates.new_page()
    fugitive = f"Lý Văn {['Khoa', 'Hùng', 'Tuấn', 'Dũng', 'Sơn'][uuid.uuid4().int % 5]} {uuid.uuid4().hex[:4].upper()}"

    # Quảng Ninh's commander opens a joint drug case with Guangxi and adds the fugitive to it.
    log_in(vn, nodes.vn, "qn.commander", language, walk)
    vn.locator("header nav a[href='/cases']").click()
    walk.step(vn, "vn-cases")
    vn.locator("a[href='/cases/new']").click()
    title = f"Heroin Móng Cái – Dongxing / 芒街—东兴海洛因 {fugitive}"
    vn.fill("#title", title)
    vn.select_option("#case_type", "drug_trafficking")
    vn.select_option("#offence_codes", ["06012"])
    vn.select_option("#unit_codes", ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"])
    walk.step(vn, "vn-new-case-filled")
    vn.locator("form[action='/cases/new'] button[type=submit]").click()
    vn.wait_for_url("**/cases/*")
    expect(vn.locator("h1")).to_have_text(title)
    case_url = vn.url.split("?")[0]
    case_id = case_url.rsplit("/", 1)[1]
    walk.step(vn, "vn-case-opened")

    # Guangxi's commander holds the case too and keeps it open while Quảng Ninh works on it.
    log_in(cn, nodes.cn, "gx.commander", language, walk)
    open_until(cn, f"{nodes.cn.url}/cases/{case_id}", "#case-persons")
    expect(cn.locator("h1")).to_have_text(title)
    _mark_page(cn)
    walk.step(cn, "cn-case-replica")
    vn.select_option("#role", "suspect")
    vn.fill("#name", fugitive)
    vn.fill("#birth_date", "1984-05-17")
    vn.fill("#nationality", "VNM")
    vn.locator(f"form[action='/cases/{case_id}/persons'] button[type=submit]").click()
    vn.wait_for_url(f"{case_url}?done=person")
    expect(vn.locator("#case-persons")).to_contain_text(fugitive)
    walk.step(vn, "vn-case-fugitive-added")
    expect(cn.locator("#case-persons")).to_contain_text(fugitive, timeout=LIVE)
    expect(cn.locator("#case-timeline")).to_contain_text(code_lists()["cases.event"].label("person_added", language))
    assert _not_reloaded(cn), "the CN case page reloaded instead of updating in place"
    walk.step(cn, "cn-case-fugitive-live")

    # ... and proposes his handover from the case at Móng Cái, tomorrow at 09:00 Hanoi time.
    vn.locator(f"a[href='/handovers/new?case_id={case_id}']").click()
    vn.get_by_label(fugitive, exact=False).check()
    vn.select_option("#kind", "fugitive")
    vn.select_option("#gate_code", "VN-QN-MONGCAI")
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date()
    vn.fill("#planned_at", f"{tomorrow.isoformat()}T09:00")
    vn.fill("#escorts", "Nguyễn Văn An; Lê Minh Đức")
    vn.fill("#documents", "Hộ chiếu / 护照 / passport")
    walk.step(vn, "vn-handover-proposal-filled")
    vn.locator("form[action='/handovers/new'] button[type=submit]").click()
    vn.wait_for_url("**/handovers/*")
    handover_path = "/" + vn.url.split("/", 3)[3].split("?")[0]
    expect(vn.locator("#handover-summary")).to_contain_text(status("proposed", language))
    expect(vn.locator("#handover-summary")).to_contain_text(fugitive)
    expect(vn.locator("#handover-summary")).to_contain_text(f"{tomorrow.isoformat()} 09:00 (UTC+07:00)")
    expect(vn.locator("#handover-summary")).to_contain_text(f"{tomorrow.isoformat()} 10:00 (UTC+08:00)")
    _mark_page(vn)
    walk.step(vn, "vn-handover-proposed")

    # Guangxi's commander receives it and accepts; the VN page, open all along, shows it live.
    open_until(cn, f"{nodes.cn.url}{handover_path}", f"form[action='{handover_path}/accept']")
    expect(cn.locator("#handover-summary")).to_contain_text(fugitive)
    walk.step(cn, "cn-handover-received")
    cn.locator(f"form[action='{handover_path}/accept'] button[type=submit]").click()
    expect(cn.locator("#handover-summary")).to_contain_text(status("accepted", language))
    _mark_page(cn)
    walk.step(cn, "cn-handover-accepted")
    expect(vn.locator("#handover-summary")).to_contain_text(status("accepted", language), timeout=LIVE)
    assert _not_reloaded(vn), "the VN handover page reloaded instead of updating in place"
    walk.step(vn, "vn-handover-accepted-live")

    # At the gate, each side's officer confirms on their own node.
    log_in(mongcai, nodes.vn, "mongcai.officer", language)
    mongcai.goto(f"{nodes.vn.url}{handover_path}")
    log_in(dongxing, nodes.cn, "dongxing.officer", language)
    dongxing.goto(f"{nodes.cn.url}{handover_path}")
    expect(dongxing.locator(f"form[action='{handover_path}/confirm']")).to_be_visible()
    _mark_page(dongxing)
    walk.step(dongxing, "cn-gate-before")
    mongcai.locator(f"form[action='{handover_path}/confirm'] button[type=submit]").click()
    expect(mongcai.locator(".handover-confirmations")).to_contain_text("VN")
    expect(mongcai.locator("#handover-summary")).to_contain_text(status("accepted", language))
    _mark_page(mongcai)
    walk.step(mongcai, "vn-gate-confirmed")
    # One confirmation is not a handover: Dongxing sees Móng Cái's, live, and the handover waits for theirs.
    expect(dongxing.locator(".handover-confirmations")).to_contain_text("VN", timeout=LIVE)
    expect(dongxing.locator("#handover-summary")).to_contain_text(status("accepted", language))
    assert _not_reloaded(dongxing), "the CN gate's handover page reloaded instead of updating in place"
    walk.step(dongxing, "cn-gate-sees-vn-confirmation")
    dongxing.locator(f"form[action='{handover_path}/confirm'] button[type=submit]").click()
    expect(dongxing.locator("#handover-summary")).to_contain_text(status("completed", language))
    walk.step(dongxing, "cn-gate-completed")

    # Complete on both nodes, on every page left open.
    for page, side in ((mongcai, "vn-gate"), (vn, "vn-commander"), (cn, "cn-commander")):
        expect(page.locator("#handover-summary")).to_contain_text(status("completed", language), timeout=LIVE)
        assert _not_reloaded(page), f"the {side} handover page reloaded instead of updating in place"
        expect(page.locator(".handover-confirmations")).to_contain_text("CN")
        walk.step(page, f"{side}-completed-live")
    vn.goto(f"{nodes.vn.url}/handovers?status=completed")
    expect(vn.locator("main")).to_contain_text(fugitive)
    walk.step(vn, "vn-handovers-completed")
