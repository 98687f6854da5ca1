"""Handovers of fugitives, victims and migrants at a gate pair.

The handing side proposes (persons, linked wanted alert or case, gate, planned time, escorts,
documents and belongings); the receiving side accepts or proposes another time, which the handing
side then accepts. At the gate each side's officer confirms on their own node. Each step is
recorded on the node that takes it and sent to the other as a `HandoverStepMessage`, and both
nodes apply steps with the same rules (`apply_step`), so both hold the same handover. It is
complete only once both confirmations are recorded; a completed handover of the subject of a
wanted alert fulfils that alert (on the node that issued it, which tells the other).
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.cases import alert_links, persons, service
from borderlink.cases.contracts import HandoverEvent, HandoverMessage, HandoverStepMessage
from borderlink.cases.handover_models import (
    HANDOVER_TYPE,
    LIFECYCLE,
    TIMELINE,
    Handover,
    HandoverConfirmation,
    HandoverKind,
    HandoverStatus,
)
from borderlink.cases.models import Perm
from borderlink.cases.schemas import HandoverAccept, HandoverCancel, HandoverCounter, HandoverCreate, HandoverFilter
from borderlink.directory import service as directory
from borderlink.directory.models import Tier, Unit
from borderlink.directory.permissions import Principal
from borderlink.errors import Forbidden, InvalidInput
from borderlink.exchange import service as exchange
from borderlink.ids import new_id
from borderlink.shared import scoping, workfeed
from borderlink.shared.contracts import to_wire
from borderlink.shared.lifecycle import Steps
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.replicated import Side, side_of, validate_contribution_text
from borderlink.shared.timeline import N_, Detail, TimelineEvent
from borderlink.shared.workfeed import Reason

NOT_FOUND = N_("There is no such handover, or you may not see it.")
PARTY_ZONES = {"VN": "Asia/Ho_Chi_Minh", "CN": "Asia/Shanghai"}
_COMPLETION = uuid.UUID("6f1c2a47-3c1e-4b8e-9a51-0d1f2e3c4b5a")  # names the one completion step of a handover


HANDOVER_KIND = ObjectKind(HANDOVER_TYPE, Handover, "handovers", Perm.READ, NOT_FOUND,
                           names_person=lambda _session, _handover: True)


def planned_local(moment: dt.datetime) -> dict[str, str]:
    """The time on each side's clock: "2026-11-03 09:00 (UTC+07:00)" in Vietnam, and China's."""
    shown = {}
    for party, zone in PARTY_ZONES.items():
        local = moment.astimezone(ZoneInfo(zone))
        offset = local.strftime("%z")
        shown[party] = f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"
    return shown


def _gate_pair(session: Session, principal: Principal, gate_code: str) -> tuple[Unit, Unit]:
    gate = service.unit_by_code(session, gate_code, "gate_code")
    if gate.party_code != principal.party or gate.tier != Tier.POST:
        raise InvalidInput("%(unit)s is not a gate of this side.", field="gate_code", unit=gate.code)
    facing = directory.counterparts_of(session, gate.id)
    if len(facing) != 1:
        raise InvalidInput("%(unit)s faces no gate across the border.", field="gate_code", unit=gate.code)
    return gate, facing[0]


def _at_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _event_payload(event: TimelineEvent) -> HandoverEvent:
    return HandoverEvent.from_fields(TIMELINE.payload(event))


record = Steps(TIMELINE, LIFECYCLE, HandoverStatus).record


def our_units(handover: Handover, party: str) -> tuple[Unit, Unit]:
    """(this side's unit on the handover, this side's gate)."""
    if handover.owner_party == party:
        return handover.handing_unit, handover.handing_gate
    return handover.receiving_unit, handover.receiving_gate


def their_units(handover: Handover, party: str) -> tuple[Unit, Unit]:
    if handover.owner_party == party:
        return handover.receiving_unit, handover.receiving_gate
    return handover.handing_unit, handover.handing_gate


def place_in_feeds(session: Session, handover: Handover, party: str, now: dt.datetime, *,
                   except_unit: str | None = None) -> None:
    """The handover is in the feeds of this side's unit and gate, due at the planned time."""
    unit, gate = our_units(handover, party)
    owner = handover.owner_party == party
    for target in {unit.id: unit, gate.id: gate}.values():
        if workfeed.entry_of(session, HANDOVER_KIND.ref(handover.id), target.id) is None:
            reason = (Reason.SENT if target.id == unit.id else Reason.SHARED) if owner else Reason.RECEIVED
            HANDOVER_KIND.put(session, handover.id, target.id, reason, now, deadline=handover.planned_at,
                              unread=target.id != except_unit)
    open_ = handover.status not in (HandoverStatus.COMPLETED, HandoverStatus.CANCELLED)
    workfeed.set_deadline(session, HANDOVER_KIND.ref(handover.id), handover.planned_at if open_ else None)
    HANDOVER_KIND.touch(session, handover.id, now, except_unit=except_unit)


# --- proposing -------------------------------------------------------------------------------

def propose(session: Session, principal: Principal, data: HandoverCreate, now: dt.datetime) -> Handover:
    if not principal.can(Perm.HANDOVER):
        raise Forbidden("Your role may not propose handovers.")
    gate, facing = _gate_pair(session, principal, data.gate_code)
    if not principal.covers_unit(gate.id):
        raise InvalidInput("%(unit)s is not your unit or one below it.", field="gate_code", unit=gate.code)
    receiving = facing
    if data.receiving_unit_code:
        receiving = service.unit_by_code(session, data.receiving_unit_code, "receiving_unit_code")
        if receiving.party_code == principal.party:
            raise InvalidInput("The receiving unit is one of the other side's.", field="receiving_unit_code")
    planned = _at_utc(data.planned_at)
    if planned <= now:
        raise InvalidInput("The planned time is in the past.", field="planned_at")
    if data.case_id is not None:
        service.CASE_KIND.visible(session, principal, data.case_id)
    chosen, linked_alert = persons.handover_persons(session, principal, data.case_id, data.persons)
    alert_id = data.alert_id or (linked_alert if data.kind == HandoverKind.FUGITIVE else None)
    if alert_id is not None:
        alert_links.require_wanted_alert(session, principal, alert_id)
    validate_contribution_text([data.note, *(c.item for c in data.checklist)], "the handover")
    handing = directory.get_unit(session, principal.unit_id)
    handover = Handover(
        id=new_id(), owner_party=principal.party, kind=data.kind, handing_unit_id=handing.id,
        receiving_unit_id=receiving.id, handing_gate_id=gate.id, receiving_gate_id=facing.id, case_id=data.case_id,
        alert_id=alert_id, planned_at=planned, persons=chosen,
        escorts=list(data.escorts), checklist=[c.model_dump() for c in data.checklist], note=data.note,
        status=HandoverStatus.PROPOSED, handling_code=data.handling_code, author_name=principal.display_name,
        created_at=now, updated_at=now, version=1)
    session.add(handover)
    session.flush()
    session.refresh(handover)
    event = record(session, handover, "proposed", now, principal.party, handing.code, TIMELINE.detail(
        "proposed", planned_at=planned.isoformat(), gate=f"{gate.code} – {facing.code}"))
    assert event is not None
    place_in_feeds(session, handover, principal.party, now, except_unit=principal.unit_id)
    message = HandoverMessage.from_fields({
        "id": handover.id, "kind": handover.kind, "handing_unit_code": handing.code,
        "receiving_unit_code": receiving.code, "handing_gate_code": gate.code, "receiving_gate_code": facing.code,
        "case_id": handover.case_id, "alert_id": handover.alert_id, "planned_at": planned,
        "persons": handover.persons, "escorts": handover.escorts, "checklist": handover.checklist,
        "note": handover.note, "handling_code": handover.handling_code, "author_name": handover.author_name,
        "created_at": now, "event": _event_payload(event).model_dump()})
    exchange.enqueue(session, kind=HandoverMessage.message_kind, body=to_wire(message), sender_unit=handing.code,
                     recipient_unit=receiving.code, handling_code=handover.handling_code.value,
                     stream=HANDOVER_KIND.stream(handover.id))
    return handover


# --- steps on both sides ---------------------------------------------------------------------

def _send_step(session: Session, handover: Handover, event: TimelineEvent, party: str, **extra: object) -> None:
    ours, _ = our_units(handover, party)
    theirs, _ = their_units(handover, party)
    message = HandoverStepMessage.from_fields({"handover_id": handover.id, "event": _event_payload(event).model_dump(),
                                               **{k: v for k, v in extra.items() if v is not None}})
    exchange.enqueue(session, kind=HandoverStepMessage.message_kind, body=to_wire(message), sender_unit=ours.code,
                     recipient_unit=theirs.code, handling_code=handover.handling_code.value,
                     stream=HANDOVER_KIND.stream(handover.id))


def _require_step(principal: Principal, handover: Handover, step: str) -> Side:
    side = side_of(handover, principal.party)
    LIFECYCLE.require(handover.status, step, side=side, can=principal.can,
                      no_permission=N_("Your role may not take this step on a handover."),
                      wrong_side=N_("The other side takes this step."),
                      wrong_state=N_("This step is not possible in the handover's present state."))
    return side


def accept(session: Session, principal: Principal, handover_id: str, data: HandoverAccept,
           now: dt.datetime) -> Handover:
    """The receiving side accepts the proposal, or the handing side accepts the other time."""
    handover = HANDOVER_KIND.visible(session, principal, handover_id)
    side = _require_step(principal, handover, "accepted")
    expected = Side.REPLICA if handover.status == HandoverStatus.PROPOSED else Side.OWNER
    if side is not expected:
        raise InvalidInput("The other side takes this step.", field="status")
    if side is Side.REPLICA:
        _require_protection(handover, data.protection_service)
        handover.protection_service = data.protection_service or handover.protection_service
    elif handover.counter_at is not None:
        handover.planned_at = handover.counter_at
    unit = directory.get_unit(session, principal.unit_id)
    event = record(session, handover, "accepted", now, principal.party, unit.code, Detail.text(principal.display_name))
    assert event is not None
    _send_step(session, handover, event, principal.party, protection_service=data.protection_service)
    place_in_feeds(session, handover, principal.party, now, except_unit=principal.unit_id)
    return handover


def _require_protection(handover: Handover, protection_service: str | None) -> None:
    if handover.kind == HandoverKind.VICTIM and not (protection_service or handover.protection_service):
        raise InvalidInput("A victim is received by a protection service; name it.", field="protection_service")


def counter(session: Session, principal: Principal, handover_id: str, data: HandoverCounter,
            now: dt.datetime) -> Handover:
    """The receiving side proposes another time."""
    handover = HANDOVER_KIND.visible(session, principal, handover_id)
    _require_step(principal, handover, "countered")
    planned = _at_utc(data.planned_at)
    if planned <= now:
        raise InvalidInput("The planned time is in the past.", field="planned_at")
    _require_protection(handover, data.protection_service)
    handover.counter_at = planned
    handover.protection_service = data.protection_service or handover.protection_service
    unit = directory.get_unit(session, principal.unit_id)
    event = record(session, handover, "countered", now, principal.party, unit.code,
                   TIMELINE.detail("countered", planned_at=planned.isoformat()))
    assert event is not None
    _send_step(session, handover, event, principal.party, counter_at=planned,
               protection_service=data.protection_service)
    place_in_feeds(session, handover, principal.party, now, except_unit=principal.unit_id)
    return handover


def confirm(session: Session, principal: Principal, handover_id: str, now: dt.datetime) -> Handover:
    """This side's officer at the gate confirms that the persons passed."""
    handover = HANDOVER_KIND.visible(session, principal, handover_id)
    _require_step(principal, handover, "confirmed")
    _, gate = our_units(handover, principal.party)
    if principal.unit_id != gate.id:
        raise Forbidden("Only an officer of %(unit)s confirms at the gate.", unit=gate.code)
    if confirmation_of(session, handover.id, principal.party) is not None:
        raise InvalidInput("This side has confirmed already.", field="status")
    session.add(HandoverConfirmation(id=new_id(), handover_id=handover.id, party=principal.party, unit_code=gate.code,
                                     officer_name=principal.display_name, at=now))
    session.flush()
    event = record(session, handover, "confirmed", now, principal.party, gate.code,
                   TIMELINE.detail("confirmed", officer=principal.display_name))
    assert event is not None
    _send_step(session, handover, event, principal.party, officer_name=principal.display_name)
    complete_if_confirmed(session, handover, principal.party, now)
    place_in_feeds(session, handover, principal.party, now, except_unit=principal.unit_id)
    return handover


def cancel(session: Session, principal: Principal, handover_id: str, data: HandoverCancel,
           now: dt.datetime) -> Handover:
    handover = HANDOVER_KIND.visible(session, principal, handover_id)
    _require_step(principal, handover, "cancelled")
    validate_contribution_text([data.reason], "the reason")
    unit = directory.get_unit(session, principal.unit_id)
    event = record(session, handover, "cancelled", now, principal.party, unit.code,
                   TIMELINE.detail("cancelled", reason=data.reason))
    assert event is not None
    _send_step(session, handover, event, principal.party)
    place_in_feeds(session, handover, principal.party, now, except_unit=principal.unit_id)
    return handover


def confirmation_of(session: Session, handover_id: str, party: str) -> HandoverConfirmation | None:
    return session.scalar(select(HandoverConfirmation).where(
        HandoverConfirmation.handover_id == handover_id, HandoverConfirmation.party == party))


def confirmations(session: Session, handover_id: str) -> list[HandoverConfirmation]:
    return list(session.scalars(select(HandoverConfirmation).where(HandoverConfirmation.handover_id == handover_id)
                                .order_by(HandoverConfirmation.at)))


def complete_if_confirmed(session: Session, handover: Handover, local_party: str, now: dt.datetime) -> bool:
    """Both sides' confirmations are recorded: the handover is complete. Both nodes record the same
    completion step (its id derives from the handover's, its time is the later confirmation)."""
    found = confirmations(session, handover.id)
    if {c.party for c in found} != set(PARTY_ZONES) or handover.status != HandoverStatus.ACCEPTED:
        return False
    at = max(c.at for c in found)
    record(session, handover, "completed", at, handover.owner_party, handover.handing_gate.code,
           event_id=str(uuid.uuid5(_COMPLETION, handover.id)))
    handover.completed_at = at
    if handover.alert_id is not None and handover.kind == HandoverKind.FUGITIVE:
        alert_links.fulfil_on_handover(session, handover, local_party, now)
    return True


def handovers_page(session: Session, principal: Principal,
                   filters: HandoverFilter) -> tuple[list[Handover], str | None, str | None]:
    from borderlink.shared import namesearch, paging
    from borderlink.shared.workfeed import FeedEntry

    query = workfeed.latest_entries(HANDOVER_TYPE, scoping.scope_units(principal)).join(
        Handover, Handover.id == FeedEntry.object_id)
    if filters.status is not None:
        query = query.where(Handover.status == HandoverStatus(filters.status))
    if filters.q:
        query = query.where(namesearch.matches(HANDOVER_TYPE, Handover.id, filters.q))
    page = paging.fetch_page(session, query.add_columns(Handover), paging.SortKey(workfeed.keyset_columns()),
                             filters.limit, filters.cursor, key_of=lambda row: (row[0].updated_at, row[0].id))
    return [h for _, h in page.items], page.next_cursor, page.prev_cursor
