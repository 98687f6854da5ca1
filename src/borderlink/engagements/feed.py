"""How engagements, agreements, commitments and patrols appear on the home page's work feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.engagements import patrols
from borderlink.engagements import service as engagements
from borderlink.engagements.codes import CODE_LISTS
from borderlink.engagements.models import (
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    Engagement,
    EngagementStatus,
    Patrol,
    PatrolStatus,
)
from borderlink.shared.feedkinds import FeedCard


def engagement_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Engagement.id == id_column,
                          Engagement.status.in_((EngagementStatus.PLANNED, EngagementStatus.CONFIRMED)))


def commitment_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Commitment.id == id_column, Commitment.status == CommitmentStatus.OPEN)


def patrol_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Patrol.id == id_column, Patrol.status.in_((PatrolStatus.PROPOSED, PatrolStatus.AGREED)))


def agreement_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Agreement.id == id_column, Agreement.status == AgreementStatus.DRAFT)


def engagement_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    kind, status = CODE_LISTS["engagements.kind"], CODE_LISTS["engagements.status"]
    return {row.id: FeedCard(
        title=engagements.title_of(row, language), href=f"/engagements/{row.id}",
        detail=" · ".join([kind.label(row.kind.value, language), row.place, status.label(row.status.value, language)]))
        for row in session.scalars(select(Engagement).where(Engagement.id.in_(ids)))}


def commitment_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    status = CODE_LISTS["engagements.commitment_status"]
    return {row.id: FeedCard(
        title=row.text[:120], href=f"/engagements/commitments/{row.id}",
        detail=" · ".join([row.responsible_unit.name(language), row.due_on.isoformat(),
                           status.label(row.status.value, language)]))
        for row in session.scalars(select(Commitment).where(Commitment.id.in_(ids)))}


def patrol_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    status = CODE_LISTS["engagements.patrol_status"]
    return {row.id: FeedCard(
        title=patrols.sector(row), href=f"/engagements/patrols/{row.id}",
        detail=" · ".join([row.owner_unit.name(language), row.counterpart_unit.name(language),
                           status.label(row.status.value, language)]))
        for row in session.scalars(select(Patrol).where(Patrol.id.in_(ids)))}


def agreement_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    kind = CODE_LISTS["engagements.agreement_kind"]
    return {row.id: FeedCard(title=row.title(language), href=f"/engagements/{row.engagement_id}"
                             if row.engagement_id else "/engagements", detail=kind.label(row.kind.value, language))
            for row in session.scalars(select(Agreement).where(Agreement.id.in_(ids)))}
