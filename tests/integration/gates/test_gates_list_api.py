"""`GET /api/v1/gates`: the gates with their lanes, and hours shown in each gate's own zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import PASSWORD, Persona

from borderlink.clock import ManualClock
from borderlink.directory import accounts
from borderlink.node import Node

Bearer = Callable[[str], dict[str, str]]


def _gates(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/gates", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return {gate["unit_code"]: gate for gate in response.json()}


def _hours(gate: dict[str, Any]) -> dict[str, tuple[str, str, bool]]:
    return {h["traffic"]: (h["opens"], h["closes"], h["open_now"]) for h in gate["hours"]}


def test_gates_of_both_parties_face_each_other(app_client: TestClient, personas: dict[str, Persona],
                                               bearer: Bearer) -> None:
    gates = _gates(app_client, bearer("mongcai.officer"))
    assert len(gates) == 16
    assert gates["VN-QN-MONGCAI"]["facing_unit_code"] == "CN-GX-DONGXING"
    assert gates["CN-YN-HEKOU"]["facing_unit_code"] == "VN-LC-LAOCAI"
    assert gates["VN-LS-HUUNGHI"]["name_en"] == "Hữu Nghị International Border Gate Post"
    lanes = {lane["code"]: lane for lane in gates["VN-QN-MONGCAI"]["lanes"]}
    assert lanes["BL2-G1"] == {"code": "BL2-G1", "traffic": "goods", "direction": "both", "automatic": False,
                               "crossing_point": "Bắc Luân II"}
    only_cn = _gates(app_client, bearer("mongcai.officer"), party="CN")
    assert {code[:3] for code in only_cn} == {"CN-"}
    assert len(only_cn) == 8


def test_hours_and_open_now_follow_each_gates_zone(app_client: TestClient, node: Node,
                                                   personas: dict[str, Persona], bearer: Bearer) -> None:
    assert isinstance(node.clock, ManualClock)
    headers = bearer("qn.commander")
    node.clock.set(dt.datetime(2026, 11, 2, 12, 30, tzinfo=dt.UTC))
    gates = _gates(app_client, headers)
    huu_nghi, youyiguan = gates["VN-LS-HUUNGHI"], gates["CN-GX-YOUYIGUAN"]
    assert (huu_nghi["timezone"], youyiguan["timezone"]) == ("Asia/Ho_Chi_Minh", "Asia/Shanghai")
    assert huu_nghi["local_time"].startswith("2026-11-02T19:30:00+07:00")
    assert youyiguan["local_time"].startswith("2026-11-02T20:30:00+08:00")
    assert _hours(huu_nghi) == {"people": ("07:00", "20:00", True), "goods": ("07:00", "18:00", False)}
    assert _hours(youyiguan) == {"people": ("08:00", "21:00", True), "goods": ("08:00", "19:00", False)}
    node.clock.set(dt.datetime(2026, 11, 2, 13, 0, tzinfo=dt.UTC))
    later = _gates(app_client, headers)
    assert _hours(later["VN-LS-HUUNGHI"])["people"][2] is False
    assert _hours(later["CN-GX-YOUYIGUAN"])["people"][2] is False
    assert later["VN-TQ-THANHTHUY"]["hours"] == []


def test_any_signed_in_role_reads_gates_and_anonymous_gets_401(app_client: TestClient, node: Node,
                                                                bearer: Bearer) -> None:
    assert app_client.get("/api/v1/gates").status_code == 401
    with node.transaction() as session:
        accounts.create_user(session, username="hn.viewer", password=PASSWORD, unit_code="VN-LS-HUUNGHI",
                             role="viewer", display_name="Viewer", now=node.clock.now())
    assert len(_gates(app_client, bearer("hn.viewer"))) == 16


@pytest.mark.parametrize("party", ["XX", "VNM"])
def test_unknown_party_is_refused(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
                                  party: str) -> None:
    response = app_client.get("/api/v1/gates", headers=bearer("mongcai.officer"), params={"party": party})
    assert response.status_code == 422
