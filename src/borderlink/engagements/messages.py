"""Applying what the other side sends about engagements, agreements, commitments and patrols.

Each handler runs in the exchange's inbox transaction with a body already checked against its
contract. It first checks that the sender may send this: the owner alone sends copies of an
object, and only for a pair of counterpart units, one of its own and one of ours; the other side
alone confirms, answers or adds its contributions, always in the name of its own unit on the
object. A refusal raises Rejected and changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.engagements import common, patrols, records
from borderlink.engagements import service as engagements
from borderlink.engagements.codes import CODE_LISTS
from borderlink.engagements.common import Shared
from borderlink.engagements.contracts import (
    AgreementMessage,
    CommitmentMessage,
    CommitmentNoteMessage,
    EngagementMessage,
    PatrolAnswerMessage,
    PatrolMessage,
    PatrolReportMessage,
    StepEvent,
    StepMessage,
)
from borderlink.engagements.models import (
    COMMITMENT_LIFECYCLE,
    ENGAGEMENT_LIFECYCLE,
    ENGAGEMENT_TIMELINE,
    PATROL_LIFECYCLE,
    Agreement,
    Commitment,
    CommitmentNote,
    Engagement,
    Patrol,
)
from borderlink.errors import InvalidInput
from borderlink.exchange.registry import Handler, InboundEnvelope, Rejected
from borderlink.shared.contracts import MessageBody
from borderlink.shared.lifecycle import Lifecycle
from borderlink.shared.replicated import (
    Side,
    check_received_text,
    counterpart_pair,
    known,
    named_unit,
    rejecting,
    require_sender_is_owner,
)


def _owner_pair(session: Session, envelope: InboundEnvelope[Any], owner_code: str,
                other_code: str) -> tuple[Unit, Unit]:
    """The owner's unit (on the sending node) and its counterpart (on ours) named by a copy."""
    return counterpart_pair(session, envelope, owner_code, other_code)


def _same_units(session: Session, obj: Shared, owner: Unit, other: Unit) -> None:
    if obj.owner_unit_id != owner.id or obj.counterpart_unit_id != other.id:
        raise Rejected(f"{obj.id} is shared between other units")


def _check_step(session: Session, lifecycle: Lifecycle, obj: Shared, envelope: InboundEnvelope[Any],
                event: StepEvent) -> None:
    """The sending node may take this step on the object, in its own name and its own unit's."""
    lifecycle.require_side(event.kind, Side.OWNER if obj.owner_party == envelope.sender_party else Side.REPLICA)
    if event.party != envelope.sender_party:
        raise Rejected(f"a step from {envelope.sender_party} cannot be recorded in the name of {event.party}")
    if event.unit_code is not None:
        ours = {directory.get_unit(session, obj.owner_unit_id).code,
                directory.get_unit(session, obj.counterpart_unit_id).code}
        unit = named_unit(session, event.unit_code)
        if unit.party_code != envelope.sender_party or unit.code not in ours:
            raise Rejected(f"{event.unit_code} is not the sending side's unit on {obj.id}")


def apply_engagement(session: Session, envelope: InboundEnvelope[EngagementMessage]) -> None:
    body = envelope.body
    owner, other = _owner_pair(session, envelope, body.owner_unit_code, body.counterpart_unit_code)
    existing = session.get(Engagement, body.id)
    if existing is not None:
        require_sender_is_owner(existing, envelope, "engagement")
        _same_units(session, existing, owner, other)
    if body.event is not None:
        if body.event.kind not in ("planned", "updated", "held", "cancelled"):
            raise Rejected(f"a {body.event.kind!r} step does not travel with the engagement's copy")
        if body.event.party != envelope.sender_party:
            raise Rejected("the owner's step must be in the owner's name")
    if body.series is not None and body.series not in CODE_LISTS["engagements.series"]:
        raise Rejected(f"series {body.series} is not known on this node")
    if body.ends_at < body.starts_at:
        raise Rejected("the engagement ends before it starts")
    check_received_text([body.title, body.topic or "", *body.agenda, *body.outcomes, *(m.text for m in body.minutes)],
            "the engagement")
    engagements.receive_copy(session, body, envelope.sender_party, owner, other)


def apply_step(session: Session, envelope: InboundEnvelope[StepMessage]) -> None:
    body = envelope.body
    if body.object_kind != "engagement":
        raise Rejected(f"no step message is taken for a {body.object_kind}")
    engagement = known(session, Engagement, body.object_id, "engagement")
    if body.event.kind not in ("confirmed", "declined"):
        raise Rejected(f"{body.event.kind!r} does not travel as a step")
    _check_step(session, ENGAGEMENT_LIFECYCLE, engagement, envelope, body.event)
    engagements.add_event(session, engagement, body.event.kind, body.event.at, body.event.party,
                          body.event.unit_code,
                          ENGAGEMENT_TIMELINE.detail_from_payload(body.event.kind, body.event.model_dump()),
                          event_id=body.event.id)
    engagements.ENGAGEMENT_KIND.touch(session, engagement.id, common.now_of(session))


def apply_agreement(session: Session, envelope: InboundEnvelope[AgreementMessage]) -> None:
    body = envelope.body
    owner, other = _owner_pair(session, envelope, body.owner_unit_code, body.counterpart_unit_code)
    existing = session.get(Agreement, body.id)
    if existing is not None:
        require_sender_is_owner(existing, envelope, "agreement")
    if body.engagement_id is not None:
        engagement = known(session, Engagement, body.engagement_id, "engagement")
        if engagement.owner_party != envelope.sender_party:
            raise Rejected("agreements of an engagement come from the side that planned it")
    check_received_text([body.title_vi, body.title_zh, body.title_en, body.scope], "the agreement")
    records.receive_agreement(session, body, envelope.sender_party, owner, other)


def apply_commitment(session: Session, envelope: InboundEnvelope[CommitmentMessage]) -> None:
    body = envelope.body
    owner, other = _owner_pair(session, envelope, body.owner_unit_code, body.counterpart_unit_code)
    existing = session.get(Commitment, body.id)
    if existing is not None:
        require_sender_is_owner(existing, envelope, "commitment")
    source: Shared | None = None
    if body.engagement_id is not None:
        source = known(session, Engagement, body.engagement_id, "engagement")
    if body.agreement_id is not None:
        source = known(session, Agreement, body.agreement_id, "agreement")
    if source is None or source.owner_party != envelope.sender_party:
        raise Rejected("a commitment comes from the side that holds its engagement or agreement")
    responsible = named_unit(session, body.responsible_unit_code)
    if responsible.party_code != body.responsible_party:
        raise Rejected(f"{responsible.code} is not a unit of {body.responsible_party}")
    check_received_text([body.text], "the commitment")
    records.receive_commitment(session, body, envelope.sender_party, owner, other, responsible)


def apply_commitment_note(session: Session, envelope: InboundEnvelope[CommitmentNoteMessage]) -> None:
    body = envelope.body
    commitment = known(session, Commitment, body.commitment_id, "commitment")
    note = body.note
    expected = "closed" if note.closes else "progress"
    if body.event.kind != expected:
        raise Rejected(f"a note that {'closes' if note.closes else 'does not close'} carries {expected!r}")
    _check_step(session, COMMITMENT_LIFECYCLE, commitment, envelope, body.event)
    if note.party != envelope.sender_party:
        raise Rejected("a note must come from the sending node")
    if note.closes and not note.text.strip():
        raise Rejected("closing a commitment needs a note")
    check_received_text([note.text, note.evidence], "the note")
    records.receive_note(session, commitment, CommitmentNote(
        id=note.id, commitment_id=commitment.id, party=note.party, unit_code=note.unit_code,
        author_name=note.author_name, text=note.text, evidence=note.evidence, closes=note.closes,
        created_at=note.created_at), body.event)


def apply_patrol(session: Session, envelope: InboundEnvelope[PatrolMessage]) -> None:
    body = envelope.body
    owner, other = _owner_pair(session, envelope, body.owner_unit_code, body.counterpart_unit_code)
    existing = session.get(Patrol, body.id)
    if existing is not None:
        require_sender_is_owner(existing, envelope, "patrol")
        _same_units(session, existing, owner, other)
    if body.event is not None and body.event.kind not in ("proposed", "cancelled"):
        raise Rejected(f"a {body.event.kind!r} step does not travel with the patrol's copy")
    if body.ends_at < body.starts_at:
        raise Rejected("the patrol ends before it starts")
    check_received_text([body.route], "the route")
    patrols.receive_copy(session, body, envelope.sender_party, owner, other)


def apply_patrol_answer(session: Session, envelope: InboundEnvelope[PatrolAnswerMessage]) -> None:
    body = envelope.body
    patrol = known(session, Patrol, body.patrol_id, "patrol")
    if body.event.kind not in ("accepted", "adjusted"):
        raise Rejected(f"an answer carries 'accepted' or 'adjusted', not {body.event.kind!r}")
    _check_step(session, PATROL_LIFECYCLE, patrol, envelope, body.event)
    if (body.changes is not None) != (body.event.kind == "adjusted"):
        raise Rejected("an adjustment carries its changes, and an acceptance none")
    if any(p.party != envelope.sender_party for p in body.participants):
        raise Rejected("the answering side names its own participants only")
    if body.changes is not None:
        check_received_text([body.changes.route or "", body.event.detail or ""], "the adjustment")
    try:
        patrols.receive_answer(session, patrol, body, envelope.sender_party)
    except InvalidInput as exc:
        raise rejecting(exc) from exc


def apply_patrol_report(session: Session, envelope: InboundEnvelope[PatrolReportMessage]) -> None:
    body = envelope.body
    patrol = known(session, Patrol, body.patrol_id, "patrol")
    if body.event.kind != "reported":
        raise Rejected(f"a report carries 'reported', not {body.event.kind!r}")
    _check_step(session, PATROL_LIFECYCLE, patrol, envelope, body.event)
    if body.report.party != envelope.sender_party:
        raise Rejected("a report must come from the sending node")
    if any(r.party == envelope.sender_party and r.id != body.report.id for r in patrols.reports(session, patrol.id)):
        raise Rejected(f"{envelope.sender_party} has filed its report on patrol {patrol.id} already")
    check_received_text([body.report.summary, *(i.note for i in body.report.incidents)], "the report")
    patrols.receive_report(session, patrol, body)


HANDLERS: dict[type[MessageBody], Handler] = {
    EngagementMessage: apply_engagement,
    StepMessage: apply_step,
    AgreementMessage: apply_agreement,
    CommitmentMessage: apply_commitment,
    CommitmentNoteMessage: apply_commitment_note,
    PatrolMessage: apply_patrol,
    PatrolAnswerMessage: apply_patrol_answer,
    PatrolReportMessage: apply_patrol_report,
}
