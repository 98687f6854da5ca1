"""Border-resident passes, entry and exit matching, overstays with the node's clock, and the gate
dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts

from borderlink.clock import ManualClock
from borderlink.gates import passes
from borderlink.gates.models import OVERSTAY_TYPE
from borderlink.node import Node
from borderlink.shared import workfeed

Bearer = Callable[[str], dict[str, str]]
PASS: dict[str, Any] = {
    "number": "cn-dx-2026-0088", "holder": {"names": ["黄丽", "Hoàng Lệ"], "birth_date": "1983-05-05", "sex": "F",
                                            "nationality": "CHN"},
    "commune": "东兴镇", "permitted_area": "Thành phố Móng Cái", "children": [{"names": ["黄小明"]}],
    "valid_from": "2026-10-01", "valid_until": "2027-09-30",
}


def register(app_client: TestClient, bearer: Bearer, **changes: Any) -> dict[str, Any]:
    response = app_client.post("/api/v1/gates/passes", json={**PASS, **changes}, headers=bearer("mongcai.officer"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_pass_is_valid_for_at_most_twelve_months(app_client: TestClient, personas: dict[str, Persona],
                                                   bearer: Bearer, held_alerts: HeldAlerts) -> None:
    too_long = app_client.post("/api/v1/gates/passes", json={**PASS, "valid_until": "2027-10-01"},
                               headers=bearer("mongcai.officer"))
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "valid_until"
    created = register(app_client, bearer)
    assert created["number"] == "CN-DX-2026-0088"
    assert created["children"] == [{"names": ["黄小明"]}]
    again = app_client.post("/api/v1/gates/passes", json=PASS, headers=bearer("mongcai.officer"))
    assert again.status_code == 409
    shown = app_client.get("/api/v1/gates/passes/CN-DX-2026-0088", headers=bearer("laocai.officer"))
    assert shown.status_code == 200


def test_an_entry_without_exit_after_the_stay_is_an_overstay_in_the_gate_and_province_feeds(
        node: Node, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    register(app_client, bearer)
    officer = bearer("mongcai.officer")
    entered = app_client.post("/api/v1/gates/crossings", headers=officer, json={
        "direction": "entry", "border_pass": "CN-DX-2026-0088", "purpose": "border_resident"})
    assert entered.status_code == 201, entered.text
    body = entered.json()
    assert (body["names"][0], body["document_type"], body["border_pass"]) == ("黄丽", "border_pass", "CN-DX-2026-0088")
    assert app_client.get("/api/v1/gates/overstays", headers=officer).json() == []
    clock = node.clock
    assert isinstance(clock, ManualClock)
    clock.advance(dt.timedelta(days=7, minutes=1))
    listed = app_client.get("/api/v1/gates/overstays", headers=bearer("qn.commander")).json()
    assert [o["crossing_id"] for o in listed] == [body["id"]]
    with node.transaction() as session:
        assert passes.report_overstays(session, clock.now()) == 1
        assert passes.report_overstays(session, clock.now()) == 0
        units = {e.unit_id for e in workfeed.entries_of(session, workfeed.ObjectRef(OVERSTAY_TYPE, body["id"]))}
    assert len(units) == 2  # the gate's and the province's
    left = app_client.post("/api/v1/gates/crossings", headers=officer, json={
        "direction": "exit", "border_pass": "CN-DX-2026-0088"})
    assert left.status_code == 201
    assert app_client.get("/api/v1/gates/overstays", headers=officer).json() == []
    entry = app_client.get(f"/api/v1/gates/crossings/{body['id']}", headers=officer).json()
    assert entry["exit_crossing_id"] == left.json()["id"]


def test_the_node_setting_changes_the_allowed_stay(node: Node, app_client: TestClient, personas: dict[str, Persona],
                                                   bearer: Bearer, held_alerts: HeldAlerts) -> None:
    assert app_client.put("/api/v1/gates/settings", json={"pass_stay_days": 3},
                          headers=bearer("mongcai.officer")).status_code == 403
    changed = app_client.put("/api/v1/gates/settings", json={"pass_stay_days": 3, "hit_urgent_minutes": 30},
                             headers=bearer("node.admin"))
    assert changed.json() == {"hit_urgent_minutes": 30, "hit_other_minutes": 720, "pass_stay_days": 3}
    register(app_client, bearer)
    app_client.post("/api/v1/gates/crossings", headers=bearer("mongcai.officer"),
                    json={"direction": "entry", "border_pass": "CN-DX-2026-0088"})
    assert isinstance(node.clock, ManualClock)
    node.clock.advance(dt.timedelta(days=3, seconds=1))
    assert len(app_client.get("/api/v1/gates/overstays", headers=bearer("mongcai.officer")).json()) == 1


def test_an_expired_pass_is_refused(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
                                    held_alerts: HeldAlerts) -> None:
    register(app_client, bearer, valid_from="2025-09-01", valid_until="2026-08-31")
    refused = app_client.post("/api/v1/gates/crossings", headers=bearer("mongcai.officer"),
                              json={"direction": "entry", "border_pass": "CN-DX-2026-0088"})
    assert refused.status_code == 422
    assert refused.json()["field"] == "border_pass"


def test_the_dashboard_counts_today_at_the_gate(app_client: TestClient, personas: dict[str, Persona],
                                                bearer: Bearer, held_alerts: HeldAlerts) -> None:
    officer = bearer("mongcai.officer")
    for direction in ("entry", "entry", "exit"):
        assert app_client.post("/api/v1/gates/crossings", headers=officer, json={
            "direction": direction, "person": {"names": ["Vũ Văn Nam"]}}).status_code == 201
    board = app_client.get("/api/v1/gates/dashboard", headers=officer).json()
    assert (board["crossings_today"], board["entries_today"], board["exits_today"]) == (3, 2, 1)
    # 03:00 UTC is 10:00 at Móng Cái: the crossings fall in the gate's hour 10.
    assert board["by_hour"][10] == {"hour": 10, "entry": 2, "exit": 1}
    assert app_client.get("/api/v1/gates/dashboard", params={"gate": "VN-QN-MONGCAI"},
                          headers=bearer("qn.commander")).status_code == 200
    assert app_client.get("/api/v1/gates/dashboard", params={"gate": "VN-QN-MONGCAI"},
                          headers=bearer("laocai.officer")).status_code == 404

