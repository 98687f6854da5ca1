"""Engagements between the two sides, the agreements signed at them, the commitments taken there,
and joint patrols.

Every object here is shared: the node whose unit planned, recorded or proposed it owns it
(`ReplicatedObject`); the other node holds a replica and sends back its contributions (a
confirmation, a patrol's acceptance or adjustment, its patrol report, progress notes on a
commitment). Objects reach units through the shared work feed, which also decides who sees them.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderlink.db import Base
from borderlink.directory.models import Tier
from borderlink.directory.permissions import Permission
from borderlink.shared.codelists import enum_column
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

ENGAGEMENT = "engagements.engagement"
AGREEMENT = "engagements.agreement"
COMMITMENT = "engagements.commitment"
PATROL = "engagements.patrol"
OBJECT_TYPES = (ENGAGEMENT, AGREEMENT, COMMITMENT, PATROL)


class EngagementKind(enum.StrEnum):
    MINISTERIAL = "ministerial"
    DEPUTY_MINISTERIAL = "deputy_ministerial"
    TALKS = "talks"
    WORKING_VISIT = "working_visit"
    PROVINCIAL_MEETING = "provincial_meeting"
    POST_MEETING = "post_meeting"
    FRIENDSHIP_EXCHANGE = "friendship_exchange"
    TWINNING = "twinning"
    TRAINING = "training"
    EXCHANGE_PROGRAMME = "exchange_programme"


# Courses and exchange programmes are engagements too: hosts, participants per side and dates.
TRAINING_KINDS = (EngagementKind.TRAINING, EngagementKind.EXCHANGE_PROGRAMME)


class EngagementStatus(enum.StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    HELD = "held"
    CANCELLED = "cancelled"


_OPEN_ENGAGEMENT = (EngagementStatus.PLANNED, EngagementStatus.CONFIRMED)

ENGAGEMENT_LIFECYCLE = Lifecycle("engagement", precedence=[s.value for s in EngagementStatus], transitions=(
    Transition("planned", (INITIAL,), EngagementStatus.PLANNED, Side.OWNER, Permission.ENGAGEMENTS_PLAN),
    Transition("updated", (*_OPEN_ENGAGEMENT, EngagementStatus.HELD), None, Side.OWNER,
               Permission.ENGAGEMENTS_PLAN),
    Transition("confirmed", (EngagementStatus.PLANNED,), EngagementStatus.CONFIRMED, Side.REPLICA,
               Permission.ENGAGEMENTS_PLAN),
    Transition("declined", (EngagementStatus.PLANNED,), EngagementStatus.DECLINED, Side.REPLICA,
               Permission.ENGAGEMENTS_PLAN),
    Transition("held", _OPEN_ENGAGEMENT, EngagementStatus.HELD, Side.OWNER, Permission.ENGAGEMENTS_PLAN),
    Transition("cancelled", _OPEN_ENGAGEMENT, EngagementStatus.CANCELLED, Side.OWNER, Permission.ENGAGEMENTS_PLAN),
))

ENGAGEMENT_TIMELINE = Timeline(ENGAGEMENT, kinds=[
    *(EventKind(event) for event in ENGAGEMENT_LIFECYCLE.events if event != "declined"),
    EventKind("declined", N_("declined: %(text)s")),
    EventKind("refused_by_peer"),
])


class AgreementKind(enum.StrEnum):
    MOU = "mou"
    AGREEMENT = "agreement"
    MINUTES = "minutes"
    PROTOCOL = "protocol"


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class CommitmentStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


COMMITMENT_LIFECYCLE = Lifecycle("commitment", precedence=[s.value for s in CommitmentStatus], transitions=(
    Transition("recorded", (INITIAL,), CommitmentStatus.OPEN, Side.OWNER, Permission.ENGAGEMENTS_PLAN),
    Transition("progress", (CommitmentStatus.OPEN,), None, None, Permission.ENGAGEMENTS_PLAN),
    Transition("closed", (CommitmentStatus.OPEN,), CommitmentStatus.CLOSED, None, Permission.ENGAGEMENTS_PLAN),
))

COMMITMENT_TIMELINE = Timeline(COMMITMENT, kinds=[
    EventKind("recorded"), EventKind("progress"), EventKind("closed"),
    EventKind("due", N_("due on %(date)s")), EventKind("refused_by_peer"),
])

AGREEMENT_TIMELINE = Timeline(AGREEMENT, kinds=[EventKind("recorded"), EventKind("updated"),
                                                 EventKind("refused_by_peer")])


class DueNotice(enum.StrEnum):
    """How far a commitment's due date has come, as last put in the responsible unit's feed."""

    NONE = "none"
    NEAR = "near"
    PAST = "past"


class PatrolStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class IncidentKind(enum.StrEnum):
    ILLEGAL_CROSSING = "illegal_crossing"
    SMUGGLING = "smuggling"
    DAMAGED_MARKER = "damaged_marker"
    INTERCEPTED = "intercepted"
    OTHER = "other"


PATROL_LIFECYCLE = Lifecycle("patrol", precedence=[s.value for s in PatrolStatus], transitions=(
    Transition("proposed", (INITIAL,), PatrolStatus.PROPOSED, Side.OWNER, Permission.PATROLS_RUN),
    Transition("accepted", (PatrolStatus.PROPOSED,), PatrolStatus.AGREED, Side.REPLICA, Permission.PATROLS_RUN),
    Transition("adjusted", (PatrolStatus.PROPOSED,), PatrolStatus.AGREED, Side.REPLICA, Permission.PATROLS_RUN),
    Transition("reported", (PatrolStatus.AGREED,), None, None, Permission.PATROLS_RUN),
    # No one takes this step: each node records it once both sides' reports are in.
    Transition("completed", (PatrolStatus.AGREED,), PatrolStatus.COMPLETED),
    Transition("cancelled", (PatrolStatus.PROPOSED, PatrolStatus.AGREED), PatrolStatus.CANCELLED, Side.OWNER,
               Permission.PATROLS_RUN),
))

PATROL_TIMELINE = Timeline(PATROL, kinds=[
    EventKind("proposed"), EventKind("accepted"),
    EventKind("adjusted", N_("adjusted: %(text)s")),
    EventKind("reported"), EventKind("completed"), EventKind("cancelled"), EventKind("refused_by_peer"),
])


class Engagement(ReplicatedObject, Base):
    """A meeting, talks, visit, exchange programme or course; the planning unit is its owner unit."""

    __tablename__ = "engagements"

    kind: Mapped[EngagementKind] = mapped_column(enum_column(EngagementKind))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    series: Mapped[str | None] = mapped_column(String(40), default=None)
    number: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str | None] = mapped_column(String(300), default=None)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(String(200))
    host_party: Mapped[str] = mapped_column(String(2))
    counterpart_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    delegations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    officials_vn: Mapped[int] = mapped_column(Integer, default=0)
    officials_cn: Mapped[int] = mapped_column(Integer, default=0)
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)
    minutes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[EngagementStatus] = mapped_column(enum_column(EngagementStatus))
    author_name: Mapped[str] = mapped_column(String(200))

    owner_unit = relationship("Unit", foreign_keys="Engagement.owner_unit_id", lazy="joined")
    counterpart_unit = relationship("Unit", foreign_keys=[counterpart_unit_id], lazy="joined")

    __table_args__ = (
        Index("ix_engagements_starts", "starts_at"),
        Index("ix_engagements_series", "series", "number"),
    )


class Agreement(ReplicatedObject, Base):
    """An MoU, agreement or minutes with legal weight, linked to the engagement where it was signed."""

    __tablename__ = "engagement_agreements"

    engagement_id: Mapped[str | None] = mapped_column(ForeignKey("engagements.id"), default=None, index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    title_vi: Mapped[str] = mapped_column(String(400))
    title_zh: Mapped[str] = mapped_column(String(400))
    title_en: Mapped[str] = mapped_column(String(400))
    parties: Mapped[list[str]] = mapped_column(JSON, default=list)
    signatories: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    signed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    scope: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    renewal: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[AgreementStatus] = mapped_column(enum_column(AgreementStatus))
    counterpart_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))

    def title(self, language: str) -> str:
        if language.startswith("zh"):
            return self.title_zh
        return self.title_vi if language == "vi" else self.title_en


class Commitment(ReplicatedObject, Base):
    """What one side undertook at an engagement or in an agreement."""

    __tablename__ = "engagement_commitments"

    engagement_id: Mapped[str | None] = mapped_column(ForeignKey("engagements.id"), default=None, index=True)
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("engagement_agreements.id"), default=None)
    text: Mapped[str] = mapped_column(Text)
    responsible_party: Mapped[str] = mapped_column(String(2))
    responsible_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    counterpart_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(enum_column(CommitmentStatus))
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    due_notice: Mapped[DueNotice] = mapped_column(enum_column(DueNotice), default=DueNotice.NONE)

    responsible_unit = relationship("Unit", foreign_keys=[responsible_unit_id], lazy="joined")

    __table_args__ = (Index("ix_engagement_commitments_due", "status", "responsible_party", "due_on"),)


class CommitmentNote(Base):
    """A progress note on a commitment, by either side; the closing note closes it."""

    __tablename__ = "engagement_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    commitment_id: Mapped[str] = mapped_column(ForeignKey("engagement_commitments.id"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str] = mapped_column(String(80))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    closes: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime]


class Patrol(ReplicatedObject, Base):
    """A joint patrol proposed by a unit (its owner unit) to its counterpart."""

    __tablename__ = "engagement_patrols"

    counterpart_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    marker_from: Mapped[str] = mapped_column(String(20))
    marker_to: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(Text)
    participants: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    status: Mapped[PatrolStatus] = mapped_column(enum_column(PatrolStatus))
    author_name: Mapped[str] = mapped_column(String(200))

    owner_unit = relationship("Unit", foreign_keys="Patrol.owner_unit_id", lazy="joined")
    counterpart_unit = relationship("Unit", foreign_keys=[counterpart_unit_id], lazy="joined")

    __table_args__ = (Index("ix_engagement_patrols_starts", "starts_at"),)


class PatrolReport(Base):
    """One side's report after a patrol; the patrol is complete when both sides' are in."""

    __tablename__ = "engagement_patrol_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patrol_id: Mapped[str] = mapped_column(ForeignKey("engagement_patrols.id"))
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str] = mapped_column(String(80))
    author_name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    incidents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    filed_at: Mapped[dt.datetime]

    __table_args__ = (UniqueConstraint("patrol_id", "party", name="uq_patrol_report_side"),)
