"""Handover of a fugitive at Móng Cái–Dongxing: proposal, another time, acceptance, and the two
confirmations at the gate without which it is never complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, api, open_case

PLANNED = "2026-11-03T02:00:00Z"  # 09:00 in Móng Cái, 10:00 in Dongxing


def propose(pair: Pair, clients: dict[str, TestClient], **changes: Any) -> dict[str, Any]:
    case = open_case(pair, clients)
    body = {"kind": "fugitive", "case_id": case["id"], "gate_code": "VN-QN-MONGCAI", "planned_at": PLANNED,
            "persons": [{"name": "陈大龙", "other_names": ["Trần Đại Long", "CHEN DALONG"], "birth_date": "1979-03-02",
                         "nationality": "CHN", "gender": "M"}],
            "escorts": ["Nguyễn Văn An", "Lê Minh Đức"],
            "checklist": [{"item": "passport E12345678", "kind": "document"},
                          {"item": "mobile phone", "kind": "belonging"}], **changes}
    created: dict[str, Any] = api(pair, clients, "VN", "qn.commander", "POST", "/handovers", 201, json=body)
    pair.pump()
    return created


def test_a_handover_is_complete_only_with_both_confirmations(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = propose(pair, clients)
    assert created["status"] == "proposed"
    assert created["receiving_gate_code"] == "CN-GX-DONGXING"
    assert created["planned_local"] == {"VN": "2026-11-03 09:00 (UTC+07:00)", "CN": "2026-11-03 10:00 (UTC+08:00)"}
    hid = created["id"]
    cn = api(pair, clients, "CN", "dongxing.officer", "GET", f"/handovers/{hid}")
    assert cn["status"] == "proposed"
    assert cn["persons"][0]["name"] == "陈大龙"

    # Nobody confirms before the handover is agreed.
    api(pair, clients, "VN", "mongcai.officer", "POST", f"/handovers/{hid}/confirm", 422)
    # The receiving side proposes another time; the handing side accepts it.
    api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{hid}/counter", 200,
        json={"planned_at": "2026-11-03T06:00:00Z"})
    api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{hid}/accept", 422)  # not theirs to accept now
    pair.pump()
    accepted = api(pair, clients, "VN", "qn.commander", "POST", f"/handovers/{hid}/accept", 200)
    assert accepted["status"] == "accepted"
    assert accepted["planned_at"] == "2026-11-03T06:00:00Z"
    pair.pump()
    assert api(pair, clients, "CN", "dongxing.officer", "GET", f"/handovers/{hid}")["planned_at"] == \
        "2026-11-03T06:00:00Z"

    # Only the gate's own officer confirms, once.
    api(pair, clients, "VN", "qn.commander", "POST", f"/handovers/{hid}/confirm", 403)
    one = api(pair, clients, "VN", "mongcai.officer", "POST", f"/handovers/{hid}/confirm", 200)
    assert one["status"] == "accepted"
    api(pair, clients, "VN", "mongcai.officer", "POST", f"/handovers/{hid}/confirm", 422)
    pair.pump()
    assert api(pair, clients, "CN", "dongxing.officer", "GET", f"/handovers/{hid}")["status"] == "accepted"
    pair.clock.advance(dt.timedelta(minutes=1))
    done = api(pair, clients, "CN", "dongxing.officer", "POST", f"/handovers/{hid}/confirm", 200)
    assert done["status"] == "completed"
    pair.pump()
    vn = api(pair, clients, "VN", "qn.commander", "GET", f"/handovers/{hid}")
    assert vn["status"] == "completed"
    assert vn["completed_at"] == done["completed_at"]
    assert [(c["party"], c["unit_code"]) for c in vn["confirmations"]] == [("VN", "VN-QN-MONGCAI"),
                                                                           ("CN", "CN-GX-DONGXING")]
    assert [(e["id"], e["kind"]) for e in vn["timeline"]] == [(e["id"], e["kind"]) for e in done["timeline"]]
    assert [e["kind"] for e in vn["timeline"]] == ["proposed", "countered", "accepted", "confirmed", "confirmed",
                                                   "completed"]


def test_a_victim_is_received_by_a_named_protection_service(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = propose(pair, clients, kind="victim", persons=[{"name": "Lò Thị Mai", "gender": "F"}])
    api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{created['id']}/accept", 422)
    accepted = api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{created['id']}/accept", 200,
                   json={"protection_service": "东兴市救助管理站 / Dongxing assistance centre"})
    assert accepted["protection_service"].startswith("东兴市")
    pair.pump()
    assert api(pair, clients, "VN", "qn.commander", "GET", f"/handovers/{created['id']}")["status"] == "accepted"


def test_outsiders_do_not_see_a_handover(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = propose(pair, clients)
    api(pair, clients, "VN", "laocai.officer", "GET", f"/handovers/{created['id']}", 404)
    api(pair, clients, "CN", "hekou.officer", "GET", f"/handovers/{created['id']}", 404)
    api(pair, clients, "CN", "hekou.officer", "POST", f"/handovers/{created['id']}/confirm", 404)
