"""Pre-arrival notices: the exporting side's gate (or a trader's system through the API) announces
a vehicle to the gate it faces, with its driver, containers and cargo. The facing node checks the
driver and the vehicle against every active alert as soon as the notice arrives, lists it among
the gate's expected arrivals, and matches it to the vehicle's crossing; the announcing gate then
learns that it arrived."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import ScreeningQuery, normalise_plate
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden, InvalidInput
from borderlink.exchange import service as exchange
from borderlink.gates.alert_screen import alert_screen
from borderlink.gates.contracts import PreArrivalArrivedMessage, PreArrivalMessage
from borderlink.gates.models import (
    PRE_ARRIVAL_TYPE,
    CheckResult,
    Crossing,
    Direction,
    PreArrival,
    PreArrivalStatus,
)
from borderlink.gates.reference import reference_gates
from borderlink.gates.schemas import PreArrivalCreate
from borderlink.ids import new_id
from borderlink.shared import scoping
from borderlink.shared.contracts import to_wire
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.replicated import HandlingCode
from borderlink.shared.workfeed import Reason

PRE_ARRIVAL_KIND = ObjectKind(PRE_ARRIVAL_TYPE, PreArrival, "gates.pre_arrival", Permission.GATES_READ,
                              "There is no such pre-arrival notice, or you may not see it.",
                              names_person=lambda _session, _notice: True)


def facing_gate(session: Session, gate: Unit) -> Unit:
    gates = {g.unit for g in reference_gates()}
    for unit in directory.counterparts_of(session, gate.id):
        if unit.code in gates:
            return unit
    raise InvalidInput("%(gate)s faces no gate across the border.", field="gate_unit_code", gate=gate.code)


def announce(session: Session, principal: Principal, data: PreArrivalCreate, now: dt.datetime) -> PreArrival:
    """Record a notice at the caller's gate and send it to the facing gate at once."""
    if not principal.can(Permission.GATES_CHECK):
        raise Forbidden("Your role may not announce vehicles.")
    from borderlink.gates.crossings import gate_of  # crossings matches notices: imported late

    gate, _ = gate_of(session, principal, data.gate_unit_code)
    facing = facing_gate(session, gate)
    expected = data.expected_at if data.expected_at.tzinfo else data.expected_at.replace(tzinfo=dt.UTC)
    notice = PreArrival(
        id=new_id(), owner_party=principal.party, owner_unit_id=gate.id, handling_code=HandlingCode.H0,
        created_at=now, updated_at=now, from_gate_unit_id=gate.id, to_gate_unit_id=facing.id,
        plate=data.plate.upper(), plate_key=normalise_plate(data.plate), driver_names=list(data.driver.names),
        driver_birth_date=data.driver.birth_date, driver_nationality=data.driver.nationality,
        driver_document_number=data.driver.document_number, driver_document_state=data.driver.document_state,
        containers=[c.upper() for c in data.containers], cargo_description=data.cargo_description,
        hs_code=data.hs_code, weight_kg=data.weight_kg, expected_at=expected.astimezone(dt.UTC),
        status=PreArrivalStatus.EXPECTED)
    session.add(notice)
    session.flush()
    PRE_ARRIVAL_KIND.put(session, notice.id, gate.id, Reason.SENT, now, unread=False)
    message = PreArrivalMessage.from_fields({
        "id": notice.id, "from_gate_unit_code": gate.code, "to_gate_unit_code": facing.code, "plate": notice.plate,
        "driver": {"names": notice.driver_names, "birth_date": notice.driver_birth_date,
                   "nationality": notice.driver_nationality, "document_number": notice.driver_document_number,
                   "document_state": notice.driver_document_state},
        "containers": notice.containers, "cargo_description": notice.cargo_description, "hs_code": notice.hs_code,
        "weight_kg": notice.weight_kg, "expected_at": notice.expected_at, "created_at": now,
    })
    exchange.enqueue(session, kind=PreArrivalMessage.message_kind, body=to_wire(message), sender_unit=gate.code,
                     recipient_unit=facing.code, stream=PRE_ARRIVAL_KIND.stream(notice.id))
    return notice


def receive(session: Session, body: PreArrivalMessage, sender_party: str, from_gate: Unit, to_gate: Unit,
            now: dt.datetime) -> PreArrival:
    """Store the other side's notice for the facing gate, checking driver and vehicle at once."""
    notice = PreArrival(
        id=body.id, owner_party=sender_party, owner_unit_id=from_gate.id, handling_code=HandlingCode.H0,
        created_at=body.created_at, updated_at=now, from_gate_unit_id=from_gate.id, to_gate_unit_id=to_gate.id,
        plate=body.plate, plate_key=normalise_plate(body.plate), driver_names=list(body.driver.names),
        driver_birth_date=body.driver.birth_date, driver_nationality=body.driver.nationality,
        driver_document_number=body.driver.document_number, driver_document_state=body.driver.document_state,
        containers=list(body.containers), cargo_description=body.cargo_description, hs_code=body.hs_code,
        weight_kg=body.weight_kg, expected_at=body.expected_at, status=PreArrivalStatus.EXPECTED)
    found = alert_screen().screen_unscoped(session, ScreeningQuery(
        names=tuple(notice.driver_names), birth_date=notice.driver_birth_date, nationality=notice.driver_nationality,
        document_number=notice.driver_document_number, document_state=notice.driver_document_state,
        plate=notice.plate))
    notice.check_result = CheckResult.HIT if found else CheckResult.CLEAR
    notice.check_hits = [{"alert_id": hit.alert_id, "subject": hit.subject, "score": round(hit.score, 4),
                          "action": facts.action, "alert_kind": facts.kind} for hit, facts in found]
    session.add(notice)
    session.flush()
    PRE_ARRIVAL_KIND.put(session, notice.id, to_gate.id, Reason.RECEIVED, now, deadline=notice.expected_at,
                         urgent=bool(found))
    return notice


def match_crossing(session: Session, crossing: Crossing, gate: Unit, now: dt.datetime) -> PreArrival | None:
    """An entering vehicle announced to this gate: the notice is marked arrived, and the
    announcing gate is told."""
    if crossing.direction is not Direction.ENTRY or not crossing.vehicle_plate:
        return None
    notice = session.scalar(select(PreArrival).where(
        PreArrival.to_gate_unit_id == gate.id, PreArrival.plate_key == normalise_plate(crossing.vehicle_plate),
        PreArrival.status == PreArrivalStatus.EXPECTED).order_by(PreArrival.expected_at).limit(1))
    if notice is None:
        return None
    notice.status, notice.crossing_id, notice.arrived_at = PreArrivalStatus.ARRIVED, crossing.id, crossing.crossed_at
    notice.updated_at = now
    PRE_ARRIVAL_KIND.touch(session, notice.id, now)
    if notice.owner_party != gate.party_code:
        message = PreArrivalArrivedMessage.from_fields({"pre_arrival_id": notice.id,
                                                        "arrived_at": crossing.crossed_at, "gate_unit_code": gate.code})
        announcer = directory.get_unit(session, notice.from_gate_unit_id)
        exchange.enqueue(session, kind=PreArrivalArrivedMessage.message_kind, body=to_wire(message),
                         sender_unit=gate.code, recipient_unit=announcer.code,
                         stream=PRE_ARRIVAL_KIND.stream(notice.id))
    return notice


def apply_arrived(session: Session, notice: PreArrival, body: PreArrivalArrivedMessage, now: dt.datetime) -> None:
    if notice.status is PreArrivalStatus.ARRIVED:
        return
    notice.status, notice.arrived_at, notice.updated_at = PreArrivalStatus.ARRIVED, body.arrived_at, now
    PRE_ARRIVAL_KIND.touch(session, notice.id, now)


def list_notices(session: Session, principal: Principal, status: str | None = None,
                 gate_unit_code: str | None = None, limit: int = 200) -> list[PreArrival]:
    """Notices in the feeds of the caller's units (sent from or expected at their gates), by
    expected time."""
    if not principal.can(Permission.GATES_READ):
        return []
    query = select(PreArrival).where(scoping.visible_clause(
        PRE_ARRIVAL_TYPE, PreArrival.id, principal.scope_unit_ids))  # type: ignore[arg-type]
    if status:
        query = query.where(PreArrival.status == status)
    if gate_unit_code:
        units = select(Unit.id).where(Unit.code == gate_unit_code.upper())
        query = query.where(PreArrival.to_gate_unit_id.in_(units) | PreArrival.from_gate_unit_id.in_(units))
    return list(session.scalars(query.order_by(PreArrival.expected_at, PreArrival.id).limit(limit)))
