"""A hit at the gate in real browsers, as the people of both sides would see it: China's analyst
has a wanted alert for 王晓红; at Móng Cái a Vietnamese officer pastes the zone of her Chinese
passport (WANG XIAOHONG, born 1993-09-07) into the desk and records her entry; the check shows red
with why it matched and what to do; China's owning unit sees the hit arrive on its open hits page
and confirms it is her; the officer's open hit page turns to confirmed, and the officer records
the outcome. Every step is checked for sideways scrolling at 390 px, axe findings, console errors
and unlabelled fields.

The nodes are shared with other tests, which issue their own alert for the 王晓红 born 1988; this
one is born on another day, so China's alert for her is a person of her own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import expect
from tests.browser.journey import Journey, log_in
from tests.e2e.nodes import NodePair, poll

from borderlink.domains import code_lists
from borderlink.gates.mrz import MrzFormat
from borderlink.gates.mrz_compose import DocumentFields, compose
from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

BIRTH_DATE = "1993-09-07"
WANG_MRZ = compose(DocumentFields(MrzFormat.TD3, "P", "CHN", "WANG", "XIAOHONG", "E23456789", "CHN", "930907", "F",
                                  dt.date(2030, 5, 1)))
LEGAL_BASIS = {"reference": "桂公逮字〔2026〕9号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"}
LIVE = 30_000  # ms: how long a hit report or an answer may take to cross the exchange
FIRST_USE = 90.0  # s: the first check after a start waits for the screening index to open


def _wanted_wang(nodes: NodePair) -> str:
    """China's wanted alert for 王晓红, issued through its API, and its replica on Viet Nam's node."""
    with nodes.cn.client("analyst", timeout=FIRST_USE) as analyst:
        response = analyst.post("/api/v1/alerts", json={
            "kind": "wanted", "offence_code": "06012", "legal_basis": LEGAL_BASIS, "handling_code": "H0",
            "person": {"names": ["王晓红"], "birth_date": BIRTH_DATE, "gender": "F", "nationality": "CHN"}})
    assert response.status_code == 201, response.text
    alert_id: str = response.json()["id"]
    poll(lambda: httpx.get(f"{nodes.vn.url}/api/v1/alerts/{alert_id}", headers=nodes.vn.headers("mongcai.officer"),
                           timeout=10).status_code == 200, LIVE / 1000, message="the alert's replica on VN")
    return alert_id


def test_a_gate_hit_from_the_pasted_zone_to_the_owners_confirmation_and_the_outcome(
        nodes: NodePair, journey: Callable[..., Journey]) -> None:
    vi = translator("vi")
    alert_id = _wanted_wang(nodes)
    gate = journey(locale="vi-VN")
    owner = journey(locale="zh-CN")
    officer, china = gate.new_page(), owner.new_page()

    # China's owning unit keeps its hits page open.
    log_in(china, nodes.cn, "analyst", "zh_Hans", owner)
    china.goto(f"{nodes.cn.url}/gates/hits")
    owner.step(china, "cn-hits-before")

    log_in(officer, nodes.vn, "mongcai.officer", "vi", gate)
    officer.goto(f"{nodes.vn.url}/gates")
    gate.step(officer, "vn-desk")
    officer.fill("#mrz", WANG_MRZ)  # pasted, as from the passport reader
    officer.select_option("#direction", "entry")
    gate.step(officer, "vn-desk-zone-pasted")
    officer.locator("#crossing-form button[type=submit]").click()
    result = officer.locator("#check-result")
    expect(result).to_have_attribute("data-result", "hit", timeout=int(FIRST_USE * 1000))
    expect(result).to_have_class("flash error")
    expect(result).to_contain_text("WANG XIAOHONG")
    arrest = code_lists()["gates.action"].label("arrest", "vi")
    expect(result).to_contain_text(arrest)
    expect(officer.locator("div.flash.ok[role=status]")).to_contain_text(vi("The crossing was recorded and checked."))
    gate.step(officer, "vn-check-red")

    # Which of the hits is on this run's alert (other runs on these nodes may have their own).
    crossing_id = officer.url.split("?")[0].rsplit("/", 1)[-1]
    with nodes.vn.client("mongcai.officer") as api:
        hits = api.get(f"/api/v1/gates/crossings/{crossing_id}").json()["check"]["hits"]
    [hit_id] = [hit["id"] for hit in hits if hit["alert_id"] == alert_id]

    # The hit arrives on China's open page by itself.
    link = china.locator(f"#hits-live a[href='/gates/hits/{hit_id}']")
    expect(link).to_be_visible(timeout=LIVE)
    owner.step(china, "cn-hits-live")

    # The officer keeps the hit's page open while China answers.
    officer.goto(f"{nodes.vn.url}/gates/hits/{hit_id}")
    expect(officer.locator("#hit-status [data-status]")).to_have_attribute("data-status", "pending")
    gate.step(officer, "vn-hit-pending")

    link.click()
    expect(china.locator("body")).to_contain_text("WANG XIAOHONG")
    china.fill("#answer-note", "照片与本人相符")
    owner.step(china, "cn-hit-to-answer")
    china.locator("button[name=decision][value=confirm]").click()
    expect(china.locator("#hit-status [data-status]")).to_have_attribute("data-status", "confirmed")
    expect(china.locator("#hit-status")).to_contain_text(code_lists()["gates.hit_status"].label("confirmed",
                                                                                                  "zh_Hans"))
    owner.step(china, "cn-hit-confirmed")

    # Viet Nam's open page turns to confirmed by itself; the officer records the outcome.
    expect(officer.locator("#hit-status [data-status]")).to_have_attribute("data-status", "confirmed", timeout=LIVE)
    gate.step(officer, "vn-hit-confirmed")
    officer.select_option("#outcome", "held")
    officer.fill("#outcome-note", "Đã tạm giữ tại cửa khẩu Móng Cái")
    officer.locator("form[action$='/outcome'] button[type=submit]").click()
    expect(officer.locator("body")).to_contain_text(code_lists()["gates.outcome"].label("held", "vi"))
    expect(officer.locator("#outcome")).to_have_count(0)
    notice = officer.locator("div.flash.ok[role=status]")
    expect(notice).to_contain_text(vi("The outcome was recorded; the alert's owner sees it."))
    gate.step(officer, "vn-outcome-recorded")
    assert vi("Outcome") in officer.content()

    # The outcome travels back to the alert's owner.
    poll(lambda: httpx.get(f"{nodes.cn.url}/api/v1/hits/{hit_id}", headers=nodes.cn.headers("analyst"),
                           timeout=10).json().get("outcome") == "held", LIVE / 1000,
         message="the outcome on China's node")
