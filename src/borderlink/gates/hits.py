"""Hits: a crossing's match on an alert, answered by the unit that owns the alert.

The gate's node owns the hit. A hit on an alert of the other node is reported there at once (a
`gates.hit_report` message); a hit on one of this node's alerts goes straight to the owning unit's
work feed. Either way the owning unit holds it as urgent with a deadline (1 hour for wanted,
missing and victim alerts, 12 hours otherwise; the node administrator may change both), confirms
("it is the person") or rejects ("not the person"), and the answer returns to the gate, which
records what it did. A rejection is remembered: the same traveller is not flagged again for that
alert. Every step is on the hit's timeline on both nodes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import ScreeningHit
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden, InvalidInput
from borderlink.exchange import service as exchange
from borderlink.exchange.context import context_of
from borderlink.gates import photos, settings
from borderlink.gates.alert_screen import AlertFacts
from borderlink.gates.contracts import (
    CrossingPart,
    HitAnswerMessage,
    HitEvent,
    HitOutcomeMessage,
    HitReportMessage,
)
from borderlink.gates.models import (
    HIT_LIFECYCLE,
    HIT_TIMELINE,
    HIT_TYPE,
    Crossing,
    Hit,
    HitStatus,
    Outcome,
    Subject,
)
from borderlink.ids import new_id
from borderlink.shared import scoping, workfeed
from borderlink.shared.attachments import StoredFile
from borderlink.shared.contracts import to_wire
from borderlink.shared.forms import N_
from borderlink.shared.lifecycle import Steps
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.replicated import HandlingCode, Side, validate_contribution_text
from borderlink.shared.timeline import Detail, EventLike, NewStep, TimelineEvent
from borderlink.shared.workfeed import Reason

# A victim is protected, never arrested: these outcomes are refused on a protected hit.
_NOT_FOR_VICTIMS = frozenset({Outcome.HELD})
VICTIM_KIND = "victim"
PROTECT_ACTION = "protect"


def local_party(session: Session) -> str:
    return context_of(session).party


# --- timeline ---------------------------------------------------------------------------------

HIT_STEPS = Steps(HIT_TIMELINE, HIT_LIFECYCLE, HitStatus)
add_event = HIT_STEPS.record


def event_payload(event: EventLike) -> HitEvent:
    return HitEvent.from_fields(HIT_TIMELINE.payload(event))


def timeline(session: Session, hit_id: str) -> list[TimelineEvent]:
    return HIT_TIMELINE.events(session, hit_id)


# --- reporting ----------------------------------------------------------------------------------

def rejected_alerts(session: Session, key: str, alert_ids: Collection[str]) -> set[str]:
    """Of `alert_ids`, those whose owner said of this traveller before that it is not the person."""
    return {alert_id for _, alert_id in rejected_pairs(session, {(key, alert_id) for alert_id in alert_ids})}


def rejected_pairs(session: Session, pairs: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
    """Of (traveller key, alert id) pairs, those whose alert's owner said of that traveller before
    that it is not the person: one read for a whole batch of crossings."""
    if not pairs:
        return set()
    rows = session.execute(select(Hit.traveller_key, Hit.alert_id).where(
        Hit.traveller_key.in_({key for key, _ in pairs}), Hit.alert_id.in_({alert_id for _, alert_id in pairs}),
        Hit.status == HitStatus.REJECTED))
    return {(key, alert_id) for key, alert_id in rows if (key, alert_id) in pairs}


def crossing_part(crossing: Crossing, gate_unit: Unit) -> dict[str, Any]:
    return {
        "direction": crossing.direction.value, "crossed_at": crossing.crossed_at.isoformat(),
        "gate_unit_code": gate_unit.code, "lane_code": crossing.lane_code, "names": crossing.names[:10],
        "birth_date": crossing.birth_date, "sex": crossing.sex, "nationality": crossing.nationality,
        "document_type": crossing.document_type.value if crossing.document_type else None,
        "document_number": crossing.document_number, "issuing_state": crossing.issuing_state,
        "document_expiry": crossing.document_expiry,
        "purpose": crossing.purpose.value if crossing.purpose else None, "vehicle_plate": crossing.vehicle_plate,
    }


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """A crossing written and screened, whose matches become hits (`report_many`)."""

    crossing: Crossing
    gate_unit: Unit
    matches: Sequence[tuple[ScreeningHit, AlertFacts]]
    protected: bool = False
    photo: StoredFile | None = None


def report(session: Session, crossing: Crossing, gate_unit: Unit,
           matches: Sequence[tuple[ScreeningHit, AlertFacts]], now: dt.datetime, *, protected: bool = False,
           photo: StoredFile | None = None) -> list[Hit]:
    """The crossing's new hits, one per alert it matched (see `report_many`)."""
    return report_many(session, [Found(crossing, gate_unit, matches, protected, photo)], now)[0]


def report_many(session: Session, found: Sequence[Found], now: dt.datetime) -> list[list[Hit]]:
    """Each crossing's new hits, one per alert it matched: each in the gate's feed, and at once with
    the alert's owning unit (here, or on the other node through a hit report). A hit on a
    protected traveller, or on a victim alert, asks for protection whatever the alert's action.
    The crossing as its hits describe it is made once for all of them, and the feed entries of
    every hit go in with one insert."""
    steps: list[tuple[Hit, NewStep]] = []
    feed: list[workfeed.NewEntry] = []
    hits: list[list[Hit]] = []
    for item in found:
        if not item.matches:
            hits.append([])
            continue
        details = CrossingPart.from_fields(crossing_part(item.crossing, item.gate_unit)).model_dump(mode="json")
        hits.append([_report_one(session, item, match, facts, now, dict(details), steps, feed)
                     for match, facts in item.matches])
    HIT_STEPS.record_new(session, steps)
    workfeed.put_new(session, feed, now)
    return hits


def _report_one(session: Session, found: Found, match: ScreeningHit, facts: AlertFacts, now: dt.datetime,
                details: dict[str, Any], steps: list[tuple[Hit, NewStep]], feed: list[workfeed.NewEntry]) -> Hit:
    crossing, gate_unit = found.crossing, found.gate_unit
    protected = found.protected or facts.kind == VICTIM_KIND
    party = gate_unit.party_code
    alert_unit_id = facts.unit_id or directory.get_unit_by_code(session, facts.unit_code).id
    # The id is given here, so the hit is written when the transaction flushes (with the batch's
    # others), not one flush per hit; its first step and feed entries go in with the batch's.
    hit = Hit(
        id=new_id(), owner_party=party, owner_unit_id=gate_unit.id, handling_code=_handling(facts.handling_code),
        created_at=now, updated_at=now, crossing_id=crossing.id, gate_unit_id=gate_unit.id,
        alert_id=facts.alert_id, alert_party=facts.party, alert_unit_id=alert_unit_id, alert_kind=facts.kind,
        action=PROTECT_ACTION if protected else facts.action, protected=protected, subject=Subject(match.subject),
        score=round(float(match.score), 4), explanation=dict(match.explanation), crossing=details,
        traveller_key=crossing.traveller_key, status=HitStatus.PENDING,
        deadline_at=now + settings.hit_deadline(session, facts.kind),
    )
    session.add(hit)
    reported = HIT_TIMELINE.new_step(hit.id, "reported", now, party, gate_unit.code, HIT_TIMELINE.detail(
        "reported", subject=hit.subject.value, gate=gate_unit.code, score=f"{hit.score:.2f}"))
    steps.append((hit, reported))
    ref = HIT_KIND.ref(hit.id)
    if facts.party == party and alert_unit_id == gate_unit.id:
        # The gate owns the alert too: its one entry is the one it sent, waiting for its answer.
        feed.append(workfeed.NewEntry(ref, gate_unit.id, Reason.SENT, hit.deadline_at, urgent=True))
        return hit
    feed.append(workfeed.NewEntry(ref, gate_unit.id, Reason.SENT, hit.deadline_at, urgent=True, unread=False))
    if facts.party == party:
        feed.append(workfeed.NewEntry(ref, alert_unit_id, Reason.RECEIVED, hit.deadline_at, urgent=True))
    else:
        message = HitReportMessage.from_fields({
            "id": hit.id, "alert_id": hit.alert_id, "alert_unit_code": facts.unit_code,
            "subject": hit.subject.value, "score": hit.score, "explanation": hit.explanation,
            "action": hit.action, "protected": hit.protected, "alert_kind": hit.alert_kind,
            "traveller_key": hit.traveller_key, "crossing": details, "photo": photos.report_part(found.photo),
            "event": event_payload(reported),
        })
        exchange.enqueue(session, kind=HitReportMessage.message_kind, body=to_wire(message),
                         sender_unit=gate_unit.code, recipient_unit=facts.unit_code,
                         handling_code=hit.handling_code.value, stream=HIT_KIND.stream(hit.id))
    return hit


def _handling(code: str) -> HandlingCode:
    try:
        return HandlingCode(code)
    except ValueError:
        return HandlingCode.H0


def receive_report(session: Session, body: HitReportMessage, gate_unit: Unit, alert_unit: Unit,
                   sender_party: str, facts: AlertFacts, now: dt.datetime) -> Hit:
    """Store the other node's report of a hit on one of our alerts, for the owning unit to answer.
    The gate's word that the traveller is protected is kept; so is this node's own victim alert."""
    deadline = now + settings.hit_deadline(session, facts.kind)
    protected = body.protected or facts.kind == VICTIM_KIND
    hit = Hit(
        id=body.id, owner_party=sender_party, owner_unit_id=gate_unit.id, handling_code=_handling(facts.handling_code),
        created_at=body.event.at, updated_at=now, crossing_id=None, gate_unit_id=gate_unit.id,
        alert_id=body.alert_id, alert_party=facts.party, alert_unit_id=alert_unit.id, alert_kind=facts.kind,
        action=PROTECT_ACTION if protected else facts.action, protected=protected, subject=body.subject,
        score=body.score, explanation=dict(body.explanation),
        crossing=body.crossing.model_dump(mode="json"), traveller_key=body.traveller_key,
        status=HitStatus.PENDING, deadline_at=deadline,
    )
    session.add(hit)
    session.flush()
    add_event(session, hit, "reported", body.event.at, body.event.party, body.event.unit_code,
              HIT_TIMELINE.detail_from_payload("reported", body.event.model_dump()), event_id=body.event.id)
    HIT_KIND.put(session, hit.id, alert_unit.id, Reason.RECEIVED, now, deadline=deadline, urgent=True)
    return hit


# --- reading ----------------------------------------------------------------------------------

# A hit names a person unless it is on a vehicle, so reading one is audited.
HIT_KIND = ObjectKind(HIT_TYPE, Hit, "gates.hit", Permission.GATES_READ,
                      N_("There is no such hit, or you may not see it."),
                      names_person=lambda _session, hit: hit.subject is not Subject.VEHICLE)


def list_hits(session: Session, principal: Principal, *, alert_id: str | None = None,
              status: str | None = None, limit: int = 50) -> list[Hit]:
    """Hits in the feeds of the caller's units, newest first; scoped in SQL."""
    if not principal.can(Permission.GATES_READ):
        return []
    query = select(Hit).where(scoping.visible_clause(HIT_TYPE, Hit.id, principal.scope_unit_ids))  # type: ignore[arg-type]
    if alert_id:
        query = query.where(Hit.alert_id == alert_id)
    if status:
        query = query.where(Hit.status == status)
    return list(session.scalars(query.order_by(Hit.created_at.desc(), Hit.id.desc()).limit(limit)))


# --- answering (the alert's owner) --------------------------------------------------------------

def answer(session: Session, principal: Principal, hit_id: str, confirmed: bool, note: str | None,
           now: dt.datetime) -> Hit:
    """The alert's owning unit (or one above it) says whether it is the person."""
    hit = HIT_KIND.visible(session, principal, hit_id)
    kind = "confirmed" if confirmed else "rejected"
    refusal = N_("Only the unit that owns the alert, or a unit above it, answers a hit.")
    if hit.alert_party != principal.party or not principal.covers_unit(hit.alert_unit_id):
        raise Forbidden(refusal)
    HIT_LIFECYCLE.require(hit.status, kind, side=Side.OWNER, can=principal.can,
                          no_permission=N_("Your role may not answer hits."),
                          wrong_state=N_("This hit was answered already."))
    if note:
        validate_contribution_text([note], "the note")
    unit = directory.get_unit(session, principal.unit_id)
    event = add_event(session, hit, kind, now, principal.party, unit.code,
                      Detail.text(f"{principal.display_name}: {note}" if note else principal.display_name))
    assert event is not None
    _take_answer(hit, note, now, unit.code)
    if hit.owner_party != principal.party:
        gate = directory.get_unit(session, hit.gate_unit_id)
        message = HitAnswerMessage.from_fields({"hit_id": hit.id, "note": note, "event": event_payload(event)})
        exchange.enqueue(session, kind=HitAnswerMessage.message_kind, body=to_wire(message),
                         sender_unit=unit.code, recipient_unit=gate.code, handling_code=hit.handling_code.value,
                         stream=HIT_KIND.stream(hit.id))
    HIT_KIND.touch(session, hit.id, now, except_unit=principal.unit_id)
    return hit


def _take_answer(hit: Hit, note: str | None, at: dt.datetime, unit_code: str | None) -> None:
    if hit.answered_at is None:
        hit.answered_at = at
        hit.answer_note = note
        hit.answered_by = unit_code


def apply_answer(session: Session, hit: Hit, body: HitAnswerMessage, now: dt.datetime) -> None:
    event = body.event
    added = add_event(session, hit, event.kind, event.at, event.party, event.unit_code,
                      HIT_TIMELINE.detail_from_payload(event.kind, event.model_dump()), event_id=event.id)
    if added is not None:
        _take_answer(hit, body.note, event.at, event.unit_code)
        HIT_KIND.touch(session, hit.id, now)


# --- the gate's outcome -------------------------------------------------------------------------

def record_outcome(session: Session, principal: Principal, hit_id: str, outcome: Outcome, note: str | None,
                   now: dt.datetime) -> Hit:
    """The gate records what it did; a victim is protected, never held."""
    hit = HIT_KIND.visible(session, principal, hit_id)
    if hit.owner_party != principal.party or not principal.covers_unit(hit.gate_unit_id):
        raise Forbidden(N_("Only the gate that found the hit, or a unit above it, records its outcome."))
    HIT_LIFECYCLE.require(hit.status, "outcome", side=Side.OWNER, can=principal.can,
                          no_permission=N_("Your role may not record the outcome of a hit."))
    if hit.outcome is not None:
        raise InvalidInput("The outcome of this hit is recorded already.", field="outcome")
    if (hit.protected or hit.alert_kind == VICTIM_KIND) and outcome in _NOT_FOR_VICTIMS:
        raise InvalidInput("A victim is protected, never held: record protected instead.", field="outcome")
    if note:
        validate_contribution_text([note], "the note")
    unit = directory.get_unit(session, principal.unit_id)
    event = add_event(session, hit, "outcome", now, principal.party, unit.code,
                      HIT_TIMELINE.detail("outcome", outcome=outcome.value))
    assert event is not None
    _take_outcome(hit, outcome, note, now)
    if hit.alert_party != principal.party:
        alert_unit = directory.get_unit(session, hit.alert_unit_id)
        message = HitOutcomeMessage.from_fields({"hit_id": hit.id, "outcome": outcome.value, "note": note,
                                                 "event": event_payload(event)})
        exchange.enqueue(session, kind=HitOutcomeMessage.message_kind, body=to_wire(message),
                         sender_unit=directory.get_unit(session, hit.gate_unit_id).code,
                         recipient_unit=alert_unit.code, handling_code=hit.handling_code.value,
                         stream=HIT_KIND.stream(hit.id))
    HIT_KIND.touch(session, hit.id, now, except_unit=principal.unit_id)
    return hit


def _take_outcome(hit: Hit, outcome: Outcome, note: str | None, at: dt.datetime) -> None:
    if hit.outcome is None:
        hit.outcome, hit.outcome_note, hit.outcome_at = outcome, note, at


def apply_outcome(session: Session, hit: Hit, body: HitOutcomeMessage, now: dt.datetime) -> None:
    event = body.event
    added = add_event(session, hit, "outcome", event.at, event.party, event.unit_code,
                      HIT_TIMELINE.detail_from_payload("outcome", event.model_dump()), event_id=event.id)
    if added is not None:
        _take_outcome(hit, body.outcome, body.note, event.at)
        HIT_KIND.touch(session, hit.id, now)


def count_pending(session: Session, unit_ids: frozenset[str]) -> int:
    """Pending hits in these units' feeds."""
    return int(session.scalar(select(func.count()).select_from(Hit).where(
        Hit.status == HitStatus.PENDING,
        scoping.visible_clause(HIT_TYPE, Hit.id, unit_ids))) or 0)  # type: ignore[arg-type]
