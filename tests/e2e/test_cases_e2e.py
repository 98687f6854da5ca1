"""A joint case and a handover between two real node processes talking over the federation
exchange: Quảng Ninh opens a joint drug case with Guangxi, Guangxi adds a raid with its seizures,
both sides hold the same case and timeline while Quảng Ninh's internal note stays in Vietnam; then
Vietnam hands a fugitive wanted by China over at Móng Cái–Dongxing, China accepts, both gate
officers confirm, and the wanted alert is fulfilled on both nodes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.e2e.nodes import NodePair, poll

pytestmark = pytest.mark.e2e
DELIVERY_TIMEOUT = 30.0  # seconds; generous for a loaded machine


@pytest.fixture(scope="module")
def pair(shared_pair: NodePair) -> NodePair:
    return shared_pair


@pytest.fixture(scope="module")
def clients(pair: NodePair) -> Iterator[dict[str, httpx.Client]]:
    users = {"qn": (pair.vn, "qn.commander"), "mongcai": (pair.vn, "mongcai.officer"),
             "gx": (pair.cn, "gx.commander"), "dongxing": (pair.cn, "dongxing.officer"),
             "cn_analyst": (pair.cn, "analyst")}
    made = {name: node.client(user) for name, (node, user) in users.items()}
    yield made
    for client in made.values():
        client.close()


def call(client: httpx.Client, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
    response = client.request(method, f"/api/v1{path}", **kwargs)
    assert response.status_code == expect, response.text
    return response.json()


def seen(client: httpx.Client, path: str) -> dict[str, Any] | None:
    response = client.get(f"/api/v1{path}")
    return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]


def test_joint_case_and_handover_across_two_nodes(pair: NodePair, clients: dict[str, httpx.Client]) -> None:
    case = call(clients["qn"], "POST", "/cases", 201, json={
        "title": "Heroin route Móng Cái – Dongxing / 东兴海洛因通道", "case_type": "drug_trafficking",
        "offence_codes": ["06012"], "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"],
        "legal_basis": "Agreement on crime prevention between the two ministries"})
    path = f"/cases/{case['id']}"
    poll(lambda: seen(clients["gx"], path), DELIVERY_TIMEOUT, message="the case reaches Guangxi")
    call(clients["gx"], "POST", f"{path}/operations", 201, json={
        "kind": "raid", "on_date": "2026-11-05", "place": "东兴市江平镇", "unit_codes": ["CN-GX-DONGXING"],
        "arrested": 2, "seizures": [{"item_type": "heroin", "quantity": "3.2", "unit": "kg"}]})
    call(clients["qn"], "POST", f"{path}/notes", 201, json={"body": "Nguồn tin nội bộ", "shared": False})
    vn = poll(lambda: (found := seen(clients["qn"], path)) and found["operations"] and found, DELIVERY_TIMEOUT,
              message="Guangxi's raid reaches the owner")
    cn = poll(lambda: (found := seen(clients["gx"], path)) and len(found["timeline"]) == len(vn["timeline"])
              and found, DELIVERY_TIMEOUT, message="the owner shares the raid back")
    assert [(e["id"], e["kind"]) for e in vn["timeline"]] == [(e["id"], e["kind"]) for e in cn["timeline"]]
    assert cn["operations"][0]["seizures"][0]["quantity"] == "3.2"
    assert [n["body"] for n in vn["notes"]] == ["Nguồn tin nội bộ"]
    assert cn["notes"] == []

    alert = call(clients["cn_analyst"], "POST", "/alerts", 201, json={
        "kind": "wanted", "person": {"names": ["陈大龙"], "birth_date": "1979-03-02", "gender": "M",
                                     "nationality": "CHN"},
        "offence_code": "06012",
        "legal_basis": {"reference": "桂公逮字〔2026〕12号", "authority": "广西壮族自治区公安厅",
                        "date": "2026-10-01"}})
    poll(lambda: seen(clients["qn"], f"/alerts/{alert['id']}"), DELIVERY_TIMEOUT, message="the alert reaches VN")
    planned = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
    handover = call(clients["qn"], "POST", "/handovers", 201, json={
        "kind": "fugitive", "alert_id": alert["id"], "case_id": case["id"], "gate_code": "VN-QN-MONGCAI",
        "planned_at": planned.isoformat(), "persons": [{"name": "陈大龙", "other_names": ["Trần Đại Long"]}],
        "escorts": ["Nguyễn Văn An"], "checklist": [{"item": "passport", "kind": "document"}]})
    hpath = f"/handovers/{handover['id']}"
    poll(lambda: seen(clients["gx"], hpath), DELIVERY_TIMEOUT, message="the proposal reaches China")
    call(clients["gx"], "POST", f"{hpath}/accept")
    poll(lambda: (found := seen(clients["mongcai"], hpath)) and found["status"] == "accepted", DELIVERY_TIMEOUT,
         message="the acceptance reaches Vietnam")
    call(clients["mongcai"], "POST", f"{hpath}/confirm")
    poll(lambda: (found := seen(clients["dongxing"], hpath)) and len(found["confirmations"]) == 1,
         DELIVERY_TIMEOUT, message="Móng Cái's confirmation reaches Dongxing")
    assert call(clients["cn_analyst"], "GET", f"/alerts/{alert['id']}")["status"] == "active"
    done = call(clients["dongxing"], "POST", f"{hpath}/confirm")
    assert done["status"] == "completed"
    for client in (clients["cn_analyst"], clients["qn"]):
        poll(lambda c=client: (found := seen(c, f"/alerts/{alert['id']}")) and found["status"] == "fulfilled",
             DELIVERY_TIMEOUT, message="the wanted alert is fulfilled")
    vn_handover = poll(lambda: (found := seen(clients["qn"], hpath)) and found["status"] == "completed" and found,
                       DELIVERY_TIMEOUT, message="the handover is complete in Vietnam")
    assert [e["id"] for e in vn_handover["timeline"]] == [e["id"] for e in seen(clients["gx"], hpath)["timeline"]]


