"""Applying what the other node sends about hits: reports, answers, outcomes and escalations.

Each handler runs inside the exchange's inbox transaction with a body already checked against its
contract (contracts.py), and first checks that the sender may say this about this hit: only the
gate's node reports a hit and records its outcome, and only the node that owns the alert answers
or escalates it, always in the name of one of its own units.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.exchange.context import now_of
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.gates import hits, photos, pre_arrivals
from borderlink.gates.alert_screen import alert_screen
from borderlink.gates.contracts import (
    HitAnswerMessage,
    HitEscalationMessage,
    HitEvent,
    HitOutcomeMessage,
    HitReportMessage,
    PreArrivalArrivedMessage,
    PreArrivalMessage,
)
from borderlink.gates.escalation import HITS
from borderlink.gates.models import HIT_LIFECYCLE, HIT_TIMELINE, Hit, HitStatus, PreArrival
from borderlink.gates.reference import reference_gates
from borderlink.shared import escalation
from borderlink.shared.replicated import (
    Side,
    already_applied,
    check_received_text,
    known,
    named_unit,
)


def _check_event(session: Session, event: HitEvent, sender_party: str, expected: str) -> None:
    if event.kind != expected:
        raise Rejected(f"this message carries a {expected!r} step, not {event.kind!r}")
    if event.party != sender_party:
        raise Rejected(f"a step from {sender_party} cannot be recorded in the name of {event.party}")
    if event.unit_code is not None and named_unit(session, event.unit_code).party_code != sender_party:
        raise Rejected(f"{event.unit_code} is not a unit of the sending node")


def _note(note: str | None) -> None:
    if note:
        check_received_text([note], "the note")


def apply_report(session: Session, envelope: InboundEnvelope[HitReportMessage]) -> None:
    body = envelope.body
    if already_applied(session, Hit, body.id):
        return
    gate = named_unit(session, body.crossing.gate_unit_code)
    if gate.party_code != envelope.sender_party or gate.code not in {g.unit for g in reference_gates()}:
        raise Rejected(f"{gate.code} is not a border gate of the sending node")
    if envelope.sender_unit != gate.code:
        raise Rejected("a hit is reported by the gate that found it")
    _check_event(session, body.event, envelope.sender_party, "reported")
    facts = alert_screen().facts(session, body.alert_id)
    if facts is None or facts.party != envelope.recipient_party:
        raise Rejected(f"alert {body.alert_id} is not an active alert of this node")
    if facts.unit_code != body.alert_unit_code:
        raise Rejected(f"alert {body.alert_id} is owned by {facts.unit_code}, not {body.alert_unit_code}")
    alert_unit = named_unit(session, facts.unit_code)
    hit = hits.receive_report(session, body, gate, alert_unit, envelope.sender_party, facts, now_of(session))
    if body.photo is not None:
        photos.keep_reported(session, hit, body.photo, envelope.sender_party, now_of(session))



def apply_answer(session: Session, envelope: InboundEnvelope[HitAnswerMessage]) -> None:
    hit = known(session, Hit, envelope.body.hit_id, "hit")
    if envelope.sender_party != hit.alert_party or hit.owner_party == hit.alert_party:
        raise Rejected("only the node that owns the alert answers its hits")
    event = envelope.body.event
    if event.kind not in ("confirmed", "rejected"):
        raise Rejected(f"an answer is 'confirmed' or 'rejected', not {event.kind!r}")
    _check_event(session, event, envelope.sender_party, event.kind)
    _note(envelope.body.note)
    answered = {e.kind for e in HIT_TIMELINE.events(session, hit.id)} & {"confirmed", "rejected"}
    if answered and event.kind not in answered:
        raise Rejected(f"hit {hit.id} was answered {answered.pop()} already")
    if hit.status is not HitStatus.PENDING and not answered:
        raise Rejected(f"hit {hit.id} is {hit.status.value}")
    hits.apply_answer(session, hit, envelope.body, now_of(session))


def apply_outcome(session: Session, envelope: InboundEnvelope[HitOutcomeMessage]) -> None:
    hit = known(session, Hit, envelope.body.hit_id, "hit")
    if envelope.sender_party != hit.owner_party or hit.owner_party == hit.alert_party:
        raise Rejected("only the gate's node records the outcome of a hit")
    _check_event(session, envelope.body.event, envelope.sender_party, "outcome")
    HIT_LIFECYCLE.require_side("outcome", Side.OWNER)
    _note(envelope.body.note)
    if hit.alert_kind == "victim" and envelope.body.outcome.value == "held":
        raise Rejected("a victim is protected, never held")
    hits.apply_outcome(session, hit, envelope.body, now_of(session))


def apply_escalation(session: Session, envelope: InboundEnvelope[HitEscalationMessage]) -> None:
    hit = known(session, Hit, envelope.body.hit_id, "hit")
    if envelope.sender_party != hit.alert_party or hit.owner_party == hit.alert_party:
        raise Rejected("only the node that owns the alert escalates its hits")
    event = envelope.body.event
    _check_event(session, event, envelope.sender_party, "escalated")
    escalation.apply_escalated(session, HITS, hit, envelope.body.level, event, now_of(session))



def apply_pre_arrival(session: Session, envelope: InboundEnvelope[PreArrivalMessage]) -> None:
    body = envelope.body
    if already_applied(session, PreArrival, body.id):
        return
    gates = {g.unit for g in reference_gates()}
    from_gate, to_gate = named_unit(session, body.from_gate_unit_code), named_unit(session, body.to_gate_unit_code)
    if from_gate.party_code != envelope.sender_party or from_gate.code not in gates:
        raise Rejected(f"{from_gate.code} is not a border gate of the sending node")
    if envelope.sender_unit != from_gate.code:
        raise Rejected("a notice is sent by the gate that announces it")
    facing = {u.id for u in directory.counterparts_of(session, from_gate.id)}
    if to_gate.party_code != envelope.recipient_party or to_gate.code not in gates or to_gate.id not in facing:
        raise Rejected(f"{to_gate.code} is not the gate of this node facing {from_gate.code}")
    pre_arrivals.receive(session, body, envelope.sender_party, from_gate, to_gate, now_of(session))


def apply_pre_arrival_arrived(session: Session, envelope: InboundEnvelope[PreArrivalArrivedMessage]) -> None:
    notice = known(session, PreArrival, envelope.body.pre_arrival_id, "pre-arrival notice")
    if notice.owner_party == envelope.sender_party:
        raise Rejected("the facing gate's node says a vehicle arrived, not the announcing node")
    if named_unit(session, envelope.body.gate_unit_code).id != notice.to_gate_unit_id:
        raise Rejected(f"{envelope.body.gate_unit_code} is not the gate the vehicle was announced to")
    pre_arrivals.apply_arrived(session, notice, envelope.body, now_of(session))
