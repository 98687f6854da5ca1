"""Shared alerts in a real browser, as the people of both sides would use them: VN's central analyst
issues a wanted alert through the form (after a refusal that keeps what was typed), a Móng Cái
officer checks a person in Vietnamese spelling and finds it, CN's provincial commander flags the
replica, and the analyst sees the flag and withdraws the alert after confirming. In Vietnamese,
Chinese and English, every step checked for sideways scrolling at 390 px, axe findings, console
errors and unlabelled fields."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import expect
from tests.browser.journey import Journey, log_in
from tests.browser.records import open_until
from tests.e2e.nodes import NodePair

from borderlink.domains import code_lists
from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LOCALES = {"vi": "vi-VN", "zh_Hans": "zh-CN", "en": "en-GB"}
FIRST_USE = 60_000  # ms: the first issue after a start waits for the screening index to open


def _ascii(text: str) -> str:
    """A name as a traveller's papers print it: capitals, no tone marks."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


@pytest.mark.parametrize("language", list(LOCALES))
def test_a_wanted_alert_from_issue_to_check_flag_and_withdrawal(
    nodes: NodePair, journey: Callable[..., Journey], language: str
) -> None:
    _ = translator(language)
    walk = journey(locale=LOCALES[language])
    vn, cn = walk.new_page(), walk.new_page()
    # The Móng Cái officer has a browser of their own (one browser holds one session per node).
    officer = journey(locale=LOCALES[language]).new_page()
    # A name of its own per run, so that the demo alerts and the other languages' runs do not meet it.
    family = {"vi": "Đào", "zh_Hans": "Mạc", "en": "Tạ"}[language]
    given = uuid.uuid4().int % 7
    name = f"{family} {['Văn', 'Thị', 'Quang', 'Minh', 'Hữu', 'Ngọc', 'Xuân'][given]} Khải"
    birth = f"19{70 + given:02d}-0{1 + given}-1{given}"

    log_in(vn, nodes.vn, "analyst", language, walk)
    vn.locator("header nav a[href='/alerts']").click()
    walk.step(vn, "vn-alerts-list")
    vn.locator("a[href='/alerts/new']").click()
    vn.select_option("#kind", "wanted")
    vn.fill("#name", name)
    vn.fill("#birth_date", birth)
    vn.select_option("#gender", "M")
    vn.fill("#nationality", "VNM")
    vn.select_option("#offence_code", "06012")
    vn.check("input[name=warnings][value=armed]")
    walk.step(vn, "vn-new-alert-filled")
    # Without the legal basis a wanted alert is refused; what was typed stays in the form.
    vn.locator("form[action='/alerts/new'] button[type=submit]").click()
    expect(vn.locator("#legal_basis_reference-error")).to_be_visible()
    expect(vn.locator("#name")).to_have_value(name)
    expect(vn.locator("input[name=warnings][value=armed]")).to_be_checked()
    walk.step(vn, "vn-new-alert-refused")
    vn.fill("#legal_basis_reference", f"QĐ-{given}/2026")
    vn.fill("#legal_basis_authority", "Bộ Công an")
    vn.fill("#legal_basis_date", "2026-10-01")
    # Issuing checks the person against the live screening index, which a node opens on first use
    # after it starts (within 30 s, as the index promises).
    with vn.expect_navigation(url="**/alerts/*?done=created", timeout=FIRST_USE):
        vn.locator("form[action='/alerts/new'] button[type=submit]").click(timeout=FIRST_USE)
    expect(vn.locator(".flash.ok")).to_have_text(_("The alert was issued."))
    arrest = code_lists()["alerts.action"].label("arrest", language)
    expect(vn.locator("h2.action")).to_contain_text(arrest)
    alert_url = vn.url.split("?")[0]
    alert_id = alert_url.rsplit("/", 1)[1]
    walk.step(vn, "vn-alert-issued")

    # A Móng Cái officer checks the person as a traveller's papers spell it, without tone marks.
    log_in(officer, nodes.vn, "mongcai.officer", language)
    officer.goto(f"{nodes.vn.url}/screening/check")
    walk.step(officer, "vn-check-form")
    officer.fill("#name", _ascii(name))
    officer.fill("#birth_date", birth[:4])
    officer.locator("form[action='/screening/check'] button[type=submit]").click()
    expect(officer.locator(f"#results a[href='/alerts/{alert_id}']")).to_be_visible()
    walk.step(officer, "vn-check-found")

    # The replica reaches the CN node; Guangxi's commander flags it with a reason.
    log_in(cn, nodes.cn, "gx.commander", language, walk)
    open_until(cn, f"{nodes.cn.url}/alerts/{alert_id}", "#flag-reason")
    expect(cn.locator("h1")).to_have_text(name)
    walk.step(cn, "cn-replica")
    cn.fill("#flag-reason", "境内无此人 / không có trên lãnh thổ / not on our territory")
    cn.locator(f"form[action='/alerts/{alert_id}/flag'] button[type=submit]").click()
    cn.wait_for_url("**?done=flagged")
    expect(cn.locator(".flash.ok")).to_have_text(_("Your flag was recorded and sent to the issuing side."))
    walk.step(cn, "cn-flagged")

    # The owner sees the flag, then withdraws the alert, confirming first.
    open_until(vn, alert_url, "li:has-text('not on our territory')")
    walk.step(vn, "vn-alert-flagged")
    vn.locator(f"a[href='/alerts/{alert_id}/withdraw']").click()
    expect(vn.locator(".card.urgent strong").first).to_have_text(_("This cannot be undone."))
    walk.step(vn, "vn-withdraw-confirm")
    vn.locator(f"form[action='/alerts/{alert_id}/withdraw'] button[type=submit]").click()
    vn.wait_for_url("**?done=withdrawn")
    expect(vn.locator(".flash.ok")).to_have_text(_("The alert was withdrawn. It no longer appears in checks."))
    walk.step(vn, "vn-withdrawn")

    # Withdrawn, the alert no longer answers the officer's check.
    officer.goto(f"{nodes.vn.url}/screening/check")
    officer.fill("#name", name)
    officer.locator("form[action='/screening/check'] button[type=submit]").click()
    expect(officer.locator("#results-heading")).to_be_visible()
    expect(officer.locator(f"#results a[href='/alerts/{alert_id}']")).to_have_count(0)
    walk.step(officer, "vn-check-after-withdrawal")
