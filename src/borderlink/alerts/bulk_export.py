"""Exporting the node's active alerts: FollowTheMoney entities (JSON lines) or CSV with the columns
an import reads, so an exported file imports again.

A person alert becomes a `Person` entity (names, birth date, gender, nationality as FtM's
lower-case alpha-2 code, passport and ID numbers, the kind as a topic); a document or vehicle alert
without a person has no FtM `Person`, so only the CSV carries it. Leaving the node is onward
sharing: the other side's alerts whose handling code forbids it (H2, H3) stay out, and every
export is audited with the alerts it carried.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts.bulk_read import CSV_COLUMNS, VALUE_SEPARATOR, alpha_2
from borderlink.alerts.models import Alert, AlertRecipient, Status
from borderlink.audit import service as audit
from borderlink.shared.replicated import NOT_SHARED_ONWARD

FORMATS = ("ftm", "csv")
# FollowTheMoney topics for the kinds that have one.
FTM_TOPICS = {"wanted": "wanted", "person_of_interest": "poi", "victim": "crime.traffick.human"}
_FTM_GENDERS = {"F": "female", "M": "male", "X": "other"}


def exported_alerts(session: Session, party: str, side: str | None = None) -> tuple[list[Alert], int]:
    """The active alerts an export carries, oldest first, and how many of the other side's it left
    out for their handling code. Hidden replicas are not the receiving side's to pass on."""
    query = select(Alert).where(Alert.status == Status.ACTIVE).order_by(Alert.created_at, Alert.id)
    if side == "owner":
        query = query.where(Alert.owner_party == party)
    elif side == "replica":
        query = query.where(Alert.owner_party != party)
    carried: list[Alert] = []
    withheld = 0
    for alert in session.scalars(query):
        replica = alert.owner_party != party
        if replica and (alert.hidden or alert.handling_code in NOT_SHARED_ONWARD):
            withheld += 1
            continue
        carried.append(alert)
    return carried, withheld


def ftm_entity(alert: Alert) -> dict[str, Any] | None:
    """The alert's person as a FollowTheMoney `Person` entity; None for an alert without one."""
    person = alert.person or {}
    names = [str(name) for name in person.get("names") or []]
    if not names:
        return None
    properties: dict[str, list[str]] = {"name": names[:1]}
    if names[1:]:
        properties["alias"] = names[1:]
    if person.get("birth_date"):
        properties["birthDate"] = [str(person["birth_date"])]
    if person.get("gender") in _FTM_GENDERS:
        properties["gender"] = [_FTM_GENDERS[str(person["gender"])]]
    countries = [code for code in (alpha_2(str(n)) for n in person.get("nationalities") or []) if code]
    if countries:
        properties["nationality"] = countries
    passports = [str(d["number"]) for d in alert.documents if d.get("type", "passport") == "passport"]
    identities = [str(d["number"]) for d in alert.documents if d.get("type") == "identity_card"]
    if passports:
        properties["passportNumber"] = passports
    if identities:
        properties["idNumber"] = identities
    if alert.description:
        properties["notes"] = [alert.description]
    if alert.kind.value in FTM_TOPICS:
        properties["topics"] = [FTM_TOPICS[alert.kind.value]]
    return {"id": alert.id, "schema": "Person", "properties": properties}


def recipients(session: Session, alerts: list[Alert]) -> dict[str, list[str]]:
    """The border-gate units each alert distributed to a list is for."""
    listed: dict[str, list[str]] = {}
    ids = [alert.id for alert in alerts if alert.distribution.value == "units"]
    for start in range(0, len(ids), 500):
        rows = session.execute(select(AlertRecipient.alert_id, AlertRecipient.unit_code)
                               .where(AlertRecipient.alert_id.in_(ids[start:start + 500]))
                               .order_by(AlertRecipient.unit_code))
        for alert_id, code in rows.tuples():
            listed.setdefault(alert_id, []).append(code)
    return listed


def csv_row(alert: Alert, units: list[str]) -> dict[str, str]:
    """The alert as one CSV row: its first document and first vehicle (a CSV row holds one each).
    The owner unit is left out: an import names its own (`--unit`)."""
    person = alert.person or {}
    names = [str(name) for name in person.get("names") or []]
    document = alert.documents[0] if alert.documents else {}
    vehicle = alert.vehicles[0] if alert.vehicles else {}
    basis = alert.legal_basis or {}
    distribution = alert.distribution.value
    row = {
        "id": alert.id, "kind": alert.kind.value, "name": names[0] if names else "",
        "aliases": VALUE_SEPARATOR.join(names[1:]), "birth_date": str(person.get("birth_date") or ""),
        "gender": str(person.get("gender") or ""),
        "nationality": VALUE_SEPARATOR.join(str(n) for n in person.get("nationalities") or []),
        "description": alert.description or "", "warnings": VALUE_SEPARATOR.join(alert.warning_flags),
        "document_type": str(document.get("type") or "") if document else "",
        "document_number": str(document.get("number") or ""),
        "document_state": str(document.get("issuing_state") or ""),
        "document_expiry": str(document.get("expires_on") or ""), "plate": str(vehicle.get("plate") or ""),
        "vin": str(vehicle.get("vin") or ""), "make": str(vehicle.get("make") or ""),
        "colour": str(vehicle.get("colour") or ""), "offence_code": alert.offence_code, "action": alert.action.value,
        "handling_code": alert.handling_code.value, "handling_note": alert.handling_note or "",
        "legal_basis_reference": str(basis.get("reference") or ""),
        "legal_basis_authority": str(basis.get("authority") or ""), "legal_basis_date": str(basis.get("date") or ""),
        # Never wider than it was: a list of border gates stays that list.
        "distribution": VALUE_SEPARATOR.join(units) if distribution == "units" else distribution,
        "source_evaluation": alert.source_evaluation.value if alert.source_evaluation else "",
        "information_evaluation": alert.information_evaluation.value if alert.information_evaluation else "",
        "expires_at": alert.expires_at.isoformat(),
    }
    return {column: row[column] for column in CSV_COLUMNS}


def _lines(alerts: list[Alert], file_format: str, units: dict[str, list[str]]) -> Iterator[dict[str, Any]]:
    for alert in alerts:
        if file_format == "ftm":
            entity = ftm_entity(alert)
            if entity is not None:
                yield entity
        else:
            yield csv_row(alert, units.get(alert.id, []))


def export_alerts(session: Session, party: str, out: TextIO, file_format: str, side: str | None = None) -> \
        tuple[int, int]:
    """Write the active alerts to `out`; (alerts written, alerts withheld for their handling code)."""
    alerts, withheld = exported_alerts(session, party, side)
    units = recipients(session, alerts) if file_format == "csv" else {}
    written: list[str] = []
    if file_format == "csv":
        writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in _lines(alerts, file_format, units):
            writer.writerow(row)
            written.append(str(row["id"]))
    else:
        for entity in _lines(alerts, file_format, units):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            written.append(str(entity["id"]))
    audit.append(session, [{"action": "export", "object_type": "alerts", "object_id": party,
                            "detail": json.dumps({"format": file_format, "alerts": written, "withheld": withheld})}])
    return len(written), withheld
