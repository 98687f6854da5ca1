"""Safeguards of the alerts: victim protection across scripts, the review queue for text flagged by
neutrality screening, one alert per side and person, and bad input named by field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.alerts.conftest import headers
from tests.integration.alerts.test_alerts_flow import WANTED, check, issue
from tests.integration.hotline.conftest import Pair

from borderlink.alerts import service
from borderlink.audit.models import AuditEntry

VICTIM: dict[str, Any] = {
    "kind": "victim",
    "person": {"names": ["王晓红"], "birth_date": "1988-03-14", "gender": "F"},
    "offence_code": "02049",
}


def test_a_protected_victim_is_never_the_subject_of_a_wanted_alert_in_any_script(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    victim = issue(clients, pair, VICTIM, party="CN", user="nia.analyst")
    pair.pump()
    wanted_vn = dict(WANTED, person={"names": ["Vương Hiểu Hồng"], "birth_date": "1988-03-14", "gender": "F"},
                     offence_code="08051", legal_basis={"reference": "QĐ-9", "authority": "Công an tỉnh Quảng Ninh",
                                                        "date": "2026-10-01"})
    refused = clients["VN"].post("/api/v1/alerts", json=wanted_vn, headers=headers(pair, "VN", "bgc.analyst")
                                 | {"Accept-Language": "vi"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == "person"
    assert "được bảo vệ" in refused.json()["detail"]
    with pair.node("VN").transaction() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused",
                                                           AuditEntry.object_id == victim["id"])).all()
        assert len(audited) == 1
        assert "protected" in (audited[0].detail or "")
        assert service.is_protected_person(session, name="WANG XIAOHONG", birth_date="1988-03-14")
        assert not service.is_protected_person(session, name="WANG XIAOHONG", birth_date="1990-07-01")
    # Someone else of the same name but born another day may be wanted.
    other = dict(wanted_vn, person={"names": ["Vương Hiểu Hồng"], "birth_date": "1990-07-01", "gender": "F"})
    allowed = clients["VN"].post("/api/v1/alerts", json=other, headers=headers(pair, "VN", "bgc.analyst"))
    assert allowed.status_code == 201, allowed.text


def test_text_on_forbidden_grounds_waits_for_a_central_reviewer(pair: Pair, clients: dict[str, TestClient]) -> None:
    body = dict(WANTED, description="Wanted for organising a political protest and drug trafficking")
    held = issue(clients, pair, body, party="CN", user="gx.analyst")
    assert held["status"] == "under_review"
    pair.pump()
    vn = headers(pair, "VN", "bgc.analyst")
    assert clients["VN"].get(f"/api/v1/alerts/{held['id']}", headers=vn).status_code == 404
    # A provincial analyst holds no review right; the central one has the alert in the queue.
    gx = headers(pair, "CN", "gx.analyst")
    assert clients["CN"].get("/api/v1/alerts/review-queue", headers=gx).status_code == 403
    nia = headers(pair, "CN", "nia.analyst")
    queue = clients["CN"].get("/api/v1/alerts/review-queue", headers=nia).json()
    assert [item["id"] for item in queue] == [held["id"]]
    approved = clients["CN"].post(f"/api/v1/alerts/{held['id']}/review", headers=nia,
                                  json={"decision": "approve", "note": "the protest is incidental; trafficking stands"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active"
    pair.pump()
    replica = clients["VN"].get(f"/api/v1/alerts/{held['id']}", headers=vn)
    assert replica.status_code == 200
    assert replica.json()["status"] == "active"


def test_a_second_alert_on_the_same_person_is_linked_instead(pair: Pair, clients: dict[str, TestClient]) -> None:
    first = issue(clients, pair, WANTED)
    again = dict(WANTED, kind="person_of_interest", person={"names": ["WANG XIAOHONG"], "birth_date": "1988-03-14"},
                 legal_basis=None)
    nia = headers(pair, "CN", "nia.analyst")
    offered = clients["CN"].post("/api/v1/alerts", json=again, headers=nia)
    assert offered.status_code == 409
    assert offered.json()["field"] == "link_to"
    assert first["id"] in offered.json()["detail"]
    linked = clients["CN"].post("/api/v1/alerts", json=dict(again, link_to=first["id"]), headers=nia)
    assert linked.status_code == 201, linked.text
    assert linked.json()["alert"]["linked_alert_ids"] == [first["id"]]
    assert clients["CN"].get(f"/api/v1/alerts/{first['id']}", headers=nia).json()["linked_alert_ids"] == [
        linked.json()["id"]]


def test_bad_input_is_refused_field_by_field(pair: Pair, clients: dict[str, TestClient]) -> None:
    nia = headers(pair, "CN", "nia.analyst")
    cases = [
        (dict(WANTED, legal_basis=None), "legal_basis"),
        (dict(WANTED, offence_code="99999"), "offence_code"),
        (dict(WANTED, person={"names": ["王晓红"], "birth_date": "14/03/1988"}), "person.birth_date"),
        (dict(WANTED, distribution=["CN-GX-DONGXING"]), "distribution"),
        (dict(WANTED, distribution=[]), "distribution"),
        ({"kind": "document", "offence_code": "07023"}, "documents"),
        (dict(WANTED, expires_at="2001-01-01T00:00:00Z"), "expires_at"),
    ]
    for body, field in cases:
        response = clients["CN"].post("/api/v1/alerts", json=body, headers=nia)
        assert response.status_code in (400, 422), (field, response.text)
        assert response.json()["field"] == field, (field, response.json())
    officer = clients["CN"].post("/api/v1/alerts", json=WANTED, headers=headers(pair, "CN", "dongxing.officer"))
    assert officer.status_code == 403
    empty = check(clients, pair, {"name": "x"}, party="CN", user="dongxing.officer")
    assert empty == []
    nothing = clients["VN"].post("/api/v1/screening/check", json={"birth_date": "1988"},
                                 headers=headers(pair, "VN", "mongcai.officer"))
    assert nothing.status_code == 422
    assert nothing.json()["field"] == "name"
