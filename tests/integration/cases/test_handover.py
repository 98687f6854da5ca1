"""Handover of a fugitive at Móng Cái–Dongxing: proposal, another time, acceptance, and the two
confirmations at the gate without which it is never complete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, api, open_case
from tests.support.two_nodes import browser

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


def test_a_handover_from_a_case_takes_its_persons_and_their_wanted_alert(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    from tests.integration.cases.test_protection import WANTED
    from tests.integration.hotline.conftest import browser

    alert = api(pair, clients, "CN", "nia.analyst", "POST", "/alerts", 201, json=WANTED)
    pair.pump()
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    shown = api(pair, clients, "VN", "qn.commander", "POST", f"{path}/persons", 201, json={
        "role": "suspect", "name": "陈大龙", "other_names": ["Trần Đại Long"], "birth_date": "1979-03-02",
        "nationality": "CHN", "gender": "M"})
    suspect = shown["persons"][0]["id"]
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/persons", 201,
        json={"role": "informant", "name": "Hoàng Văn Tư"})
    informant = next(p["id"] for p in api(pair, clients, "VN", "qn.commander", "GET", path)["persons"]
                     if p["role"] == "informant")
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/links", 201,
        json={"link_type": "alert", "target_id": alert["id"], "person_id": suspect})
    page = browser(pair, "VN", "qn.commander")
    form = page.get(f"/handovers/new?case_id={case['id']}&lang=en").text
    assert f'name="case_person_ids" value="{suspect}"' in form
    assert informant not in form  # an informant is never handed over, nor offered
    refused = page.post("/handovers/new?lang=en", data={
        "kind": "fugitive", "case_id": case["id"], "case_person_ids": [informant], "gate_code": "VN-QN-MONGCAI",
        "planned_at": "2026-11-03T09:00"})
    assert refused.status_code == 422
    assert "An informant is never named to the other side." in refused.text
    made = page.post("/handovers/new", data={
        "kind": "fugitive", "case_id": case["id"], "case_person_ids": [suspect], "gate_code": "VN-QN-MONGCAI",
        "planned_at": "2026-11-03T09:00"})
    assert made.status_code == 303, made.text
    handover_path, notice = made.headers["location"].split("?")
    assert notice == "done=proposed"
    handover_id = handover_path.rsplit("/", 1)[1]
    pair.pump()
    received = api(pair, clients, "CN", "gx.commander", "GET", f"/handovers/{handover_id}")
    assert received["alert_id"] == alert["id"]
    assert received["persons"] == [{"case_person_id": suspect, "name": "陈大龙", "other_names": ["Trần Đại Long"],
                                    "birth_date": "1979-03-02", "nationality": "CHN", "gender": "M"}]
    api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{handover_id}/accept", 200)
    pair.pump()
    api(pair, clients, "VN", "mongcai.officer", "POST", f"/handovers/{handover_id}/confirm", 200)
    api(pair, clients, "CN", "dongxing.officer", "POST", f"/handovers/{handover_id}/confirm", 200)
    pair.pump()
    for party, user in (("CN", "nia.analyst"), ("VN", "qn.commander")):
        assert api(pair, clients, party, user, "GET", f"/alerts/{alert['id']}")["status"] == "fulfilled"
    # A person of another case is not this case's.
    other = open_case(pair, clients)
    api(pair, clients, "VN", "qn.commander", "POST", "/handovers", 422, json={
        "kind": "fugitive", "case_id": other["id"], "gate_code": "VN-QN-MONGCAI", "planned_at": PLANNED,
        "persons": [{"case_person_id": suspect}]})


def test_cancelling_a_handover_on_its_page_asks_first(pair: Pair, clients: dict[str, TestClient]) -> None:
    handover = propose(pair, clients)
    page = browser(pair, "VN", "qn.commander")
    path = f"/handovers/{handover['id']}"
    asked = page.post(f"{path}/cancel?lang=en", data={"reason": "The court revoked the warrant"})
    assert asked.status_code == 200
    assert "Yes, cancel the handover" in asked.text
    assert api(pair, clients, "VN", "qn.commander", "GET", path)["status"] == "proposed"
    done = page.post(f"{path}/cancel", data={"reason": "The court revoked the warrant", "confirmed": "yes"})
    assert done.status_code == 303, done.text
    assert api(pair, clients, "VN", "qn.commander", "GET", path)["status"] == "cancelled"
    assert browser(pair, "VN", "laocai.officer").post(f"{path}/cancel", data={"reason": "x"}).status_code in (403, 404)
