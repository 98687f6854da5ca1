"""Victim protection and the wanted alert a handover fulfils: a protected person is never recorded
as an offender and is shown only to those who need to know; a completed handover of a wanted
alert's subject fulfils the alert on both nodes, and one confirmation alone does not."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, api, open_case, token_headers
from tests.integration.cases.test_handover import PLANNED

VICTIM_ALERT: dict[str, Any] = {
    "kind": "victim", "person": {"names": ["Lò Thị Mai"], "birth_date": "2004-06-01", "gender": "F",
                                 "nationality": "VNM"},
    "offence_code": "02041"}
WANTED: dict[str, Any] = {
    "kind": "wanted", "person": {"names": ["陈大龙"], "birth_date": "1979-03-02", "gender": "M", "nationality": "CHN"},
    "offence_code": "06012",
    "legal_basis": {"reference": "桂公逮字〔2026〕12号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"}}


def test_a_protected_victim_is_never_recorded_as_an_offender(pair: Pair, clients: dict[str, TestClient]) -> None:
    api(pair, clients, "VN", "qn.commander", "POST", "/alerts", 201, json=VICTIM_ALERT)
    case = open_case(pair, clients, case_type="trafficking_persons", offence_codes=["02041"])
    refused = api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{case['id']}/persons", 422,
                  json={"role": "suspect", "name": "LO THI MAI", "birth_date": "2004-06-01"})
    assert refused["field"] == "role"
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{case['id']}/persons", 201,
        json={"role": "victim", "name": "Lò Thị Mai", "birth_date": "2004-06-01", "gender": "F"})
    pair.pump()
    # A victim on a case protects her too, on the other side as well: there she is not an accused.
    api(pair, clients, "CN", "gx.commander", "POST", f"/cases/{case['id']}/persons", 422,
        json={"role": "accused", "name": "Lò Thị Mai", "birth_date": "2004-06-01"})
    # Need to know: an analyst sees that there is a protected person, not who she is.
    shown = api(pair, clients, "VN", "bgc.analyst", "GET", f"/cases/{case['id']}")["persons"]
    assert [(p["role"], p["name"], p["birth_date"]) for p in shown] == [("victim", "protected person", None)]
    ftm = api(pair, clients, "VN", "bgc.analyst", "GET", f"/cases/{case['id']}/persons.ftm.json")
    assert ftm == []
    full = api(pair, clients, "CN", "gx.commander", "GET", f"/cases/{case['id']}")["persons"]
    assert full[0]["name"] == "Lò Thị Mai"
    assert full[0]["offender"] is False


def test_a_completed_handover_fulfils_the_wanted_alert_on_both_nodes(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    alert = api(pair, clients, "CN", "nia.analyst", "POST", "/alerts", 201, json=WANTED)
    pair.pump()
    body = {"kind": "fugitive", "alert_id": alert["id"], "gate_code": "VN-QN-MONGCAI", "planned_at": PLANNED,
            "persons": [{"name": "陈大龙", "other_names": ["Trần Đại Long"], "birth_date": "1979-03-02"}]}
    handover = api(pair, clients, "VN", "qn.commander", "POST", "/handovers", 201, json=body)
    pair.pump()
    api(pair, clients, "CN", "gx.commander", "POST", f"/handovers/{handover['id']}/accept", 200)
    pair.pump()
    api(pair, clients, "CN", "dongxing.officer", "POST", f"/handovers/{handover['id']}/confirm", 200)
    pair.pump()
    for party, user in (("CN", "nia.analyst"), ("VN", "qn.commander")):
        assert api(pair, clients, party, user, "GET", f"/alerts/{alert['id']}")["status"] == "active"
    api(pair, clients, "VN", "mongcai.officer", "POST", f"/handovers/{handover['id']}/confirm", 200)
    pair.pump()
    for party, user in (("CN", "nia.analyst"), ("VN", "qn.commander")):
        assert api(pair, clients, party, user, "GET", f"/alerts/{alert['id']}")["status"] == "fulfilled"
    assert api(pair, clients, "CN", "gx.commander", "GET", f"/handovers/{handover['id']}")["status"] == "completed"


def test_a_handover_names_a_wanted_alert_only(pair: Pair, clients: dict[str, TestClient]) -> None:
    victim = api(pair, clients, "VN", "qn.commander", "POST", "/alerts", 201, json=VICTIM_ALERT)
    body = {"kind": "fugitive", "alert_id": victim["id"], "gate_code": "VN-QN-MONGCAI", "planned_at": PLANNED,
            "persons": [{"name": "Lò Thị Mai"}]}
    refused = api(pair, clients, "VN", "qn.commander", "POST", "/handovers", 422, json=body)
    assert refused["field"] == "alert_id"


def test_a_wanted_alert_on_a_victim_of_a_case_is_refused_and_audited(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    from sqlalchemy import select

    from borderlink.audit.models import AuditEntry
    from borderlink.cases import persons

    case = open_case(pair, clients, case_type="trafficking_persons", offence_codes=["02041"])
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{case['id']}/persons", 201,
        json={"role": "victim", "name": "王晓红", "birth_date": "1988-03-14", "gender": "F"})
    pair.pump()
    wanted = {**WANTED, "person": {"names": ["Vương Hiểu Hồng"], "birth_date": "1988-03-14", "gender": "F"}}
    for party, user, language, words in (("VN", "bgc.analyst", "vi", "được bảo vệ"),
                                         ("CN", "nia.analyst", "zh_Hans", "保护")):
        refused = clients[party].post("/api/v1/alerts", json=wanted, headers={
            **token_headers(pair, party, user), "Accept-Language": language})
        assert refused.status_code == 409, refused.text
        assert refused.json()["field"] == "person"
        assert words in refused.json()["detail"]
        with pair.node(party).transaction() as session:
            audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "refused",
                                                               AuditEntry.object_id == case["id"])).all()
            assert len(audited) == 1
            assert "protected" in (audited[0].detail or "")
            assert persons.is_protected(session, "WANG XIAOHONG", birth_date="1988-03-14")
            assert not persons.is_protected(session, "WANG XIAOHONG", birth_date="1990-07-01")
    # Someone of the same name born on another day may be wanted.
    other = {**wanted, "person": {"names": ["Vương Hiểu Hồng"], "birth_date": "1990-07-01", "gender": "F"}}
    api(pair, clients, "VN", "bgc.analyst", "POST", "/alerts", 201, json=other)
