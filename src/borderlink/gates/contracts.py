"""The gates' message contracts: a hit report sent to the alert's owner, its answer, the gate's
outcome and the owner's escalation, each with the timeline step it records on both sides."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from borderlink.gates.models import Direction, DocumentType, Outcome, Purpose, Subject
from borderlink.gates.photos import MAX_PHOTO_BASE64
from borderlink.shared.contracts import (
    ContractPart,
    MessageBody,
    Note,
    Text,
    TimelineStep,
    Timestamp,
    UnitCode,
    Uuid,
)
from borderlink.shared.peer_files import PeerFile

HitEventKind = Literal["reported", "confirmed", "rejected", "escalated", "outcome"]


class HitEvent(TimelineStep):
    """One step of a hit's timeline; its id makes applying it twice harmless."""

    kind: HitEventKind


class CrossingPart(ContractPart):
    """What the gate saw: enough for the alert's owner to judge whether it is the person."""

    direction: Direction
    crossed_at: Timestamp
    gate_unit_code: UnitCode
    lane_code: Annotated[str, Field(max_length=20)] | None = None
    names: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list, max_length=10)
    birth_date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = None
    sex: Literal["M", "F", "X"] | None = None
    nationality: Annotated[str, Field(pattern=r"^[A-Z<]{1,3}$")] | None = None
    document_type: DocumentType | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None
    issuing_state: Annotated[str, Field(pattern=r"^[A-Z<]{1,3}$")] | None = None
    document_expiry: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    purpose: Purpose | None = None
    vehicle_plate: Annotated[str, Field(max_length=20)] | None = None


class HitPhoto(PeerFile):
    """The traveller's photo taken at the gate (the receiver checks the bytes are that image)."""

    content_type: Annotated[str, Field(pattern=r"^image/(jpeg|png|webp)$")]
    content_base64: Annotated[str, Field(max_length=MAX_PHOTO_BASE64)]


class HitReportMessage(MessageBody, kind="gates.hit_report", version=1):
    """A crossing matched an alert of the receiving node; its owning unit confirms or rejects."""

    id: Uuid
    alert_id: Uuid
    alert_unit_code: UnitCode
    subject: Subject
    score: float = Field(ge=0, le=1)
    explanation: dict[str, Any] = Field(description="what agreed and what conflicted")
    action: Annotated[str, Field(max_length=30)]
    protected: bool = Field(default=False, description="the traveller is a victim: protect, never arrest")
    alert_kind: Annotated[str, Field(max_length=30)]
    traveller_key: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    crossing: CrossingPart
    photo: HitPhoto | None = None
    event: HitEvent


class HitAnswerMessage(MessageBody, kind="gates.hit_answer", version=1):
    """The alert's owner says whether it is the person: its `confirmed` or `rejected` step."""

    hit_id: Uuid
    note: Note | None = None
    event: HitEvent


class HitOutcomeMessage(MessageBody, kind="gates.hit_outcome", version=1):
    """What the gate did about the hit."""

    hit_id: Uuid
    outcome: Outcome
    note: Note | None = None
    event: HitEvent


class HitEscalationMessage(MessageBody, kind="gates.hit_escalation", version=1):
    """The alert's owner moved an unanswered hit one tier up on its side."""

    hit_id: Uuid
    level: int = Field(ge=1, le=20)
    event: HitEvent


class DriverPart(ContractPart):
    names: list[Annotated[Text, Field(max_length=200)]] = Field(min_length=1, max_length=5)
    birth_date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = None
    nationality: Annotated[str, Field(pattern=r"^[A-Z<]{1,3}$")] | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None
    document_state: Annotated[str, Field(pattern=r"^[A-Z<]{1,3}$")] | None = None


class PreArrivalMessage(MessageBody, kind="gates.pre_arrival", version=1):
    """A vehicle announced to the facing gate ahead of its arrival."""

    id: Uuid
    from_gate_unit_code: UnitCode
    to_gate_unit_code: UnitCode
    plate: Annotated[Text, Field(max_length=20)]
    driver: DriverPart
    containers: list[Annotated[Text, Field(max_length=20)]] = Field(default_factory=list, max_length=20)
    cargo_description: Annotated[Text, Field(max_length=2000)]
    hs_code: Annotated[str, Field(pattern=r"^\d{4,10}$")]
    weight_kg: float = Field(ge=1, le=200_000, description="gross weight, kilograms")
    expected_at: Timestamp
    created_at: Timestamp


class PreArrivalArrivedMessage(MessageBody, kind="gates.pre_arrival_arrived", version=1):
    """The facing gate matched an announced vehicle to its crossing."""

    pre_arrival_id: Uuid
    arrived_at: Timestamp
    gate_unit_code: UnitCode
