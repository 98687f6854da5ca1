"""How engagements, agreements, commitments and patrols appear on the home page's work feed."""

from __future__ import annotations

from borderlink.engagements import patrols
from borderlink.engagements import service as engagements
from borderlink.engagements.codes import CODE_LISTS
from borderlink.engagements.models import Agreement, Commitment, Engagement, Patrol
from borderlink.shared.feedkinds import FeedCard


def engagement_card(row: Engagement, language: str) -> FeedCard:
    kind, status = CODE_LISTS["engagements.kind"], CODE_LISTS["engagements.status"]
    return FeedCard(
        title=engagements.title_of(row, language), href=f"/engagements/{row.id}",
        detail=" · ".join([kind.label(row.kind.value, language), row.place, status.label(row.status.value, language)]))


def commitment_card(row: Commitment, language: str) -> FeedCard:
    status = CODE_LISTS["engagements.commitment_status"]
    return FeedCard(
        title=row.text[:120], href=f"/engagements/commitments/{row.id}",
        detail=" · ".join([row.responsible_unit.name(language), row.due_on.isoformat(),
                           status.label(row.status.value, language)]))


def patrol_card(row: Patrol, language: str) -> FeedCard:
    status = CODE_LISTS["engagements.patrol_status"]
    return FeedCard(
        title=patrols.sector(row), href=f"/engagements/patrols/{row.id}",
        detail=" · ".join([row.owner_unit.name(language), row.counterpart_unit.name(language),
                           status.label(row.status.value, language)]))


def agreement_card(row: Agreement, language: str) -> FeedCard:
    kind = CODE_LISTS["engagements.agreement_kind"]
    return FeedCard(title=row.title(language), href=f"/engagements/{row.engagement_id}"
                    if row.engagement_id else "/engagements", detail=kind.label(row.kind.value, language))
