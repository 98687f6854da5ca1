"""Applying the other side's handover messages: a proposal from the handing side, and the steps
either side takes. The sender may only take the steps of its own side, in the name of its own
units, and a confirmation must come from its own gate of the pair."""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.cases import handovers
from borderlink.cases.contracts import HandoverMessage, HandoverStepMessage
from borderlink.cases.handover_models import LIFECYCLE, TIMELINE, Handover, HandoverConfirmation, HandoverStatus
from borderlink.directory import service as directory
from borderlink.directory.models import Tier, Unit
from borderlink.errors import NotFound
from borderlink.exchange.context import now_of
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared.replicated import (
    Side,
    already_applied,
    check_received_text,
    known,
    side_of,
)
from borderlink.shared.timeline import TimelineEvent


def _unit(session: Session, code: str | None) -> Unit:
    try:
        return directory.get_unit_by_code(session, code or "")
    except NotFound as exc:
        raise Rejected(f"unknown unit {code!r}") from exc


def apply_handover(session: Session, envelope: InboundEnvelope[HandoverMessage]) -> None:
    body = envelope.body
    if already_applied(session, Handover, body.id):
        return
    sender, recipient = envelope.sender_party, envelope.recipient_party
    handing, receiving = _unit(session, body.handing_unit_code), _unit(session, body.receiving_unit_code)
    gate, facing = _unit(session, body.handing_gate_code), _unit(session, body.receiving_gate_code)
    if handing.party_code != sender or gate.party_code != sender:
        raise Rejected("the handing unit and gate belong to the side that proposes")
    if receiving.party_code != recipient or facing.party_code != recipient:
        raise Rejected("the receiving unit and gate belong to this side")
    if gate.tier != Tier.POST or facing.id not in {u.id for u in directory.counterparts_of(session, gate.id)}:
        raise Rejected(f"{gate.code} and {facing.code} are not a gate pair")
    if body.event.kind != "proposed" or body.event.party != sender:
        raise Rejected("a new handover carries the handing side's 'proposed' step")
    check_received_text([body.note, *(c.item for c in body.checklist)], "the handover")
    now = now_of(session)
    handover = Handover(
        id=body.id, owner_party=sender, kind=body.kind, handing_unit_id=handing.id, receiving_unit_id=receiving.id,
        handing_gate_id=gate.id, receiving_gate_id=facing.id, case_id=body.case_id, alert_id=body.alert_id,
        planned_at=body.planned_at, persons=[p.model_dump(exclude_none=True) for p in body.persons],
        escorts=list(body.escorts), checklist=[c.model_dump() for c in body.checklist], note=body.note,
        status=HandoverStatus.PROPOSED, handling_code=body.handling_code, author_name=body.author_name,
        created_at=body.created_at, updated_at=now, version=1)
    session.add(handover)
    session.flush()
    session.refresh(handover)
    event = body.event
    handovers.record(session, handover, event.kind, event.at, event.party, event.unit_code,
                     TIMELINE.detail_from_payload(event.kind, event.model_dump()), event_id=event.id)
    handovers.place_in_feeds(session, handover, recipient, now)


def apply_step(session: Session, envelope: InboundEnvelope[HandoverStepMessage]) -> None:
    body = envelope.body
    handover = known(session, Handover, body.handover_id, "handover")
    event = body.event
    sender = envelope.sender_party
    sender_side = side_of(handover, sender)
    LIFECYCLE.require_side(event.kind, sender_side)
    if event.party != sender or (event.unit_code and _unit(session, event.unit_code).party_code != sender):
        raise Rejected(f"a step from {sender} cannot be recorded in the name of another side")
    if session.get(TimelineEvent, event.id) is not None:
        return  # applied before
    state = handover.status
    if event.kind == "accepted":
        expected = Side.REPLICA if state == HandoverStatus.PROPOSED else Side.OWNER
        if state not in (HandoverStatus.PROPOSED, HandoverStatus.COUNTERED) or sender_side is not expected:
            raise Rejected(f"the {sender_side.value} side cannot accept a handover that is {state.value}")
        if sender_side is Side.REPLICA:
            handover.protection_service = body.protection_service or handover.protection_service
        elif handover.counter_at is not None:
            handover.planned_at = handover.counter_at
    elif event.kind == "countered":
        if state != HandoverStatus.PROPOSED or body.counter_at is None:
            raise Rejected("another time is proposed, with the time, on a proposed handover")
        handover.counter_at = body.counter_at
        handover.protection_service = body.protection_service or handover.protection_service
    elif event.kind == "confirmed":
        _, gate = handovers.their_units(handover, envelope.recipient_party)
        if state != HandoverStatus.ACCEPTED or event.unit_code != gate.code:
            raise Rejected(f"a confirmation comes from {gate.code} on an accepted handover")
        if handovers.confirmation_of(session, handover.id, sender) is None:
            session.add(HandoverConfirmation(handover_id=handover.id, party=sender, unit_code=gate.code,
                                             officer_name=body.officer_name or "", at=event.at))
            session.flush()
    elif event.kind == "cancelled":
        if state in (HandoverStatus.COMPLETED, HandoverStatus.CANCELLED):
            raise Rejected(f"the handover is {state.value}")
    else:
        raise Rejected(f"a {event.kind!r} step does not travel as a handover step")
    now = now_of(session)
    handovers.record(session, handover, event.kind, event.at, event.party, event.unit_code,
                     TIMELINE.detail_from_payload(event.kind, event.model_dump()), event_id=event.id)
    if event.kind == "confirmed":
        handovers.complete_if_confirmed(session, handover, envelope.recipient_party, now)
    handovers.place_in_feeds(session, handover, envelope.recipient_party, now)

