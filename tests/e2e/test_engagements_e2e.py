"""Engagements and joint patrols between two real node processes over the federation exchange.

Móng Cái (VN) proposes a joint patrol to Dongxing (CN), Dongxing accepts, both file their reports
and both nodes show the patrol complete with both reports. A ministerial conference with minutes
records two commitments; the one past due reaches the responsible unit's work feed through the
periodic job, and the next conference in the series, planned by the other side, lists it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.e2e.nodes import NodePair, PairFactory, poll

pytestmark = pytest.mark.e2e

DELIVERY_TIMEOUT = 20.0  # seconds; generous for a loaded machine, delivery normally takes well under 1 s


@pytest.fixture(scope="module")
def pair(node_pair_factory: PairFactory) -> NodePair:
    return node_pair_factory(env={"BORDERLINK_COMMITMENTS_DUE_INTERVAL_SECONDS": "0.3",
                                  "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}, name="engagements")


@pytest.fixture(scope="module")
def people(pair: NodePair) -> Iterator[dict[str, httpx.Client]]:
    names = {"mongcai": ("VN", "mongcai.officer"), "dongxing": ("CN", "dongxing.officer"),
             "vn_analyst": ("VN", "analyst"), "cn_analyst": ("CN", "analyst"), "qn": ("VN", "qn.commander")}
    clients = {key: pair[party].client(username) for key, (party, username) in names.items()}
    yield clients
    for client in clients.values():
        client.close()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def seen(client: httpx.Client, path: str) -> Any:
    response = client.get(path)
    return response.json() if response.status_code == 200 else None


def test_joint_patrol_round_trip(people: dict[str, httpx.Client]) -> None:
    mongcai, dongxing = people["mongcai"], people["dongxing"]
    patrol = ok(mongcai.post("/api/v1/patrols", json={
        "starts_at": "2026-12-15T07:00:00+07:00", "ends_at": "2026-12-15T13:00:00+07:00",
        "marker_from": "1088/2", "marker_to": "1089", "route": "Ka Long river bank, Bắc Luân bridge to marker 1089",
        "participants": [{"name": "Nguyễn Văn An", "title": "Thượng úy"}]}), 201)
    path = f"/api/v1/patrols/{patrol['id']}"
    received = poll(lambda: seen(dongxing, path), DELIVERY_TIMEOUT, message="the proposal reaches Dongxing")
    assert received["sector"] == "1088/2–1089"
    assert received["local_times"]["CN"]["starts_at"] == "2026-12-15T08:00:00+08:00"

    ok(dongxing.post(f"{path}/accept", json={"participants": [{"name": "王晓红", "title": "警官"}]}))
    poll(lambda: (seen(mongcai, path) or {}).get("status") == "agreed", DELIVERY_TIMEOUT,
         message="Móng Cái sees the acceptance")
    ok(mongcai.post(f"{path}/reports", json={"summary": "Route walked, marker 1089 damaged.",
                                              "incidents": [{"kind": "damaged_marker", "marker": "1089"}]}), 201)
    poll(lambda: len((seen(dongxing, path) or {}).get("reports", [])) == 1, DELIVERY_TIMEOUT,
         message="Dongxing holds Móng Cái's report")
    ok(dongxing.post(f"{path}/reports", json={"summary": "拦截非法越境人员2名。",
                                               "incidents": [{"kind": "intercepted", "count": 2}]}), 201)
    for client in (mongcai, dongxing):
        final = poll(lambda c=client: (v := seen(c, path)) and v["status"] == "completed" and v,
                     DELIVERY_TIMEOUT, message="both nodes show the patrol complete")
        assert sorted(r["party"] for r in final["reports"]) == ["CN", "VN"]
        assert {p["party"] for p in final["participants"]} == {"VN", "CN"}


def test_past_due_commitment_reaches_the_feed_and_the_next_conference(people: dict[str, httpx.Client]) -> None:
    vn, cn, province = people["vn_analyst"], people["cn_analyst"], people["qn"]
    seventh = ok(vn.post("/api/v1/engagements", json={
        "kind": "ministerial", "series": "ministerial_crime", "number": 7, "place": "Hà Nội", "host_party": "VN",
        "starts_at": "2026-03-10T09:00:00+07:00", "ends_at": "2026-03-10T17:00:00+07:00",
        "delegations": [{"party": "VN", "size": 20}, {"party": "CN", "size": 16}]}), 201)
    ok(vn.post(f"/api/v1/engagements/{seventh['id']}/held", json={
        "minutes": [{"language": "vi", "text": "Hai bên thống nhất trao đổi danh sách đối tượng truy nã."}]}))
    overdue = ok(vn.post("/api/v1/commitments", json={
        "engagement_id": seventh["id"], "text": "Exchange lists of wanted fugitives",
        "responsible_unit_code": "VN-QN", "due_on": "2026-04-30"}), 201)
    ok(vn.post("/api/v1/commitments", json={
        "engagement_id": seventh["id"], "text": "Joint course on telecom fraud",
        "responsible_unit_code": "CN-GX", "due_on": "2099-06-30"}), 201)

    due = poll(lambda: ok(province.get("/api/v1/commitments", params={"due": "true"})), DELIVERY_TIMEOUT,
               message="the past-due commitment is in Quảng Ninh's work feed")
    assert [c["id"] for c in due] == [overdue["id"]]
    assert due[0]["overdue"] is True

    poll(lambda: seen(cn, f"/api/v1/commitments/{overdue['id']}"), DELIVERY_TIMEOUT,
         message="the commitments reach the other side")
    eighth = ok(cn.post("/api/v1/engagements", json={
        "kind": "ministerial", "series": "ministerial_crime", "number": 8, "place": "北京", "host_party": "CN",
        "starts_at": "2027-03-10T09:00:00+08:00", "ends_at": "2027-03-10T17:00:00+08:00"}), 201)
    assert eighth["title"] == "8th ministerial conference on crime prevention"
    assert overdue["id"] in [c["id"] for c in eighth["previous_open_commitments"]]
    assert eighth["previous_id"] == seventh["id"]
    copy = poll(lambda: seen(vn, f"/api/v1/engagements/{eighth['id']}"), DELIVERY_TIMEOUT,
                message="the 8th conference reaches Viet Nam")
    assert overdue["id"] in [c["id"] for c in copy["previous_open_commitments"]]
