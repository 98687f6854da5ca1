"""What engagements, agreements, commitments and joint patrols look like on the wire.

The owner sends the whole object (its core fields and version) each time it changes; the replica
keeps the newest version it has seen. The other side's contributions (a confirmation, a patrol's
answer or report, a note on a commitment) travel as their own kinds, carrying the timeline step
they record. The API's input schemas use the same field types, so both agree on limits.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from borderlink.directory.models import Tier
from borderlink.engagements.models import AgreementKind, AgreementStatus, EngagementKind, IncidentKind
from borderlink.shared.contracts import (
    ContractPart,
    LongText,
    MessageBody,
    Name,
    Party,
    ShortText,
    Text,
    TimelineStep,
    Timestamp,
    UnitCode,
    Uuid,
)
from borderlink.shared.peer_files import MAX_PEER_FILE_BYTES, PeerFile
from borderlink.shared.replicated import HandlingCode

SeriesCode = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Marker = Annotated[str, StringConstraints(strip_whitespace=True,
                                          pattern=r"^[0-9]{1,4}(/[0-9]{1,3})?(\([0-9]{1,2}\))?$")]
"""A border marker as numbered on the ground: "1088", "1088/2", "1089(2)"."""
Language = Literal["vi", "zh", "en"]
ObjectKind = Literal["engagement", "agreement", "commitment", "patrol"]


class StepEvent(TimelineStep):
    """One timeline step of a shared object; its id makes applying it twice harmless."""


class Official(ContractPart):
    name: Name
    title: Annotated[Text, Field(max_length=200)] | None = None


class Delegation(ContractPart):
    """One side's delegation: its named officials and how many took part in all."""

    party: Party
    size: int = Field(ge=0, le=10_000)
    officials: list[Official] = Field(default_factory=list, max_length=200)


class Minutes(ContractPart):
    """Minutes as written, in the language they were written in."""

    language: Language
    text: LongText


class EngagementMessage(MessageBody, kind="engagements.engagement", version=1):
    """The owner's copy of an engagement, sent when it is planned and whenever it changes."""

    id: Uuid
    version: int = Field(ge=1)
    kind: EngagementKind
    tier: Tier
    series: SeriesCode | None = None
    number: int | None = Field(default=None, ge=1, le=1000)
    title: ShortText
    topic: ShortText | None = None
    starts_at: Timestamp
    ends_at: Timestamp
    place: Annotated[Text, Field(max_length=200)]
    host_party: Party
    owner_unit_code: UnitCode
    counterpart_unit_code: UnitCode
    delegations: list[Delegation] = Field(default_factory=list, max_length=2)
    agenda: list[ShortText] = Field(default_factory=list, max_length=50)
    minutes: list[Minutes] = Field(default_factory=list, max_length=3)
    outcomes: list[Annotated[Text, Field(max_length=2000)]] = Field(default_factory=list, max_length=50)
    handling_code: HandlingCode
    author_name: Name
    created_at: Timestamp
    event: StepEvent | None = None


class StepMessage(MessageBody, kind="engagements.step", version=1):
    """A step taken on one side that changes nothing but the state (an engagement confirmed)."""

    object_kind: ObjectKind
    object_id: Uuid
    event: StepEvent


class Signatory(ContractPart):
    party: Party
    name: Name
    title: Annotated[Text, Field(max_length=200)] | None = None


class AgreementMessage(MessageBody, kind="engagements.agreement", version=1):
    id: Uuid
    version: int = Field(ge=1)
    engagement_id: Uuid | None = None
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
    status: AgreementStatus
    owner_unit_code: UnitCode
    counterpart_unit_code: UnitCode
    handling_code: HandlingCode
    created_at: Timestamp
    event: StepEvent | None = None


class CommitmentMessage(MessageBody, kind="engagements.commitment", version=1):
    id: Uuid
    version: int = Field(ge=1)
    engagement_id: Uuid | None = None
    agreement_id: Uuid | None = None
    text: LongText
    responsible_party: Party
    responsible_unit_code: UnitCode
    owner_unit_code: UnitCode
    counterpart_unit_code: UnitCode
    due_on: dt.date
    handling_code: HandlingCode
    created_at: Timestamp
    event: StepEvent | None = None


class NotePart(ContractPart):
    id: Uuid
    party: Party
    unit_code: UnitCode
    author_name: Name
    text: LongText
    evidence: Annotated[str, Field(max_length=2000)] = ""
    closes: bool = False
    created_at: Timestamp


class CommitmentNoteMessage(MessageBody, kind="engagements.commitment_note", version=1):
    """A progress note from either side; one that `closes` carries the "closed" step."""

    commitment_id: Uuid
    note: NotePart
    event: StepEvent


class Participant(ContractPart):
    party: Party
    unit_code: UnitCode
    name: Name
    title: Annotated[Text, Field(max_length=200)] | None = None


class PatrolMessage(MessageBody, kind="engagements.patrol", version=1):
    """The proposing side's copy of a patrol, sent when proposed and whenever it changes."""

    id: Uuid
    version: int = Field(ge=1)
    owner_unit_code: UnitCode
    counterpart_unit_code: UnitCode
    starts_at: Timestamp
    ends_at: Timestamp
    marker_from: Marker
    marker_to: Marker
    route: LongText
    participants: list[Participant] = Field(default_factory=list, max_length=200)
    handling_code: HandlingCode
    author_name: Name
    created_at: Timestamp
    event: StepEvent | None = None


class PatrolChanges(ContractPart):
    """What the answering side changed when it adjusted a proposal."""

    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    marker_from: Marker | None = None
    marker_to: Marker | None = None
    route: LongText | None = None


class PatrolAnswerMessage(MessageBody, kind="engagements.patrol_answer", version=1):
    """The counterpart accepts the proposal as it is, or adjusts it; either way with its own
    participants."""

    patrol_id: Uuid
    event: StepEvent
    changes: PatrolChanges | None = None
    participants: list[Participant] = Field(default_factory=list, max_length=100)


class Incident(ContractPart):
    kind: IncidentKind
    count: int = Field(default=1, ge=0, le=10_000)
    marker: Marker | None = None
    note: Annotated[str, Field(max_length=2000)] = ""
    case_ref: Annotated[str, Field(max_length=80)] | None = Field(
        default=None, description="the joint case the incident was taken into, when there is one")


class ReportPart(ContractPart):
    id: Uuid
    party: Party
    unit_code: UnitCode
    author_name: Name
    summary: LongText
    incidents: list[Incident] = Field(default_factory=list, max_length=100)
    filed_at: Timestamp


class PatrolReportMessage(MessageBody, kind="engagements.patrol_report", version=1):
    patrol_id: Uuid
    report: ReportPart
    event: StepEvent


MAX_MINUTES_FILE_BYTES = MAX_PEER_FILE_BYTES  # a scanned page or two; the envelope stays under the exchange's limit


class MinutesFileMessage(MessageBody, kind="engagements.minutes_file", version=1):
    """A file of an engagement's minutes (a scan, the signed text), added on either side."""

    engagement_id: Uuid
    party: Party = Field(description="the node that added it")
    file: PeerFile


CONTRACTS = (EngagementMessage, StepMessage, AgreementMessage, CommitmentMessage, CommitmentNoteMessage,
             PatrolMessage, PatrolAnswerMessage, PatrolReportMessage, MinutesFileMessage)
