"""Records the browser tests open, made through each node's API as a client would: a wanted alert,
a joint case with a handover, a joint patrol. Names carry a run's own suffix, so records made by
other tests on the same nodes never meet them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from tests.e2e.nodes import NodePair, poll

DELIVERY = 30.0  # seconds a record may take to cross the exchange on a loaded machine
BIRTH_DATE = "1984-06-02"  # of every alert's person
GIVEN_NAMES = ["Văn", "Thị", "Quang", "Minh", "Hữu", "Ngọc", "Xuân", "Đức", "Thu"]


def _made(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def person_name(family: str = "Lục") -> str:
    """A Vietnamese name no other record of the run has."""
    pick = uuid.uuid4().int
    return f"{family} {GIVEN_NAMES[pick % len(GIVEN_NAMES)]} {GIVEN_NAMES[(pick // 9) % len(GIVEN_NAMES)]}{pick % 997}"


def issue_alert(nodes: NodePair, name: str | None = None) -> dict[str, Any]:
    """A wanted alert issued by VN's central analyst to everyone."""
    with nodes.vn.client("analyst") as api:
        return _made(api.post("/api/v1/alerts", json={
            "kind": "wanted", "person": {"names": [name or person_name()], "birth_date": BIRTH_DATE, "gender": "M",
                                         "nationality": "VNM"},
            "offence_code": "06012", "handling_code": "H0",
            "legal_basis": {"reference": "QĐ-17/2026", "authority": "Bộ Công an", "date": "2026-10-01"}}))


def cross_at_mong_cai(nodes: NodePair, name: str) -> dict[str, Any]:
    """The person of an alert of `issue_alert` entering at Móng Cái: the gate's check finds the alert."""
    with nodes.vn.client("mongcai.officer", timeout=90.0) as api:  # the first check opens the screening index
        crossing = _made(api.post("/api/v1/gates/crossings", json={
            "direction": "entry", "lane": "BL1-IN", "purpose": "trade",
            "person": {"names": [name], "birth_date": BIRTH_DATE, "nationality": "VNM"}}))
    assert crossing["check"]["result"] == "hit", crossing["check"]
    return crossing


def open_case_with_handover(nodes: NodePair) -> tuple[dict[str, Any], dict[str, Any]]:
    """A joint drug case of Quảng Ninh with Guangxi and Dongxing, and a fugitive's handover at Móng Cái."""
    with nodes.vn.client("qn.commander") as api:
        case = _made(api.post("/api/v1/cases", json={
            "title": f"Heroin route Móng Cái – Dongxing {uuid.uuid4().hex[:6]}", "case_type": "drug_trafficking",
            "offence_codes": ["06012"], "summary": "Couriers carry heroin across the Ka Long river by night.",
            "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"]}))
        handover = _made(api.post("/api/v1/handovers", json={
            "kind": "fugitive", "case_id": case["id"], "gate_code": "VN-QN-MONGCAI",
            "planned_at": "2026-12-20T02:00:00Z",
            "persons": [{"name": "陈大龙", "other_names": ["CHEN DALONG"], "birth_date": "1979-03-02",
                         "nationality": "CHN", "gender": "M"}],
            "escorts": ["Nguyễn Văn An"], "checklist": [{"item": "passport E12345678", "kind": "document"}]}))
    return case, handover


def propose_patrol(nodes: NodePair) -> dict[str, Any]:
    """A joint patrol Móng Cái proposes to Dongxing."""
    with nodes.vn.client("mongcai.officer") as api:
        return _made(api.post("/api/v1/patrols", json={
            "starts_at": "2026-12-15T07:00:00+07:00", "ends_at": "2026-12-15T13:00:00+07:00",
            "marker_from": "1088/2", "marker_to": "1089",
            "route": "Ka Long river bank, Bắc Luân bridge to marker 1089",
            "participants": [{"name": "Nguyễn Văn An", "title": "Thượng úy"}]}))


def hold_conference(nodes: NodePair) -> tuple[dict[str, Any], dict[str, Any]]:
    """A ministerial conference VN hosts, with a commitment on Quảng Ninh."""
    with nodes.vn.client("analyst") as api:
        conference = _made(api.post("/api/v1/engagements", json={
            "kind": "ministerial", "title": "Hội nghị bộ trưởng về phòng chống tội phạm", "place": "Hà Nội",
            "host_party": "VN",
            "starts_at": "2026-12-10T09:00:00+07:00", "ends_at": "2026-12-10T17:00:00+07:00",
            "delegations": [{"party": "VN", "size": 20}, {"party": "CN", "size": 16}]}))
        commitment = _made(api.post("/api/v1/commitments", json={
            "engagement_id": conference["id"], "text": "Exchange lists of wanted fugitives",
            "responsible_unit_code": "VN-QN", "due_on": "2027-04-30"}))
    return conference, commitment


def wait_on_cn(nodes: NodePair, username: str, path: str) -> dict[str, Any]:
    """The record at `path` of CN's API once it has arrived there."""
    with nodes.cn.client(username) as api:
        def arrived() -> dict[str, Any] | None:
            response = api.get(path)
            return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]
        found: dict[str, Any] = poll(arrived, DELIVERY, message=f"{path} reaches the CN node")
        return found


def open_until(page: Page, url: str, selector: str, seconds: float = DELIVERY) -> None:
    """Open `url` again until `selector` is on it: what the other node sends arrives by itself,
    but a page that does not update live shows it only when opened again."""
    for _attempt in range(int(seconds)):
        page.goto(url)
        if page.locator(selector).count():
            return
        page.wait_for_timeout(1000)
    expect(page.locator(selector).first).to_be_visible()
