"""The cases domain's message contracts: a case as its owner shares it, a contribution the other
side adds to it, a handover proposal and the steps either side takes on a handover.

What never leaves the node has no place here: there is no internal note and no informant in any
of these shapes, and the receiving node refuses a person whose role is not one that is shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from borderlink.cases.handover_models import HandoverKind
from borderlink.cases.models import (
    AssetStatus,
    CaseStatus,
    CaseType,
    GroupOutcome,
    LinkType,
    OperationKind,
    QuantityUnit,
    SeizureType,
    TaskStatus,
)
from borderlink.shared.contracts import (
    ContractPart,
    MessageBody,
    Name,
    OffenceCode,
    Party,
    Sha256,
    ShortText,
    Text,
    TimelineStep,
    Timestamp,
    UnitCode,
    Uuid,
)
from borderlink.shared.peer_files import PeerFile
from borderlink.shared.replicated import HandlingCode

Decimal = Annotated[str, StringConstraints(pattern=r"^\d{1,15}(\.\d{1,3})?$")]
"""A non-negative quantity or amount as decimal text: exact, and the same on both nodes."""
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SharedRole = Literal["suspect", "accused", "victim", "witness"]  # never "informant"
CaseEventKind = Literal["opened", "activated", "suspended", "closed", "unit_added", "agreement",
                        "agreement_extended", "note", "person_added", "linked", "operation", "task_assigned",
                        "task_done", "evidence", "custody", "asset", "group_intercepted"]
HandoverEventKind = Literal["proposed", "countered", "accepted", "confirmed", "cancelled"]


class EventPart(TimelineStep):
    """One timeline step; its id makes applying it twice harmless."""


class CaseEvent(EventPart):
    kind: CaseEventKind


class HandoverEvent(EventPart):
    kind: HandoverEventKind


class Recorded(ContractPart):
    """Who recorded a child of a case: its id, side, unit, author and time."""

    id: Uuid
    party: Party
    unit_code: UnitCode
    author_name: Name
    created_at: Timestamp


class NotePart(Recorded):
    body: Annotated[Text, Field(max_length=20_000)]


class PersonPart(Recorded):
    role: SharedRole
    name: Name
    other_names: list[Name] = Field(default_factory=list, max_length=10)
    birth_date: Annotated[str, Field(max_length=20)] | None = None
    nationality: Country | None = None
    gender: Literal["M", "F"] | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None
    description: Annotated[str, Field(max_length=1000)] = ""


class LinkPart(Recorded):
    link_type: LinkType
    target_id: Uuid
    label: Annotated[str, Field(max_length=300)] = ""
    person_id: Uuid | None = None


class SeizurePart(ContractPart):
    id: Uuid
    item_type: SeizureType
    quantity: Decimal
    unit: QuantityUnit
    currency: Country | None = None
    description: Annotated[str, Field(max_length=500)] = ""


class OperationPart(Recorded):
    kind: OperationKind
    on_date: dt.date
    place: ShortText
    unit_codes: list[UnitCode] = Field(default_factory=list, max_length=20)
    arrested: int = Field(ge=0, le=100_000)
    rescued: int = Field(ge=0, le=100_000)
    outcome: Annotated[str, Field(max_length=20_000)] = ""
    seizures: list[SeizurePart] = Field(default_factory=list, max_length=50)


class TaskPart(Recorded):
    assigned_unit_code: UnitCode
    title: ShortText
    deadline_at: Timestamp
    status: TaskStatus = TaskStatus.OPEN
    done_at: Timestamp | None = None


class CustodyPart(ContractPart):
    id: Uuid
    at: Timestamp
    from_holder: Name
    to_holder: Name
    purpose: Annotated[str, Field(max_length=300)] = ""
    party: Party


class EvidencePart(Recorded):
    item: ShortText
    sha256: Sha256
    holder: Name
    custody: list[CustodyPart] = Field(default_factory=list, max_length=200)


class AssetPart(Recorded):
    description: ShortText
    status: AssetStatus
    value: Decimal
    currency: Country
    held_by: Party


class BreakdownPart(ContractPart):
    nationality: Country
    sex: Literal["M", "F"]
    count: int = Field(ge=1, le=100_000)


class GroupPart(Recorded):
    intercepted_at: Timestamp
    place: ShortText
    side: Party
    people: int = Field(ge=1, le=100_000)
    minors: int = Field(ge=0, le=100_000)
    breakdown: list[BreakdownPart] = Field(default_factory=list, max_length=50)
    outcome: GroupOutcome
    return_gate_code: UnitCode | None = None
    organisers_prosecuted: int = Field(ge=0, le=100_000)


class UnitPart(ContractPart):
    unit_code: UnitCode
    lead: bool = False


class ExtensionPart(ContractPart):
    until: dt.date
    reason: Annotated[str, Field(max_length=500)] = ""


class CaseMessage(MessageBody, kind="cases.case", version=1):
    """The shared state of a case, sent by its owner after every change (a newer version replaces
    an older one; children are added by id)."""

    id: Uuid
    version: int = Field(ge=1)
    title: Annotated[Text, Field(min_length=3, max_length=300)]
    case_type: CaseType
    offence_codes: list[OffenceCode] = Field(min_length=1, max_length=10)
    summary: Annotated[str, Field(max_length=20_000)] = ""
    lead_unit_code: UnitCode
    status: CaseStatus
    status_reason: Annotated[str, Field(max_length=500)] | None = None
    legal_basis: Annotated[str, Field(max_length=500)] = ""
    jit_reference: Annotated[str, Field(max_length=120)] | None = None
    jit_starts_on: dt.date | None = None
    jit_ends_on: dt.date | None = None
    jit_extensions: list[ExtensionPart] = Field(default_factory=list, max_length=20)
    handling_code: HandlingCode
    author_name: Name
    created_at: Timestamp
    updated_at: Timestamp
    units: list[UnitPart] = Field(min_length=2, max_length=50)
    notes: list[NotePart] = Field(default_factory=list, max_length=2000)
    persons: list[PersonPart] = Field(default_factory=list, max_length=500)
    links: list[LinkPart] = Field(default_factory=list, max_length=500)
    operations: list[OperationPart] = Field(default_factory=list, max_length=500)
    tasks: list[TaskPart] = Field(default_factory=list, max_length=500)
    evidence: list[EvidencePart] = Field(default_factory=list, max_length=500)
    assets: list[AssetPart] = Field(default_factory=list, max_length=500)
    groups: list[GroupPart] = Field(default_factory=list, max_length=500)
    events: list[CaseEvent] = Field(default_factory=list, max_length=5000)


class ContributionMessage(MessageBody, kind="cases.contribution", version=1):
    """What the other side added to a case it holds a replica of: one item and its timeline step.
    The owner applies it and shares the case again, so both sides hold the same."""

    # The schema states what `_one_item` checks, so that another implementation learns it from there.
    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["custody", "custody_evidence_id"]} if item == "custody" else {"required": [item]}
        for item in ("note", "person", "link", "operation", "task", "evidence", "custody", "asset", "group")]})

    case_id: Uuid
    event: CaseEvent
    note: NotePart | None = None
    person: PersonPart | None = None
    link: LinkPart | None = None
    operation: OperationPart | None = None
    task: TaskPart | None = None
    evidence: EvidencePart | None = None
    custody: CustodyPart | None = None
    custody_evidence_id: Uuid | None = None
    asset: AssetPart | None = None
    group: GroupPart | None = None

    @model_validator(mode="after")
    def _one_item(self) -> ContributionMessage:
        items = [self.note, self.person, self.link, self.operation, self.task, self.evidence, self.custody,
                 self.asset, self.group]
        if sum(item is not None for item in items) != 1:
            raise ValueError("a contribution carries exactly one item")
        if (self.custody is None) != (self.custody_evidence_id is None):
            raise ValueError("a custody step names its item of evidence")
        return self


class EvidenceFileMessage(MessageBody, kind="cases.evidence_file", version=1):
    """The file of an item of evidence, sent by the side that logged the item once the item is on
    its way; the receiver keeps it only if its bytes have the item's SHA-256."""

    case_id: Uuid
    evidence_id: Uuid
    party: Party = Field(description="the node that logged the item")
    file: PeerFile


class HandoverPersonPart(ContractPart):
    case_person_id: Uuid | None = None  # the person on the handover's case, where the handover names one
    name: Name
    other_names: list[Name] = Field(default_factory=list, max_length=10)
    birth_date: Annotated[str, Field(max_length=20)] | None = None
    nationality: Country | None = None
    gender: Literal["M", "F"] | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None


class ChecklistPart(ContractPart):
    item: ShortText
    kind: Literal["document", "belonging"]


class HandoverMessage(MessageBody, kind="cases.handover", version=1):
    """A handover proposed by the handing side, with its "proposed" step."""

    id: Uuid
    kind: HandoverKind
    handing_unit_code: UnitCode
    receiving_unit_code: UnitCode
    handing_gate_code: UnitCode
    receiving_gate_code: UnitCode
    case_id: Uuid | None = None
    alert_id: Uuid | None = None
    planned_at: Timestamp
    persons: list[HandoverPersonPart] = Field(min_length=1, max_length=100)
    escorts: list[Name] = Field(default_factory=list, max_length=20)
    checklist: list[ChecklistPart] = Field(default_factory=list, max_length=100)
    note: Annotated[str, Field(max_length=1000)] = ""
    handling_code: HandlingCode
    author_name: Name
    created_at: Timestamp
    event: HandoverEvent


class HandoverStepMessage(MessageBody, kind="cases.handover_step", version=1):
    """A step one side took on a handover: accepting, another time, a confirmation, a cancellation."""

    handover_id: Uuid
    event: HandoverEvent
    counter_at: Timestamp | None = None
    protection_service: Annotated[Text, Field(max_length=300)] | None = None
    officer_name: Name | None = None
