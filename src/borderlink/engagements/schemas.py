"""JSON shapes of the engagements API: what a caller sends and what it gets back."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from borderlink.directory.models import Tier
from borderlink.engagements.contracts import (
    Delegation,
    Marker,
    Minutes,
    SeriesCode,
    Signatory,
)
from borderlink.engagements.models import AgreementKind, AgreementStatus, EngagementKind, IncidentKind
from borderlink.shared.contracts import LongText, Name, Party, ShortText, Text, UnitCode
from borderlink.shared.forms import rule_error
from borderlink.shared.replicated import HandlingCode
from borderlink.shared.shapes import ReplicatedOut
from borderlink.shared.timeline import EventOut

Outcome = Annotated[Text, Field(max_length=2000)]


def _window(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise rule_error("The end is before the start.", field="ends_at")


class EngagementCreate(BaseModel):
    kind: EngagementKind
    tier: Tier | None = Field(default=None, description="By default the tier of your unit.")
    series: SeriesCode | None = Field(default=None, description="A code of the list `engagements.series`.")
    number: int | None = Field(default=None, ge=1, le=1000, description="Its number in the series: 7 for the 7th.")
    title: ShortText | None = Field(default=None, description="By default made from the series and number.")
    topic: ShortText | None = Field(default=None, description="The subject of a course or programme.")
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: Annotated[Text, Field(max_length=200)]
    host_party: Party
    counterpart_unit_code: UnitCode | None = Field(
        default=None, description="A counterpart of your unit; may be left out when it has exactly one.")
    delegations: list[Delegation] = Field(default_factory=list, max_length=2)
    agenda: list[ShortText] = Field(default_factory=list, max_length=50)
    minutes: list[Minutes] = Field(default_factory=list, max_length=3)
    outcomes: list[Outcome] = Field(default_factory=list, max_length=50)
    handling_code: HandlingCode = HandlingCode.H0

    @model_validator(mode="after")
    def _consistent(self) -> EngagementCreate:
        _window(self.starts_at, self.ends_at)
        if (self.series is None) != (self.number is None):
            raise rule_error("A series needs a number, and a number needs a series.", field="number")
        if self.title is None and self.series is None:
            raise rule_error("Give a title, or a series and a number.", field="title")
        if len({d.party for d in self.delegations}) != len(self.delegations):
            raise rule_error("Give each side's delegation once.", field="delegations")
        return self


class EngagementUpdate(BaseModel):
    """Fields the planning side may change; what is left out stays as it is."""

    title: ShortText | None = None
    topic: ShortText | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    place: Annotated[Text, Field(max_length=200)] | None = None
    delegations: list[Delegation] | None = Field(default=None, max_length=2)
    agenda: list[ShortText] | None = Field(default=None, max_length=50)
    minutes: list[Minutes] | None = Field(default=None, max_length=3)
    outcomes: list[Outcome] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> EngagementUpdate:
        _window(self.starts_at, self.ends_at)
        if self.delegations is not None and len({d.party for d in self.delegations}) != len(self.delegations):
            raise rule_error("Give each side's delegation once.", field="delegations")
        return self


class NoteIn(BaseModel):
    note: Annotated[Text, Field(max_length=2000)]


class AgreementCreate(BaseModel):
    engagement_id: str | None = Field(default=None, max_length=36, description="Where it was signed.")
    kind: AgreementKind
    title_vi: Annotated[Text, Field(max_length=400)]
    title_zh: Annotated[Text, Field(max_length=400)]
    title_en: Annotated[Text, Field(max_length=400)]
    parties: list[Annotated[Text, Field(max_length=200)]] = Field(min_length=1, max_length=10)
    signatories: list[Signatory] = Field(default_factory=list, max_length=20)
    signed_on: dt.date | None = None
    scope: Annotated[str, Field(max_length=20_000)] = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    renewal: Annotated[str, Field(max_length=300)] = ""
    status: AgreementStatus = AgreementStatus.SIGNED
    counterpart_unit_code: UnitCode | None = None
    handling_code: HandlingCode = HandlingCode.H0

    @model_validator(mode="after")
    def _dates(self) -> AgreementCreate:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise rule_error("It cannot end before it takes effect.", field="valid_until")
        return self


class CommitmentCreate(BaseModel):
    engagement_id: str | None = Field(default=None, max_length=36)
    agreement_id: str | None = Field(default=None, max_length=36)
    text: LongText
    responsible_unit_code: UnitCode = Field(description="The unit that carries it out, on either side.")
    due_on: dt.date

    @model_validator(mode="after")
    def _source(self) -> CommitmentCreate:
        if self.engagement_id is None and self.agreement_id is None:
            raise rule_error("Say at which engagement or in which agreement it was undertaken.",
                             field="engagement_id")
        return self


class CommitmentNoteIn(BaseModel):
    text: LongText
    evidence: Annotated[str, Field(max_length=2000)] = ""


class CommitmentCloseIn(BaseModel):
    note: Annotated[str, Field(max_length=20_000)] = Field(default="", description="Required: how it was done.")
    evidence: Annotated[str, Field(max_length=2000)] = ""


class ParticipantIn(BaseModel):
    name: Name
    title: Annotated[Text, Field(max_length=200)] | None = None
    unit_code: UnitCode | None = Field(default=None, description="By default your unit.")


class PatrolCreate(BaseModel):
    counterpart_unit_code: UnitCode | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    marker_from: Marker
    marker_to: Marker
    route: LongText
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=100)
    handling_code: HandlingCode = HandlingCode.H0

    @model_validator(mode="after")
    def _consistent(self) -> PatrolCreate:
        _window(self.starts_at, self.ends_at)
        return self


class PatrolAnswerIn(BaseModel):
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=100)


class PatrolAdjustIn(BaseModel):
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    marker_from: Marker | None = None
    marker_to: Marker | None = None
    route: LongText | None = None
    note: Annotated[Text, Field(max_length=2000)]
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=100)


class IncidentIn(BaseModel):
    kind: IncidentKind
    count: int = Field(default=1, ge=0, le=10_000)
    marker: Marker | None = None
    note: Annotated[str, Field(max_length=2000)] = ""
    case_ref: Annotated[str, Field(max_length=80)] | None = Field(
        default=None, description="The joint case the incident was taken into, when there is one.")


class PatrolReportIn(BaseModel):
    summary: LongText
    incidents: list[IncidentIn] = Field(default_factory=list, max_length=100)


# --- answers -------------------------------------------------------------------------------

class LocalTimes(BaseModel):
    zone: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class CommitmentOut(ReplicatedOut):
    engagement_id: str | None
    agreement_id: str | None
    text: str
    responsible_party: str
    responsible_unit_code: str
    due_on: dt.date
    status: str
    overdue: bool
    closed_at: dt.datetime | None
    notes: list[dict[str, Any]]
    timeline: list[EventOut]


class AgreementOut(ReplicatedOut):
    engagement_id: str | None
    kind: str
    title_vi: str
    title_zh: str
    title_en: str
    parties: list[str]
    signatories: list[dict[str, Any]]
    signed_on: dt.date | None
    scope: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    renewal: str
    status: str
    commitments: list[CommitmentOut]


class EngagementOut(ReplicatedOut):
    version: int
    kind: str
    tier: str
    series: str | None
    number: int | None
    title: str = Field(description='e.g. "7th ministerial conference on crime prevention"')
    topic: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_times: dict[str, LocalTimes] = Field(description="The start and end in each side's time zone, by side.")
    place: str
    host_party: str
    owner_unit_code: str
    counterpart_unit_code: str
    delegations: list[dict[str, Any]]
    officials: dict[str, int] = Field(description="Officials taking part, by side.")
    agenda: list[str]
    minutes: list[dict[str, str]]
    outcomes: list[str]
    status: str
    timeline: list[EventOut]
    agreements: list[AgreementOut]
    commitments: list[CommitmentOut]
    previous_id: str | None = Field(description="The engagement before this one in its series.")
    previous_open_commitments: list[CommitmentOut]


class EngagementItem(BaseModel):
    id: str
    kind: str
    tier: str
    title: str
    starts_at: dt.datetime
    place: str
    host_party: str
    status: str


class PatrolOut(ReplicatedOut):
    version: int
    owner_unit_code: str
    counterpart_unit_code: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_times: dict[str, LocalTimes]
    marker_from: str
    marker_to: str
    sector: str = Field(description='"1088/2–1089"')
    route: str
    participants: list[dict[str, Any]]
    status: str
    reports: list[dict[str, Any]]
    timeline: list[EventOut]


class PageOut(BaseModel):
    items: list[Any]
    next_cursor: str | None
    prev_cursor: str | None
