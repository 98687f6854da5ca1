"""Agreements signed at engagements and the commitments each side undertook.

The side that records an agreement or a commitment owns it. Either side adds progress notes to a
commitment; closing one needs a note saying how it was done. A commitment near or past its due
date is put in the responsible unit's work feed by a periodic job (`due_pass`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import common
from borderlink.engagements import service as engagements
from borderlink.engagements.contracts import AgreementMessage, CommitmentMessage, CommitmentNoteMessage, StepEvent
from borderlink.engagements.models import (
    AGREEMENT,
    AGREEMENT_TIMELINE,
    COMMITMENT,
    COMMITMENT_LIFECYCLE,
    COMMITMENT_TIMELINE,
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentNote,
    CommitmentStatus,
    DueNotice,
    Engagement,
)
from borderlink.engagements.schemas import AgreementCreate, CommitmentCreate
from borderlink.errors import Forbidden, InvalidInput
from borderlink.ids import new_id
from borderlink.node import Node
from borderlink.shared import jobs, workfeed
from borderlink.shared.forms import N_
from borderlink.shared.replicated import (
    local_unit_of,
    send_to_peer,
    side_of,
    touch,
    unit_pair,
    validate_contribution_text,
)
from borderlink.shared.timeline import Detail
from borderlink.shared.timeline import TimelineEvent as TimelineRow
from borderlink.shared.workfeed import Reason

NEAR_DUE = dt.timedelta(days=14)  # a commitment this close to its due date is in the responsible unit's feed
DUE_JOB = "commitments falling due"


def agreement_stream(agreement: Agreement) -> str:
    return engagements.ENGAGEMENT_KIND.stream(agreement.engagement_id or agreement.id)


def commitment_stream(commitment: Commitment) -> str:
    return engagements.ENGAGEMENT_KIND.stream(commitment.engagement_id or commitment.agreement_id or commitment.id)


# --- agreements -----------------------------------------------------------------------------

AGREEMENT_KIND = common.kind(AGREEMENT, Agreement)


def list_agreements(session: Session, principal: Principal, engagement_id: str | None = None) -> list[Agreement]:
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return []
    query = select(Agreement).where(common.visible_to(principal, AGREEMENT, Agreement.id))
    if engagement_id is not None:
        query = query.where(Agreement.engagement_id == engagement_id)
    return list(session.scalars(query.order_by(Agreement.signed_on.desc(), Agreement.id)))


def create_agreement(session: Session, principal: Principal, data: AgreementCreate, now: dt.datetime) -> Agreement:
    if not principal.can(Permission.ENGAGEMENTS_PLAN):
        raise Forbidden("Your role may not record agreements.")
    engagement = None
    if data.engagement_id is not None:
        engagement = engagements.ENGAGEMENT_KIND.visible(session, principal, data.engagement_id)
        if engagement.owner_party != principal.party:
            raise InvalidInput("Agreements of this engagement are recorded by the side that planned it.",
                               field="engagement_id")
        unit = directory.get_unit(session, engagement.owner_unit_id)
        other = directory.get_unit(session, engagement.counterpart_unit_id)
    else:
        unit = directory.get_unit(session, principal.unit_id)
        other = common.counterpart(session, unit, data.counterpart_unit_code)
    validate_contribution_text([data.title_vi, data.title_zh, data.title_en, data.scope], N_("the agreement"))
    agreement = Agreement(
        id=new_id(), owner_party=principal.party, handling_code=data.handling_code, created_at=now, updated_at=now,
        version=1, owner_unit_id=unit.id, counterpart_unit_id=other.id,
        engagement_id=engagement.id if engagement else None, kind=data.kind, title_vi=data.title_vi,
        title_zh=data.title_zh, title_en=data.title_en, parties=list(data.parties),
        signatories=[s.model_dump(exclude_none=True) for s in data.signatories], signed_on=data.signed_on,
        scope=data.scope, valid_from=data.valid_from, valid_until=data.valid_until, renewal=data.renewal,
        status=data.status)
    session.add(agreement)
    session.flush()
    event = AGREEMENT_TIMELINE.record(session, agreement.id, "recorded", now, principal.party, unit.code,
                                      Detail.text(principal.display_name))
    common.share_locally(session, AGREEMENT, agreement, principal.party, now, unread=False)
    send_to_peer(session, agreement_message(session, agreement, event), agreement, principal.party,
                 stream=agreement_stream(agreement))
    return agreement


def agreement_message(session: Session, agreement: Agreement, event: TimelineRow | None) -> AgreementMessage:
    owner, other = unit_pair(session, agreement, agreement.owner_party)
    return AgreementMessage.from_fields({
        "id": agreement.id, "version": agreement.version, "engagement_id": agreement.engagement_id,
        "kind": agreement.kind, "title_vi": agreement.title_vi, "title_zh": agreement.title_zh,
        "title_en": agreement.title_en, "parties": agreement.parties, "signatories": agreement.signatories,
        "signed_on": agreement.signed_on, "scope": agreement.scope, "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until, "renewal": agreement.renewal, "status": agreement.status,
        "owner_unit_code": owner, "counterpart_unit_code": other, "handling_code": agreement.handling_code,
        "created_at": agreement.created_at,
        "event": AGREEMENT_TIMELINE.payload(event) if event is not None else None,
    })


def receive_agreement(session: Session, body: AgreementMessage, owner_party: str, owner_unit: Unit,
                      other_unit: Unit) -> Agreement:
    now = common.now_of(session)
    fields = {
        "engagement_id": body.engagement_id, "kind": body.kind, "title_vi": body.title_vi, "title_zh": body.title_zh,
        "title_en": body.title_en, "parties": list(body.parties),
        "signatories": [s.model_dump(exclude_none=True) for s in body.signatories], "signed_on": body.signed_on,
        "scope": body.scope, "valid_from": body.valid_from, "valid_until": body.valid_until,
        "renewal": body.renewal, "status": body.status, "handling_code": body.handling_code,
    }
    agreement = session.get(Agreement, body.id)
    if agreement is None:
        agreement = Agreement(id=body.id, owner_party=owner_party, owner_unit_id=owner_unit.id,
                              counterpart_unit_id=other_unit.id, created_at=body.created_at, updated_at=now,
                              version=body.version, **fields)
        session.add(agreement)
        session.flush()
        common.share_locally(session, AGREEMENT, agreement, common.other_party(owner_party), now, unread=True)
    elif body.version > agreement.version:
        for name, value in fields.items():
            setattr(agreement, name, value)
        agreement.version = body.version
    if body.event is not None:
        AGREEMENT_TIMELINE.record(session, agreement.id, body.event.kind, body.event.at, body.event.party,
                                  body.event.unit_code, Detail.text(body.event.detail or ""), body.event.id)
    touch(agreement, now)
    return agreement


def in_force(agreement: Agreement, today: dt.date) -> bool:
    return agreement.status in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE) and (
        agreement.valid_until is None or agreement.valid_until >= today)


# --- commitments ----------------------------------------------------------------------------

COMMITMENT_KIND = common.kind(COMMITMENT, Commitment)


def list_commitments(session: Session, principal: Principal, *, engagement_id: str | None = None,
                     status: str | None = None, responsible_unit_id: str | None = None) -> list[Commitment]:
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return []
    query = select(Commitment).where(common.visible_to(principal, COMMITMENT, Commitment.id))
    if engagement_id is not None:
        query = query.where(Commitment.engagement_id == engagement_id)
    if status is not None:
        query = query.where(Commitment.status == status)
    if responsible_unit_id is not None:
        query = query.where(Commitment.responsible_unit_id == responsible_unit_id)
    return list(session.scalars(query.order_by(Commitment.due_on, Commitment.id)))


def due_in_feed(session: Session, principal: Principal) -> list[Commitment]:
    """Commitments in the work feed of the principal's unit because they fall due."""
    return list(session.scalars(
        select(Commitment).join(workfeed.FeedEntry, (workfeed.FeedEntry.object_id == Commitment.id)
                                & (workfeed.FeedEntry.object_type == COMMITMENT))
        .where(workfeed.FeedEntry.unit_id == principal.unit_id, workfeed.FeedEntry.reason == Reason.DUE.value,
               Commitment.status == CommitmentStatus.OPEN)
        .order_by(Commitment.due_on, Commitment.id)))


def is_overdue(commitment: Commitment, today: dt.date) -> bool:
    return commitment.status == CommitmentStatus.OPEN and commitment.due_on < today


def create_commitment(session: Session, principal: Principal, data: CommitmentCreate,
                      now: dt.datetime) -> Commitment:
    if not principal.can(Permission.ENGAGEMENTS_PLAN):
        raise Forbidden("Your role may not record commitments.")
    source: Engagement | Agreement
    if data.engagement_id is not None:
        source = engagements.ENGAGEMENT_KIND.visible(session, principal, data.engagement_id)
    else:
        assert data.agreement_id is not None
        source = AGREEMENT_KIND.visible(session, principal, data.agreement_id)
    if source.owner_party != principal.party:
        raise InvalidInput("Commitments are recorded by the side that holds the minutes.", field="engagement_id")
    responsible = common.unit_by_code(session, data.responsible_unit_code, "responsible_unit_code")
    validate_contribution_text([data.text], N_("the commitment"))
    commitment = Commitment(
        id=new_id(), owner_party=principal.party, handling_code=source.handling_code, created_at=now,
        updated_at=now, version=1, owner_unit_id=source.owner_unit_id, counterpart_unit_id=source.counterpart_unit_id,
        engagement_id=data.engagement_id if isinstance(source, Engagement) else source.engagement_id,
        agreement_id=data.agreement_id, text=data.text, responsible_party=responsible.party_code,
        responsible_unit_id=responsible.id, due_on=data.due_on, status=CommitmentStatus.OPEN)
    session.add(commitment)
    session.flush()
    owner_code = directory.get_unit(session, commitment.owner_unit_id).code
    event = COMMITMENT_TIMELINE.record(session, commitment.id, "recorded", now, principal.party, owner_code,
                                       Detail.text(principal.display_name))
    _share(session, commitment, principal.party, now, unread=False)
    send_to_peer(session, commitment_message(session, commitment, event), commitment, principal.party,
                 stream=commitment_stream(commitment))
    return commitment


def _share(session: Session, commitment: Commitment, party: str, now: dt.datetime, *, unread: bool) -> None:
    common.share_locally(session, COMMITMENT, commitment, party, now, unread=unread)


def commitment_message(session: Session, commitment: Commitment, event: TimelineRow | None) -> CommitmentMessage:
    owner, other = unit_pair(session, commitment, commitment.owner_party)
    return CommitmentMessage.from_fields({
        "id": commitment.id, "version": commitment.version, "engagement_id": commitment.engagement_id,
        "agreement_id": commitment.agreement_id, "text": commitment.text,
        "responsible_party": commitment.responsible_party,
        "responsible_unit_code": directory.get_unit(session, commitment.responsible_unit_id).code,
        "owner_unit_code": owner, "counterpart_unit_code": other, "due_on": commitment.due_on,
        "handling_code": commitment.handling_code, "created_at": commitment.created_at,
        "event": COMMITMENT_TIMELINE.payload(event) if event is not None else None,
    })


def receive_commitment(session: Session, body: CommitmentMessage, owner_party: str, owner_unit: Unit,
                       other_unit: Unit, responsible: Unit) -> Commitment:
    now = common.now_of(session)
    commitment = session.get(Commitment, body.id)
    fields = {"engagement_id": body.engagement_id, "agreement_id": body.agreement_id, "text": body.text,
              "responsible_party": responsible.party_code, "responsible_unit_id": responsible.id,
              "due_on": body.due_on, "handling_code": body.handling_code}
    if commitment is None:
        commitment = Commitment(id=body.id, owner_party=owner_party, owner_unit_id=owner_unit.id,
                                counterpart_unit_id=other_unit.id, created_at=body.created_at, updated_at=now,
                                version=body.version, status=CommitmentStatus.OPEN, **fields)
        session.add(commitment)
        session.flush()
        _share(session, commitment, common.other_party(owner_party), now, unread=True)
    elif body.version > commitment.version:
        for name, value in fields.items():
            setattr(commitment, name, value)
        commitment.version = body.version
    if body.event is not None:
        COMMITMENT_TIMELINE.record(session, commitment.id, body.event.kind, body.event.at, body.event.party,
                                   body.event.unit_code, Detail.text(body.event.detail or ""), body.event.id)
    touch(commitment, now)
    return commitment


def notes(session: Session, commitment_id: str) -> list[CommitmentNote]:
    return list(session.scalars(select(CommitmentNote).where(CommitmentNote.commitment_id == commitment_id)
                                .order_by(CommitmentNote.created_at, CommitmentNote.id)))


def add_note(session: Session, principal: Principal, commitment_id: str, text: str, evidence: str,
             now: dt.datetime, *, close: bool = False) -> Commitment:
    """A progress note from either side; `close` ends the commitment, and needs the note."""
    commitment = COMMITMENT_KIND.visible(session, principal, commitment_id)
    step = "closed" if close else "progress"
    COMMITMENT_LIFECYCLE.require(commitment.status, step, side=side_of(commitment, principal.party),
                                 can=principal.can, no_permission=N_("Your role may not report on commitments."),
                                 wrong_state=N_("This commitment is closed."))
    if not text.strip():
        message = N_("Say how the commitment was carried out before closing it.") if close else \
            N_("Enter some text, not only spaces.")
        raise InvalidInput(message, field="note" if close else "text")
    validate_contribution_text([text, evidence], N_("the note"))
    unit = local_unit_of(session, commitment, principal.party)
    note = CommitmentNote(id=new_id(), commitment_id=commitment.id, party=principal.party, unit_code=unit.code,
                          author_name=principal.display_name, text=text.strip(), evidence=evidence.strip(),
                          closes=close, created_at=now)
    session.add(note)
    event = COMMITMENT_TIMELINE.record(session, commitment.id, step, now, principal.party, unit.code,
                                       Detail.text(principal.display_name))
    assert event is not None
    _apply_note(commitment, note, now)
    sent = CommitmentNoteMessage.from_fields({
        "commitment_id": commitment.id,
        "note": {"id": note.id, "party": note.party, "unit_code": note.unit_code, "author_name": note.author_name,
                 "text": note.text, "evidence": note.evidence, "closes": note.closes, "created_at": now},
        "event": StepEvent.from_fields(COMMITMENT_TIMELINE.payload(event)),
    })
    send_to_peer(session, sent, commitment, principal.party, stream=commitment_stream(commitment))
    COMMITMENT_KIND.touch(session, commitment.id, now, except_unit=principal.unit_id)
    return commitment


def _apply_note(commitment: Commitment, note: CommitmentNote, now: dt.datetime) -> None:
    if note.closes:
        commitment.status = CommitmentStatus.CLOSED
        commitment.closed_at = commitment.closed_at or note.created_at
    touch(commitment, now)


def receive_note(session: Session, commitment: Commitment, note: CommitmentNote, event: StepEvent) -> None:
    now = common.now_of(session)
    if session.get(CommitmentNote, note.id) is None:
        session.add(note)
        _apply_note(commitment, note, now)
    COMMITMENT_TIMELINE.record(session, commitment.id, event.kind, event.at, event.party, event.unit_code,
                               Detail.text(event.detail or ""), event.id)
    COMMITMENT_KIND.touch(session, commitment.id, now)


# --- falling due: the periodic job -------------------------------------------------------------

def today_in(zone: str, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(zone)).date()


def run_due(session: Session, local_party: str, now: dt.datetime) -> int:
    """Put each open commitment of this side that comes near or past its due date in its responsible
    unit's feed, once per stage; returns how many moved."""
    today = today_in(common.PARTY_ZONES[local_party], now)
    rows = session.scalars(jobs.claim(session, select(Commitment).where(
        Commitment.status == CommitmentStatus.OPEN, Commitment.responsible_party == local_party,
        Commitment.due_on <= today + NEAR_DUE, Commitment.due_notice != DueNotice.PAST)
        .order_by(Commitment.due_on).limit(500), of=Commitment)).unique().all()
    return jobs.each_row(session, DUE_JOB, rows, lambda s, c: _flag_due(s, c, today, now),
                         describe=lambda c: f"commitment {c.id}").done


def _flag_due(session: Session, commitment: Commitment, today: dt.date, now: dt.datetime) -> bool:
    stage = DueNotice.PAST if commitment.due_on < today else DueNotice.NEAR
    if stage == commitment.due_notice:
        return False
    commitment.due_notice = stage
    zone = ZoneInfo(common.PARTY_ZONES[commitment.responsible_party])
    deadline = dt.datetime.combine(commitment.due_on + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    COMMITMENT_KIND.put(session, commitment.id, commitment.responsible_unit_id, Reason.DUE, now,
                        deadline=deadline, urgent=stage == DueNotice.PAST)
    COMMITMENT_TIMELINE.record(session, commitment.id, "due", now, commitment.responsible_party,
                               directory.get_unit(session, commitment.responsible_unit_id).code,
                               COMMITMENT_TIMELINE.detail("due", date=commitment.due_on.isoformat()))
    return True


def due_pass(node: Node) -> None:
    node.run(lambda session: run_due(session, node.party, node.clock.now()), what="a commitments-due pass")


def due_job(node: Node) -> jobs.Job:
    return jobs.Job(DUE_JOB, due_pass, node.settings.commitments_due_interval_seconds)


async def due_loop(node: Node) -> None:
    await jobs.run_periodically(node, due_job(node))
