"""Hits confirmed by the alert's owner, between two real node processes.

China's analyst issues a wanted alert for 王晓红; at Móng Cái a Vietnamese officer records an entry
with the zone of her Chinese passport (WANG XIAOHONG, born 1988-03-14). The check answers `hit`;
China's owning unit hears of the hit live and confirms it; Móng Cái sees `confirmed` and records
the outcome, which reaches China. A traveller China says is not the person is not flagged again.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.e2e.nodes import NodePair, NodeProcess, SseReader, poll
from tests.support.images import png

from borderlink.gates.mrz import MrzFormat
from borderlink.gates.mrz_compose import DocumentFields, compose

pytestmark = pytest.mark.e2e

TIMEOUT = 20.0  # seconds; generous for a loaded machine, a message normally crosses in well under 1 s
WANG_MRZ = "P<CHNWANG<<XIAOHONG<<<<<<<<<<<<<<<<<<<<<<<<<\nE123456782CHN8803148F3005017<<<<<<<<<<<<<<08"
LEGAL_BASIS = {"reference": "桂公逮字〔2026〕7号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"}


@pytest.fixture(scope="module")
def pair(shared_pair: NodePair) -> NodePair:
    return shared_pair


@pytest.fixture(scope="module")
def mongcai(pair: NodePair) -> Iterator[httpx.Client]:
    with pair.vn.client("mongcai.officer", timeout=90) as client:
        yield client


@pytest.fixture(scope="module")
def analyst(pair: NodePair) -> Iterator[httpx.Client]:
    # The first check of a node builds its screening index, which takes a while on a loaded machine.
    with pair.cn.client("analyst", timeout=90) as client:
        # The first check waits for the node's screening index, built in the background at start.
        assert client.post("/api/v1/screening/check", json={"name": "WANG XIAOHONG"}).status_code == 200
        yield client


def issue_wanted(analyst: httpx.Client, pair: NodePair, names: list[str], birth_date: str, gender: str) -> str:
    response = analyst.post("/api/v1/alerts", json={
        "kind": "wanted", "offence_code": "06012", "legal_basis": LEGAL_BASIS, "handling_code": "H0",
        "person": {"names": names, "birth_date": birth_date, "gender": gender, "nationality": "CHN"}})
    assert response.status_code == 201, response.text
    alert_id: str = response.json()["id"]
    # The replica reaches Viet Nam's node before its gates can find it.
    poll(lambda: httpx.get(f"{pair.vn.url}/api/v1/alerts/{alert_id}", headers=pair.vn.headers("mongcai.officer"),
                           timeout=10).status_code == 200, TIMEOUT, message="the alert's replica on VN")
    return alert_id


def hit_on(node: NodeProcess, username: str, hit_id: str) -> dict[str, Any] | None:
    response = httpx.get(f"{node.url}/api/v1/hits/{hit_id}", headers=node.headers(username), timeout=10)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def cross(mongcai: httpx.Client, direction: str = "entry", mrz: str = WANG_MRZ,
          photo: bytes | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"direction": direction, "mrz": mrz, "purpose": "trade",
                            "lane": "BL1-IN" if direction == "entry" else "BL1-OUT"}
    if photo is not None:
        body["photo"] = {"filename": "desk.png", "content_base64": base64.b64encode(photo).decode("ascii")}
    response = mongcai.post("/api/v1/gates/crossings", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def wait_for_hit(reader: SseReader, hit_id: str) -> None:
    while True:
        item = reader.events.get(timeout=TIMEOUT)
        if item.event == "hit" and isinstance(item.data, dict) and item.data.get("hit_id") == hit_id:
            return


def test_a_hit_on_the_other_sides_alert_is_confirmed_by_its_owner_and_the_outcome_travels_back(
        pair: NodePair, mongcai: httpx.Client, analyst: httpx.Client) -> None:
    alert_id = issue_wanted(analyst, pair, ["王晓红"], "1988-03-14", "F")
    with SseReader(f"{pair.cn.url}/api/v1/hits/stream", pair.cn.headers("analyst")) as reader:
        crossing = cross(mongcai, photo=png())
        assert crossing["check"]["result"] == "hit", crossing
        [hit] = crossing["check"]["hits"]
        assert (hit["alert_id"], hit["action"]) == (alert_id, "arrest")
        # China's owning unit hears of it live, with the same id and the crossing's details.
        wait_for_hit(reader, hit["id"])
    owner_view = hit_on(pair.cn, "analyst", hit["id"])
    assert owner_view is not None
    assert (owner_view["status"], owner_view["gate_unit_code"]) == ("pending", "VN-QN-MONGCAI")
    assert owner_view["crossing"]["names"][0] == "WANG XIAOHONG"
    assert owner_view["deadline_at"] is not None
    # The hit report carried the photo taken at the desk: China's owner sees the same image.
    assert owner_view["photo_url"]
    photo = analyst.get(f"/api/v1/attachments/files/{owner_view['photo_url'].rsplit('/', 1)[-1]}",
                        params={"inline": "true"})
    assert (photo.status_code, photo.headers["content-type"]) == (200, "image/png")
    assert photo.content == png()

    confirmed = analyst.post(f"/api/v1/hits/{hit['id']}/confirm", json={"note": "她就是本人"})
    assert confirmed.status_code == 200, confirmed.text
    gate_view = poll(lambda: (h := hit_on(pair.vn, "mongcai.officer", hit["id"])) and h["status"] == "confirmed" and h,
                     TIMEOUT, message="the confirmation at Móng Cái")
    assert gate_view["answer_note"] == "她就是本人"

    recorded = mongcai.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "held"})
    assert recorded.status_code == 200, recorded.text
    final = poll(lambda: (h := hit_on(pair.cn, "analyst", hit["id"])) and h["outcome"] == "held" and h,
                 TIMEOUT, message="the outcome on China's node")
    kinds = [e["kind"] for e in final["timeline"]]
    assert kinds == ["reported", "confirmed", "outcome"]
    assert [e["id"] for e in final["timeline"]] == [e["id"] for e in hit_on(pair.vn, "mongcai.officer",
                                                                             hit["id"])["timeline"]]  # type: ignore[index]


def test_a_rejected_traveller_is_not_raised_again_for_that_alert(
        pair: NodePair, mongcai: httpx.Client, analyst: httpx.Client) -> None:
    zone = compose(DocumentFields(MrzFormat.TD3, "P", "CHN", "LIU", "JIANJUN", "EA7654321", "CHN", "790521", "M",
                                  dt.date(2031, 2, 1)))
    alert_id = issue_wanted(analyst, pair, ["刘建军"], "1979-05-21", "M")
    first = cross(mongcai, mrz=zone)
    [hit] = [h for h in first["check"]["hits"] if h["alert_id"] == alert_id]
    poll(lambda: hit_on(pair.cn, "analyst", hit["id"]), TIMEOUT, message="the hit report on China's node")
    rejected = analyst.post(f"/api/v1/hits/{hit['id']}/reject", json={"note": "not the person"})
    assert rejected.status_code == 200, rejected.text
    poll(lambda: (h := hit_on(pair.vn, "mongcai.officer", hit["id"])) and h["status"] == "rejected",
         TIMEOUT, message="the rejection at Móng Cái")
    again = cross(mongcai, direction="exit", mrz=zone)
    assert alert_id not in [h["alert_id"] for h in again["check"]["hits"]]
    assert again["check"]["result"] == "clear"
    listed = mongcai.get("/api/v1/hits", params={"alert_id": alert_id}).json()["items"]
    assert [(h["id"], h["status"]) for h in listed] == [(hit["id"], "rejected")]


def test_a_pre_arrival_notice_reaches_the_facing_gate_and_matches_the_crossing(
        pair: NodePair, mongcai: httpx.Client) -> None:
    with pair.cn.client("dongxing.officer", timeout=90) as dongxing:
        announced = dongxing.post("/api/v1/gates/pre-arrivals", json={
            "plate": "桂P·B5678", "driver": {"names": ["陈大伟"], "birth_date": "1977-03-03", "nationality": "CHN"},
            "containers": ["tghu7654321"], "cargo_description": "Rubber sheets, 40 pallets", "hs_code": "400121",
            "weight_kg": 21000, "expected_at": "2030-01-01T03:00:00Z"})
        assert announced.status_code == 201, announced.text
        notice = announced.json()
        assert (notice["to_gate_unit_code"], notice["status"]) == ("VN-QN-MONGCAI", "expected")

        def expected_at_mongcai() -> dict[str, Any] | None:
            items = mongcai.get("/api/v1/gates/pre-arrivals", params={"status": "expected"}).json()["items"]
            return next((item for item in items if item["id"] == notice["id"]), None)

        queued = poll(expected_at_mongcai, TIMEOUT, message="the notice in Móng Cái's expected arrivals")
        assert queued["check_result"] == "clear"  # driver and vehicle were checked when it arrived
        assert queued["containers"] == ["TGHU7654321"]
        crossing = mongcai.post("/api/v1/gates/crossings", json={
            "direction": "entry", "lane": "BL2-G1", "purpose": "trade", "vehicle_plate": "桂PB5678",
            "person": {"names": ["陈大伟"], "birth_date": "1977-03-03", "nationality": "CHN"}})
        assert crossing.status_code == 201, crossing.text
        matched = mongcai.get(f"/api/v1/gates/pre-arrivals/{notice['id']}").json()
        assert (matched["status"], matched["crossing_id"]) == ("arrived", crossing.json()["id"])
        poll(lambda: dongxing.get(f"/api/v1/gates/pre-arrivals/{notice['id']}").json()["status"] == "arrived",
             TIMEOUT, message="Dongxing learning that the vehicle arrived")
