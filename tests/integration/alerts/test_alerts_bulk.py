"""Importing alerts from FollowTheMoney JSON lines and CSV, and exporting them again: each record
goes through the same checks as the API, bad records are reported by line and leave nothing
behind, and an export imports back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.integration.alerts.ui_support import principal, with_peer
from tests.integration.conftest import Persona

from borderlink.alerts import service
from borderlink.alerts.bulk_export import export_alerts
from borderlink.alerts.bulk_import import import_records
from borderlink.alerts.bulk_input import Defaults, parsed
from borderlink.alerts.bulk_read import BadLine, read_records
from borderlink.alerts.models import Alert, Status
from borderlink.alerts.schemas import AlertIn
from borderlink.audit.models import AuditEntry
from borderlink.node import Node

WANTED = Defaults(kind="wanted", offence_code="06012",
                  legal_basis={"reference": "QD-17/2026", "authority": "Bộ Công an", "date": "2026-10-01"})
WANG = {"id": "ftm-wang", "schema": "Person", "properties": {
    "name": ["王晓红"], "alias": ["Wang Xiaohong"], "birthDate": ["1988-03-14"], "gender": ["female"],
    "nationality": ["cn"], "passportNumber": ["E12345678"], "political": ["party member"]}}
LE = {"id": "ftm-le", "schema": "Person", "properties": {"name": ["Lê Văn Tám"], "birthDate": ["1979"],
                                                          "gender": ["male"], "nationality": ["vn"]}}


@pytest.fixture
def issuer(node: Node, personas: dict[str, Persona], tmp_path: Path) -> Node:
    return with_peer(node, tmp_path / "peer")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _alerts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Alert)) or 0)


def test_person_entities_are_issued_and_bad_lines_reported_by_number(issuer: Node, tmp_path: Path) -> None:
    path = _write(tmp_path / "people.jsonl", [
        json.dumps(WANG, ensure_ascii=False), "{not json", json.dumps({"id": "c", "schema": "Company",
                                                                       "properties": {"name": ["Acme"]}}),
        json.dumps(LE, ensure_ascii=False),
        json.dumps({"id": "p5", "schema": "Person", "properties": {"name": ["Nông Thị Hoa"], "birthDate": ["x"]}}),
    ])
    seen: list[int] = []
    with issuer.transaction() as session:
        analyst = principal(session, "central.analyst")
        report = import_records(session, analyst, read_records(path), WANTED, issuer.clock.now(),
                                lambda: seen.append(1))
        assert [(i.line, i.status, i.source_id) for i in report.imported] == [
            (1, "active", "ftm-wang"), (4, "active", "ftm-le")]
        assert report.imported[0].left_out == ("political",)
        refused = {bad.line: bad.reason for bad in report.refused}
        assert set(refused) == {2, 3, 5}
        assert refused[5].startswith("birth_date: ")
        assert len(seen) == 5  # the progress advanced once per record, good or bad
        alert = service.get_alert(session, analyst, report.imported[0].alert_id)
        assert alert.person is not None
        assert alert.person["names"] == ["王晓红", "Wang Xiaohong"]
        assert (alert.person["gender"], alert.person["nationalities"]) == ("F", ["CHN"])
        assert alert.documents == [{"type": "passport", "number": "E12345678"}]
        assert _alerts(session) == 2


def test_csv_rows_pass_the_allow_list_and_the_victim_rule_line_by_line(issuer: Node, tmp_path: Path) -> None:
    with issuer.transaction() as session:
        analyst = principal(session, "central.analyst")
        victim = parsed(AlertIn, {"kind": "victim", "offence_code": "02041", "person": {
            "names": ["王晓红"], "birth_date": "1988-03-14", "gender": "F"}})
        service.create_alert(session, analyst, victim, issuer.clock.now())
    path = _write(tmp_path / "wanted.csv", [
        "name,aliases,birth_date,gender,nationality,offence_code,document_number,plate",
        "Vương Hiểu Hồng,,1988-03-14,F,CHN,,,",  # the protected victim, in Vietnamese
        "Lê Văn Tám,,1979,M,VNM,06011,,",  # an offence code off the allow-list
        "Hoàng Văn Nam,Huang Wennan,1990-05-02,M,VNM,,B7654321,29A-123.45",
        ",,,,,,,",
    ])
    with issuer.transaction() as session:
        analyst = principal(session, "central.analyst")
        before = _alerts(session)
        report = import_records(session, analyst, read_records(path), WANTED, issuer.clock.now())
        refused = {bad.line: bad.reason for bad in report.refused}
        assert [item.line for item in report.imported] == [4]
        assert set(refused) == {2, 3, 5}
        assert "victim alert" in refused[2]
        assert "protected" in refused[2]
        assert refused[3].startswith("offence_code: ")
        assert "06011" in refused[3]
        assert "no person, document or vehicle" in refused[5]
        # Nothing of a refused record stays behind; the refusal on the protected person is audited.
        assert _alerts(session) == before + 1
    with issuer.transaction() as session:
        audited = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "refused")).all()
        assert any("person is protected" in (detail or "") for detail in audited)
        imported = session.get(Alert, report.imported[0].alert_id)
        assert imported is not None
        assert imported.vehicles == [{"plate": "29A-123.45"}]


def test_a_row_of_another_kind_than_the_import_is_refused(issuer: Node, tmp_path: Path) -> None:
    path = _write(tmp_path / "kinds.csv", ["kind,name,birth_date", "victim,Lò Thị Mai,2001", "wanted,Lò Văn Páo,1970"])
    with issuer.transaction() as session:
        report = import_records(session, principal(session, "central.analyst"), read_records(path), WANTED,
                                issuer.clock.now())
    assert [item.line for item in report.imported] == [3]
    assert report.refused == [BadLine(2, "kind: The row is a victim alert, the import is of wanted alerts.")]


@pytest.mark.parametrize("file_format", ["ftm", "csv"])
def test_an_export_of_the_active_alerts_imports_again(issuer: Node, tmp_path: Path, file_format: str) -> None:
    source = _write(tmp_path / "people.jsonl", [json.dumps(p, ensure_ascii=False) for p in (WANG, LE)])
    with issuer.transaction() as session:
        analyst = principal(session, "central.analyst")
        first = import_records(session, analyst, read_records(source), WANTED, issuer.clock.now())
        out = io.StringIO()
        assert export_alerts(session, "VN", out, file_format) == (2, 0)
        originals = {alert.id: alert.person for alert in session.scalars(select(Alert))}
        # Withdrawn, the alerts leave the active set: the same persons may be issued again.
        for item in first.imported:
            service.withdraw(session, analyst, item.alert_id, "re-import", issuer.clock.now())
    exported = tmp_path / f"export.{'csv' if file_format == 'csv' else 'jsonl'}"
    exported.write_text(out.getvalue(), encoding="utf-8")
    with issuer.transaction() as session:
        again = import_records(session, principal(session, "central.analyst"), read_records(exported), WANTED,
                               issuer.clock.now())
        assert again.refused == []
        assert len(again.imported) == 2
        persons = sorted((session.get(Alert, item.alert_id).person or {}).get("names", [""])[0]  # type: ignore[union-attr]
                         for item in again.imported)
        assert persons == ["Lê Văn Tám", "王晓红"]
        for item in again.imported:
            alert = session.get(Alert, item.alert_id)
            assert alert is not None
            assert alert.status == Status.ACTIVE
            match = next(p for p in originals.values() if p and p["names"] == (alert.person or {})["names"])
            assert {k: (alert.person or {})[k] for k in ("birth_date", "gender", "nationalities")} == \
                {k: match[k] for k in ("birth_date", "gender", "nationalities")}
