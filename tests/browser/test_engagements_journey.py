"""A joint patrol in a real browser, as both sides run it: Móng Cái's officer proposes it through
the form, Dongxing's officer accepts it on the CN node with their own participants, and each side
files its report on its own node until both nodes show the patrol complete with both reports. In
Vietnamese and Chinese, with the times on each side's clock; every step checked for sideways
scrolling at 390 px, axe findings, console errors and unlabelled fields."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import Journey, log_in
from tests.browser.records import open_until
from tests.e2e.nodes import NodePair

from borderlink.domains import code_lists
from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LOCALES = {"vi": "vi-VN", "zh_Hans": "zh-CN"}
DAYS = {"vi": "2027-01-12", "zh_Hans": "2027-01-13"}  # a day of its own per run, so the runs never meet
VN_REPORT = "Đã đi hết tuyến, mốc 1089 bị hư hỏng."
CN_REPORT = "拦截非法越境人员2名。"


def file_report(page: Page, patrol_path: str, summary: str, incident: str, fields: dict[str, str]) -> None:
    """File this side's report with one incident through the patrol page's form."""
    page.fill("#summary", summary)
    page.select_option("#incident_kind", incident)
    for selector, value in fields.items():
        page.fill(selector, value)
    page.locator(f"form[action='{patrol_path}/report'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(summary)


@pytest.mark.parametrize("language", list(LOCALES))
def test_a_joint_patrol_planned_and_reported_by_both_sides(
    nodes: NodePair, journey: Callable[..., Journey], language: str
) -> None:
    _ = translator(language)
    status = code_lists()["engagements.patrol_status"]
    day = DAYS[language]
    walk = journey(locale=LOCALES[language])
    vn, cn = walk.new_page(), walk.new_page()

    log_in(vn, nodes.vn, "mongcai.officer", language, walk)
    vn.locator("header nav a[href='/engagements']").click()
    walk.step(vn, "vn-engagements")
    vn.locator("a[href='/engagements/patrols/new']").first.click()
    vn.select_option("#counterpart_unit_code", "CN-GX-DONGXING")
    vn.fill("#starts_at", f"{day}T07:00")  # Móng Cái's clock (UTC+7)
    vn.fill("#ends_at", f"{day}T13:00")
    vn.fill("#marker_from", "1088/2")
    vn.fill("#marker_to", "1089")
    vn.fill("#route", "Bờ sông Ka Long, cầu Bắc Luân đến mốc 1089")
    vn.fill("#participants", "Nguyễn Văn An, Thượng úy\nLê Minh Đức, Đại úy")
    walk.step(vn, "vn-patrol-form-filled")
    vn.locator("form[action='/engagements/patrols/new'] button[type=submit]").click()
    vn.wait_for_url("**/engagements/patrols/*")
    patrol_url = vn.url.split("?")[0]
    patrol_path = patrol_url.removeprefix(nodes.vn.url)
    expect(vn.locator("h1")).to_contain_text("1088/2–1089")
    # The time on each side's clock: 07:00 in Viet Nam is 08:00 in China.
    expect(vn.locator("main")).to_contain_text(f"{day} 07:00–13:00")
    expect(vn.locator("main")).to_contain_text(f"{day} 08:00–14:00")
    expect(vn.locator("main")).to_contain_text(status.label("proposed", language))
    walk.step(vn, "vn-patrol-proposed")

    # Dongxing sees the proposal on the CN node, in its own time, and accepts with its people.
    log_in(cn, nodes.cn, "dongxing.officer", language, walk)
    cn_url = f"{nodes.cn.url}{patrol_path}"
    open_until(cn, cn_url, f"form[action='{patrol_path}/answer']")
    expect(cn.locator("main")).to_contain_text(f"{day} 08:00–14:00")
    walk.step(cn, "cn-patrol-received")
    cn.fill("#participants", "王晓红, 警官")
    cn.locator(f"form[action='{patrol_path}/answer'] button[value=accept]").click()
    open_until(cn, cn_url, "#summary")
    walk.step(cn, "cn-patrol-agreed")
    file_report(cn, patrol_path, CN_REPORT, "intercepted", {"#incident_count": "2"})
    walk.step(cn, "cn-report-filed")

    # Móng Cái files its side's report on the VN node once the acceptance has arrived.
    open_until(vn, patrol_url, "#summary")
    expect(vn.locator("main")).to_contain_text("王晓红")
    file_report(vn, patrol_path, VN_REPORT, "damaged_marker", {"#incident_marker": "1089"})
    walk.step(vn, "vn-report-filed")

    # Both nodes show the patrol complete, with both sides' reports and people.
    completed = status.label("completed", language)
    for page, url, party in ((vn, patrol_url, "vn"), (cn, cn_url, "cn")):
        open_until(page, url, f"main p strong:text-is('{completed}')")
        main = page.locator("main")
        for text in (CN_REPORT, VN_REPORT, "Nguyễn Văn An", "王晓红"):
            expect(main).to_contain_text(text)
        expect(page.locator(f"form[action='{patrol_path}/report']")).to_have_count(0)
        walk.step(page, f"{party}-patrol-completed")
    assert _("Reports") in vn.locator("main").inner_text()
