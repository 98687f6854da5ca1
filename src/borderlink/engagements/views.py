"""Turning the domain's rows into the API's shapes, shared by the JSON API and the pages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.engagements import common, patrols, records
from borderlink.engagements import service as engagements
from borderlink.engagements.models import (
    AGREEMENT_TIMELINE,
    COMMITMENT_TIMELINE,
    ENGAGEMENT_TIMELINE,
    PATROL_TIMELINE,
    Agreement,
    Commitment,
    CommitmentStatus,
    Engagement,
    Patrol,
)
from borderlink.engagements.schemas import (
    AgreementOut,
    CommitmentOut,
    EngagementItem,
    EngagementOut,
    LocalTimes,
    PatrolOut,
)
from borderlink.shared.timeline import EventOut


def _times(starts_at: dt.datetime, ends_at: dt.datetime) -> dict[str, LocalTimes]:
    return {party: LocalTimes(**values) for party, values in common.local_times(starts_at, ends_at).items()}


def commitment_out(session: Session, commitment: Commitment, today: dt.date,
                   language: str | None = None) -> CommitmentOut:
    return CommitmentOut(
        id=commitment.id, owner_party=commitment.owner_party, engagement_id=commitment.engagement_id,
        agreement_id=commitment.agreement_id, text=commitment.text, responsible_party=commitment.responsible_party,
        responsible_unit_code=commitment.responsible_unit.code, due_on=commitment.due_on,
        status=commitment.status.value, overdue=records.is_overdue(commitment, today), closed_at=commitment.closed_at,
        notes=[{"id": n.id, "party": n.party, "unit_code": n.unit_code, "author_name": n.author_name, "text": n.text,
                "evidence": n.evidence, "closes": n.closes, "created_at": n.created_at}
               for n in records.notes(session, commitment.id)],
        timeline=COMMITMENT_TIMELINE.out(session, commitment.id, language),
    )


def agreement_out(session: Session, principal: Principal, agreement: Agreement, today: dt.date,
                  language: str | None = None) -> AgreementOut:
    listed = [c for c in records.list_commitments(session, principal) if c.agreement_id == agreement.id]
    return AgreementOut(
        id=agreement.id, owner_party=agreement.owner_party, engagement_id=agreement.engagement_id,
        kind=agreement.kind.value, title_vi=agreement.title_vi, title_zh=agreement.title_zh,
        title_en=agreement.title_en, parties=agreement.parties, signatories=agreement.signatories,
        signed_on=agreement.signed_on, scope=agreement.scope, valid_from=agreement.valid_from,
        valid_until=agreement.valid_until, renewal=agreement.renewal, status=agreement.status.value,
        commitments=[commitment_out(session, c, today, language) for c in listed],
    )


def agreement_events(session: Session, agreement: Agreement, language: str | None) -> list[EventOut]:
    return AGREEMENT_TIMELINE.out(session, agreement.id, language)


def engagement_item(engagement: Engagement, language: str = "en") -> EngagementItem:
    return EngagementItem(id=engagement.id, kind=engagement.kind.value, tier=engagement.tier.value,
                          title=engagements.title_of(engagement, language), starts_at=engagement.starts_at,
                          place=engagement.place, host_party=engagement.host_party, status=engagement.status.value)


def engagement_out(session: Session, principal: Principal, engagement: Engagement, now: dt.datetime,
                   language: str | None = None) -> EngagementOut:
    today = records.today_in(principal.timezone, now)
    previous = engagements.previous_in_series(session, principal, engagement)
    carried = records.list_commitments(session, principal, engagement_id=previous.id,
                                       status=CommitmentStatus.OPEN.value) if previous else []
    return EngagementOut(
        id=engagement.id, owner_party=engagement.owner_party, version=engagement.version, kind=engagement.kind.value,
        tier=engagement.tier.value, series=engagement.series, number=engagement.number,
        title=engagements.title_of(engagement, language or "en"), topic=engagement.topic,
        starts_at=engagement.starts_at, ends_at=engagement.ends_at,
        local_times=_times(engagement.starts_at, engagement.ends_at), place=engagement.place,
        host_party=engagement.host_party, owner_unit_code=engagement.owner_unit.code,
        counterpart_unit_code=engagement.counterpart_unit.code, delegations=engagement.delegations,
        officials={"VN": engagement.officials_vn, "CN": engagement.officials_cn}, agenda=engagement.agenda,
        minutes=engagement.minutes, outcomes=engagement.outcomes, status=engagement.status.value,
        timeline=ENGAGEMENT_TIMELINE.out(session, engagement.id, language),
        agreements=[agreement_out(session, principal, a, today, language)
                    for a in records.list_agreements(session, principal, engagement.id)],
        commitments=[commitment_out(session, c, today, language)
                     for c in records.list_commitments(session, principal, engagement_id=engagement.id)],
        previous_id=previous.id if previous else None,
        previous_open_commitments=[commitment_out(session, c, today, language) for c in carried],
    )


def patrol_out(session: Session, patrol: Patrol, language: str | None = None) -> PatrolOut:
    return PatrolOut(
        id=patrol.id, owner_party=patrol.owner_party, version=patrol.version,
        owner_unit_code=directory.get_unit(session, patrol.owner_unit_id).code,
        counterpart_unit_code=directory.get_unit(session, patrol.counterpart_unit_id).code,
        starts_at=patrol.starts_at, ends_at=patrol.ends_at, local_times=_times(patrol.starts_at, patrol.ends_at),
        marker_from=patrol.marker_from, marker_to=patrol.marker_to, sector=patrols.sector(patrol),
        route=patrol.route, participants=patrol.participants, status=patrol.status.value,
        reports=[{"id": r.id, "party": r.party, "unit_code": r.unit_code, "author_name": r.author_name,
                  "summary": r.summary, "incidents": r.incidents, "filed_at": r.filed_at}
                 for r in patrols.reports(session, patrol.id)],
        timeline=PATROL_TIMELINE.out(session, patrol.id, language),
    )
