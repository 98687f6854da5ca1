"""The alert's way across the border: issued on one node, seen and screened on the other, flagged,
withdrawn, expired and purged on both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.alerts.conftest import headers
from tests.integration.hotline.conftest import Pair

from borderlink.alerts import expiry

WANTED: dict[str, Any] = {
    "kind": "wanted",
    "person": {"names": ["王晓红"], "birth_date": "1988-03-14", "gender": "F", "nationality": "CHN"},
    "offence_code": "06012",
    "legal_basis": {"reference": "桂公逮字〔2026〕7号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"},
    "handling_code": "H1",
}


def issue(clients: dict[str, TestClient], pair: Pair, body: dict[str, Any], party: str = "CN",
          user: str = "nia.analyst") -> dict[str, Any]:
    response = clients[party].post("/api/v1/alerts", json=body, headers=headers(pair, party, user))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def check(clients: dict[str, TestClient], pair: Pair, body: dict[str, Any], party: str = "VN",
          user: str = "mongcai.officer") -> list[dict[str, Any]]:
    response = clients[party].post("/api/v1/screening/check", json=body, headers=headers(pair, party, user))
    assert response.status_code == 200, response.text
    matches: list[dict[str, Any]] = response.json()["matches"]
    return matches


def test_wanted_alert_reaches_the_other_side_and_is_found_in_every_script(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    assert created["status"] == "active"
    pair.pump()
    vn = headers(pair, "VN", "mongcai.officer")
    replica = clients["VN"].get(f"/api/v1/alerts/{created['id']}", headers=vn)
    assert replica.status_code == 200, replica.text
    assert replica.json()["side"] == "replica"
    assert replica.json()["person"]["renderings"] == ["王晓红", "Wáng Xiǎohóng", "Vương Hiểu Hồng"]
    for query in ({"name": "Vương Hiểu Hồng", "birth_date": "1988"}, {"name": "WANG XIAOHONG"}):
        found = check(clients, pair, query)
        assert [m["alert_id"] for m in found] == [created["id"]], query
    listed = clients["VN"].get("/api/v1/alerts", params={"side": "replica", "kind": "wanted"}, headers=vn).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]

    withdrawn = clients["CN"].post(f"/api/v1/alerts/{created['id']}/withdraw", json={"note": "arrest cancelled"},
                                   headers=headers(pair, "CN", "nia.analyst"))
    assert withdrawn.status_code == 200, withdrawn.text
    pair.pump()
    assert check(clients, pair, {"name": "WANG XIAOHONG"}) == []
    assert clients["VN"].get(f"/api/v1/alerts/{created['id']}", headers=vn).json()["status"] == "withdrawn"


def test_alert_expires_and_is_purged_on_both_nodes(pair: Pair, clients: dict[str, TestClient]) -> None:
    body = dict(WANTED, expires_at=(pair.clock.now() + dt.timedelta(days=10)).isoformat())
    created = issue(clients, pair, body)

    def listed(**params: Any) -> list[str]:
        answer = clients["CN"].get("/api/v1/alerts", params=params, headers=headers(pair, "CN", "nia.analyst"))
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    # Ten days out is within four months and within twenty days; a number of days given wins.
    assert created["id"] in listed(expiring_soon=True)
    assert created["id"] in listed(expiring_within_days=20)
    assert created["id"] not in listed(expiring_within_days=5, expiring_soon=True)
    assert clients["CN"].get("/api/v1/alerts", params={"expiring_within_days": 3661},
                             headers=headers(pair, "CN", "nia.analyst")).status_code == 422
    pair.pump()
    pair.clock.advance(dt.timedelta(days=11))
    for party in ("CN", "VN"):
        with pair.node(party).transaction() as session:
            done = expiry.run_validity(session, party, pair.clock.now())
            assert done["expired"] == 1
    pair.pump()
    assert check(clients, pair, {"name": "王晓红"}) == []
    pair.clock.advance(dt.timedelta(days=31))
    for party in ("CN", "VN"):
        with pair.node(party).transaction() as session:
            expiry.run_validity(session, party, pair.clock.now())
    pair.pump()
    for party, user in (("CN", "nia.analyst"), ("VN", "bgc.analyst")):
        tomb = clients[party].get(f"/api/v1/alerts/{created['id']}", headers=headers(pair, party, user)).json()
        assert tomb["purged"] is True
        assert tomb["person"] is None
        assert tomb["legal_basis"] is None
        assert tomb["status"] == "expired"
        assert tomb["kind"] == "wanted"
        assert tomb["offence_code"] == "06012"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_photos_travel_with_the_alert_and_are_purged_with_it(pair: Pair, clients: dict[str, TestClient]) -> None:
    from borderlink.alerts import service
    from borderlink.shared import attachments
    from borderlink.shared.workfeed import ObjectRef

    created = issue(clients, pair, dict(WANTED, expires_at=(pair.clock.now() + dt.timedelta(days=5)).isoformat()))
    ref = ObjectRef("alerts.alert", created["id"])
    analyst = pair.principal("CN", "nia.analyst")
    with pair.node("CN").transaction() as session:
        stored = attachments.add(session, ref, "face.png", "image/png", PNG, pair.clock.now(), names_person=True)
        session.flush()
        service.photos_changed(session, analyst, created["id"], pair.clock.now())
    pair.pump()
    with pair.node("VN").transaction() as session:
        held = attachments.files_of(session, ref)
        assert [(f.id, f.data) for f in held] == [(stored.id, PNG)]
    pair.clock.advance(dt.timedelta(days=40))
    for _ in range(2):
        for party in ("CN", "VN"):
            with pair.node(party).transaction() as session:
                expiry.run_validity(session, party, pair.clock.now())
        pair.clock.advance(dt.timedelta(days=31))
    pair.pump()
    for party in ("CN", "VN"):
        with pair.node(party).transaction() as session:
            assert attachments.files_of(session, ref) == []
