"""Crossings recorded at a gate and checked in the same request; hits on this node's own alerts
answered by the owning unit; who sees which crossings and hits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts
from tests.support.statements import statements_sent

from borderlink.alerts.screening_entries import AlertDocument, AlertEntry, AlertPerson, AlertVehicle
from borderlink.directory import service as directory
from borderlink.gates.alert_screen import AlertFacts
from borderlink.gates.models import HIT_TYPE
from borderlink.ids import new_id
from borderlink.node import Node
from borderlink.shared import workfeed

Bearer = Callable[[str], dict[str, str]]
URL = "/api/v1/gates/crossings"
WANG_MRZ = "P<CHNWANG<<XIAOHONG<<<<<<<<<<<<<<<<<<<<<<<<<\nE123456782CHN8803148F3005017<<<<<<<<<<<<<<08"


def wanted_wang(held: HeldAlerts, unit_code: str = "VN-QN", kind: str = "wanted", action: str = "arrest") -> str:
    alert_id = new_id()
    held.add(AlertEntry(alert_id, persons=(AlertPerson(("王晓红", "Vương Hiểu Hồng"), "1988-03-14", "F", "CHN"),)),
             AlertFacts(alert_id, kind, action, "VN", unit_code))
    return alert_id


def test_a_clear_crossing_from_typed_fields(app_client: TestClient, personas: dict[str, Persona],
                                            bearer: Bearer, held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    response = app_client.post(URL, headers=bearer("mongcai.officer"), json={
        "direction": "entry", "person": {"names": ["Nguyễn Văn An"], "birth_date": "1990-01-02", "sex": "M",
                                         "nationality": "vnm"},
        "document": {"type": "passport", "number": "C1234567", "issuing_state": "VNM", "expiry": "2031-01-01"},
        "purpose": "tourism", "lane": "BL1-IN"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["check"]["result"] == "clear"
    assert body["check"]["hits"] == []
    assert body["gate_unit_code"] == "VN-QN-MONGCAI"
    assert body["nationality"] == "VNM"
    assert body["lane"] == "BL1-IN"


def test_the_mrz_of_a_wanted_person_is_a_hit_with_the_action_in_the_officers_language(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    alert_id = wanted_wang(held_alerts)
    response = app_client.post(URL, headers={**bearer("mongcai.officer"), "Accept-Language": "vi"},
                               json={"direction": "entry", "mrz": WANG_MRZ})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["surname"], body["birth_date"]) == ("WANG", "1988-03-14")
    assert (body["document_number"], body["mrz_format"]) == ("E12345678", "TD3")
    check = body["check"]
    assert check["result"] == "hit"
    [hit] = check["hits"]
    assert hit["alert_id"] == alert_id
    assert hit["action"] == "arrest"
    assert hit["score"] > 0.8
    assert "WANG XIAOHONG" in hit["explanation"]
    assert "Bắt giữ" in check["instruction"]


def test_a_document_and_a_plate_are_checked_too(app_client: TestClient, personas: dict[str, Persona],
                                                bearer: Bearer, held_alerts: HeldAlerts) -> None:
    document_alert, vehicle_alert = new_id(), new_id()
    held_alerts.add(AlertEntry(document_alert, documents=(AlertDocument("C9999999", "VNM"),)),
                    AlertFacts(document_alert, "document", "seize_document", "VN", "VN-QN"))
    held_alerts.add(AlertEntry(vehicle_alert, vehicles=(AlertVehicle("14C-123.45"),)),
                    AlertFacts(vehicle_alert, "vehicle", "seize_vehicle", "VN", "VN-QN"))
    response = app_client.post(URL, headers=bearer("mongcai.officer"), json={
        "direction": "exit", "person": {"names": ["Trần Thị Bình"]},
        "document": {"number": "c 999 9999", "issuing_state": "VNM"}, "vehicle_plate": "14c12345"})
    assert response.status_code == 201, response.text
    hits = {h["alert_id"]: h for h in response.json()["check"]["hits"]}
    assert set(hits) == {document_alert, vehicle_alert}
    assert hits[document_alert]["subject"] == "document"
    assert hits[vehicle_alert]["action"] == "seize_vehicle"


def test_a_bad_mrz_is_refused_naming_the_field(app_client: TestClient, personas: dict[str, Persona],
                                               bearer: Bearer, held_alerts: HeldAlerts) -> None:
    broken = WANG_MRZ.replace("8803148", "8803149")
    response = app_client.post(URL, headers=bearer("mongcai.officer"), json={"direction": "entry", "mrz": broken})
    assert response.status_code == 422
    assert response.json()["field"] == "mrz"
    assert "birth_date" in response.json()["detail"]


def _hit(app_client: TestClient, bearer: Bearer, **extra: Any) -> dict[str, Any]:
    response = app_client.post(URL, headers=bearer("mongcai.officer"),
                               json={"direction": "entry", "mrz": WANG_MRZ, **extra})
    assert response.status_code == 201, response.text
    hits: list[dict[str, Any]] = response.json()["check"]["hits"]
    assert len(hits) == 1
    return hits[0]


def test_the_owning_unit_confirms_and_the_gate_records_the_outcome(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    alert_id = wanted_wang(held_alerts, unit_code="VN-QN")
    hit = _hit(app_client, bearer)
    owner = bearer("qn.commander")
    listed = app_client.get("/api/v1/hits", params={"alert_id": alert_id, "status": "pending"}, headers=owner)
    assert [h["id"] for h in listed.json()["items"]] == [hit["id"]]
    # The gate cannot answer for the alert's owner.
    assert app_client.post(f"/api/v1/hits/{hit['id']}/confirm", json={}, headers=bearer("mongcai.officer")
                           ).status_code == 403
    confirmed = app_client.post(f"/api/v1/hits/{hit['id']}/confirm", json={"note": "photo matches"}, headers=owner)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    again = app_client.post(f"/api/v1/hits/{hit['id']}/reject", json={}, headers=owner)
    assert again.status_code == 422
    outcome = app_client.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "held"},
                              headers=bearer("mongcai.officer"))
    assert outcome.status_code == 200, outcome.text
    seen = app_client.get(f"/api/v1/hits/{hit['id']}", headers=bearer("mongcai.officer")).json()
    assert (seen["status"], seen["outcome"]) == ("confirmed", "held")
    assert [e["kind"] for e in seen["timeline"]] == ["reported", "confirmed", "outcome"]


def test_a_rejected_traveller_is_not_flagged_again_for_that_alert(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    hit = _hit(app_client, bearer)
    rejected = app_client.post(f"/api/v1/hits/{hit['id']}/reject", json={"note": "other person"},
                               headers=bearer("qn.commander"))
    assert rejected.json()["status"] == "rejected"
    again = app_client.post(URL, headers=bearer("mongcai.officer"), json={"direction": "exit", "mrz": WANG_MRZ})
    assert again.json()["check"]["result"] == "clear"


def test_a_victim_is_protected_never_held(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
                                          held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts, kind="victim", action="protect")
    hit = _hit(app_client, bearer)
    assert hit["action"] == "protect"
    officer = bearer("mongcai.officer")
    held = app_client.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "held"}, headers=officer)
    assert held.status_code == 422
    protected = app_client.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "protected"}, headers=officer)
    assert protected.status_code == 200


def test_a_gate_officer_sees_its_own_gate_and_the_province_its_gates(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    created = app_client.post(URL, headers=bearer("mongcai.officer"), json={
        "direction": "entry", "person": {"names": ["Lê Văn Cường"]}}).json()
    path = f"{URL}/{created['id']}"
    assert app_client.get(path, headers=bearer("mongcai.officer")).status_code == 200
    assert app_client.get(path, headers=bearer("qn.commander")).status_code == 200
    assert app_client.get(path, headers=bearer("central.analyst")).status_code == 200
    assert app_client.get(path, headers=bearer("laocai.officer")).status_code == 404
    assert app_client.get(path, headers=bearer("ls.commander")).status_code == 404
    listed = app_client.get(URL, headers=bearer("laocai.officer")).json()
    assert created["id"] not in [c["id"] for c in listed["items"]]
    # Another post's officer cannot record crossings at Móng Cái.
    refused = app_client.post(URL, headers=bearer("laocai.officer"), json={
        "direction": "entry", "gate_unit_code": "VN-QN-MONGCAI", "person": {"names": ["X Y"]}})
    assert refused.status_code == 403


def test_an_egate_batch_records_every_crossing(app_client: TestClient, personas: dict[str, Persona],
                                               bearer: Bearer, held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    response = app_client.post(f"{URL}/batch", headers=bearer("mongcai.officer"), json={"crossings": [
        {"direction": "entry", "person": {"names": ["Phạm Minh Đức"]}},
        {"direction": "entry", "mrz": WANG_MRZ}]})
    assert response.status_code == 201, response.text
    assert [c["check"]["result"] for c in response.json()["crossings"]] == ["clear", "hit"]


def test_an_egate_batch_writes_its_crossings_and_hits_together(
        app_client: TestClient, node: Node, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    """The batch's shared work is done once: one read of earlier rejections for all of its
    crossings, and each table's rows written in one statement, however many crossings hit."""
    wanted_wang(held_alerts)
    travellers = [{"direction": "entry", "person": {"names": ["王晓红"], "birth_date": "1988-03-14", "sex": "F"},
                   "document": {"type": "passport", "number": f"E9900000{n}", "issuing_state": "CHN"}}
                  for n in range(5)] + [{"direction": "entry", "person": {"names": ["Phạm Minh Đức"]}}]
    with statements_sent(node.engine) as statements:
        response = app_client.post(f"{URL}/batch", headers=bearer("mongcai.officer"),
                                   json={"crossings": travellers})
    assert response.status_code == 201, response.text
    assert [c["check"]["result"] for c in response.json()["crossings"]] == ["hit"] * 5 + ["clear"]
    inserts = [s.split()[2] for s in statements if s.startswith("INSERT INTO")]
    # SQLite's driver sends rows whose generated key it reads back (a feed entry's) one at a time.
    batched = ("gate_crossings", "gate_hits", "timeline_events") + (
        ("work_feed",) if node.engine.dialect.name == "postgresql" else ())
    for table in batched:
        assert inserts.count(table) == 1, (table, inserts)
    assert len([s for s in statements if s.startswith("SELECT") and "FROM gate_hits" in s
                and "traveller_key" in s]) == 1
    # Whether the travellers who hit are protected is one read of the other domains' persons.
    assert len([s for s in statements if s.startswith("SELECT") and "FROM case_persons" in s]) == 1


def test_a_hit_on_an_alert_of_the_gate_itself_holds_one_unread_entry_in_its_feed(
        app_client: TestClient, node: Node, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    """The gate that found the hit owns the alert too: it sent the hit and must answer it, so its
    feed holds the hit once, unread."""
    wanted_wang(held_alerts, unit_code="VN-QN-MONGCAI")
    response = app_client.post(f"{URL}/batch", headers=bearer("mongcai.officer"), json={"crossings": [
        {"direction": "entry", "person": {"names": ["王晓红"], "birth_date": "1988-03-14", "sex": "F"}}]})
    assert response.status_code == 201, response.text
    (hit,) = response.json()["crossings"][0]["check"]["hits"]
    with node.transaction() as session:
        gate = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        entries = workfeed.entries_of(session, workfeed.ObjectRef(HIT_TYPE, hit["id"]))
        assert [(e.unit_id, e.reason, e.urgent, e.unread) for e in entries] == [(gate.id, "sent", True, True)]


def test_an_egate_batch_closes_each_exits_entry_from_one_read(
        app_client: TestClient, node: Node, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    """Each exit closes its traveller's latest open entry, an entry once: two exits of one
    traveller close two entries, and an entry earlier in the same batch is closed too."""
    officer = bearer("mongcai.officer")

    def traveller(direction: str, number: str, hours_ago: int = 0) -> dict[str, Any]:
        return {"direction": direction, "person": {"names": ["Phạm Minh Đức"], "birth_date": "1990-01-02"},
                "document": {"type": "passport", "number": number, "issuing_state": "VNM"},
                "crossed_at": (node.clock.now() - dt.timedelta(hours=hours_ago)).isoformat()}

    earlier = [app_client.post(URL, headers=officer, json=traveller("entry", "C1234567", hours)).json()["id"]
               for hours in (2, 1)]
    with statements_sent(node.engine) as statements:
        response = app_client.post(f"{URL}/batch", headers=officer, json={"crossings": [
            traveller("exit", "C1234567"), traveller("exit", "C1234567"), traveller("exit", "C1234567"),
            traveller("entry", "C7654321"), traveller("exit", "C7654321"), traveller("exit", "C0000001")]})
    assert response.status_code == 201, response.text
    made = [c["id"] for c in response.json()["crossings"]]
    closed = {crossing_id: app_client.get(f"{URL}/{crossing_id}", headers=officer).json()["exit_crossing_id"]
              for crossing_id in [*earlier, made[3]]}
    # The latest entry goes to the first exit; the third exit finds no open entry left.
    assert closed == {earlier[1]: made[0], earlier[0]: made[1], made[3]: made[4]}
    assert len([s for s in statements if s.startswith("SELECT") and "FROM gate_crossings" in s]) == 1
