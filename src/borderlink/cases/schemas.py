"""JSON shapes of the cases API: what a caller sends to open and work a case, and what it reads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from borderlink.cases.contracts import Country, Decimal
from borderlink.cases.handover_models import HandoverKind
from borderlink.cases.models import (
    EVIDENCE_MAX_BYTES,
    AssetStatus,
    CaseStatus,
    CaseType,
    GroupOutcome,
    LinkType,
    OperationKind,
    PersonRole,
    QuantityUnit,
    SeizureType,
)
from borderlink.shared.contracts import Name, OffenceCode, Sha256, ShortText, Text, UnitCode
from borderlink.shared.forms import rule_error
from borderlink.shared.replicated import HandlingCode
from borderlink.shared.shapes import CursorPage, ListQuery, ReplicatedOut
from borderlink.shared.timeline import EventOut

LongText = Annotated[str, Field(max_length=20_000)]


class CaseCreate(BaseModel):
    title: Annotated[Text, Field(min_length=3, max_length=300)]
    case_type: CaseType
    offence_codes: list[OffenceCode] = Field(min_length=1, max_length=10)
    summary: LongText = ""
    lead_unit_code: UnitCode | None = Field(default=None, description="Your unit or one below it; yours "
                                            "when left out.")
    unit_codes: list[UnitCode] = Field(min_length=1, max_length=50, description="The participating units of "
                                       "both sides; at least one of the other side's, which then holds the case too.")
    legal_basis: Annotated[str, Field(max_length=500)] = ""
    handling_code: HandlingCode = HandlingCode.H0
    jit_reference: Annotated[str, Field(max_length=120)] | None = None
    jit_starts_on: dt.date | None = None
    jit_ends_on: dt.date | None = None

    @model_validator(mode="after")
    def _agreement_period(self) -> CaseCreate:
        if self.jit_reference and (self.jit_starts_on is None or self.jit_ends_on is None):
            raise rule_error("A joint investigation team agreement needs its period.", field="jit_ends_on")
        if self.jit_starts_on and self.jit_ends_on and self.jit_ends_on < self.jit_starts_on:
            raise rule_error("The agreement ends before it starts.", field="jit_ends_on")
        return self


class StatusChange(BaseModel):
    status: CaseStatus
    reason: Annotated[Text, Field(max_length=500)]


class UnitAdd(BaseModel):
    unit_code: UnitCode


class AgreementExtension(BaseModel):
    until: dt.date
    reason: Annotated[str, Field(max_length=500)] = ""


class NoteCreate(BaseModel):
    body: Annotated[Text, Field(max_length=20_000)]
    shared: bool = Field(default=False, description="Shared notes reach the other side; internal ones never "
                         "leave this node.")


class PersonCreate(BaseModel):
    role: PersonRole
    name: Name
    other_names: list[Name] = Field(default_factory=list, max_length=10)
    birth_date: Annotated[str, Field(max_length=20)] | None = None
    nationality: Country | None = None
    gender: Literal["M", "F"] | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None
    description: Annotated[str, Field(max_length=1000)] = ""


class LinkCreate(BaseModel):
    link_type: LinkType
    target_id: Annotated[str, Field(min_length=36, max_length=36)]
    label: Annotated[str, Field(max_length=300)] = ""
    person_id: Annotated[str, Field(min_length=36, max_length=36)] | None = None


class SeizureIn(BaseModel):
    item_type: SeizureType
    quantity: Decimal
    unit: QuantityUnit
    currency: Country | None = None
    description: Annotated[str, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _currency(self) -> SeizureIn:
        if (self.unit == QuantityUnit.CURRENCY) != (self.currency is not None):
            raise rule_error("Cash is counted in a currency, and only cash has one.", field="currency")
        return self


class OperationCreate(BaseModel):
    kind: OperationKind
    on_date: dt.date
    place: ShortText
    unit_codes: list[UnitCode] = Field(default_factory=list, max_length=20)
    arrested: int = Field(default=0, ge=0, le=100_000)
    rescued: int = Field(default=0, ge=0, le=100_000)
    outcome: LongText = ""
    seizures: list[SeizureIn] = Field(default_factory=list, max_length=50)


class TaskCreate(BaseModel):
    assigned_unit_code: UnitCode
    title: ShortText
    deadline_at: dt.datetime


class EvidenceCreate(BaseModel):
    item: ShortText
    sha256: Sha256 | None = Field(default=None, description="SHA-256 of the content, lower-case hex.")
    content_base64: Annotated[str, Field(max_length=4 * ((EVIDENCE_MAX_BYTES + 2) // 3))] | None = Field(
        default=None, description="The item's file, kept with it; the item's SHA-256 is that of these bytes.")
    filename: Annotated[str, Field(max_length=200)] | None = None
    content_type: Annotated[str, Field(max_length=100)] | None = None
    holder: Name

    @model_validator(mode="after")
    def _fixed(self) -> EvidenceCreate:
        if self.sha256 is None and self.content_base64 is None:
            raise rule_error("Give the item's file or its SHA-256.", field="sha256")
        return self


class CustodyCreate(BaseModel):
    to_holder: Name
    purpose: Annotated[str, Field(max_length=300)] = ""


class AssetCreate(BaseModel):
    description: ShortText
    status: AssetStatus = AssetStatus.IDENTIFIED
    value: Decimal
    currency: Country
    held_by: Literal["VN", "CN"]


class AssetUpdate(BaseModel):
    status: AssetStatus
    held_by: Literal["VN", "CN"] | None = None


class BreakdownIn(BaseModel):
    nationality: Country
    sex: Literal["M", "F"]
    count: int = Field(ge=1, le=100_000)


class GroupCreate(BaseModel):
    intercepted_at: dt.datetime
    place: ShortText
    side: Literal["VN", "CN"]
    people: int = Field(ge=1, le=100_000)
    minors: int = Field(default=0, ge=0, le=100_000)
    breakdown: list[BreakdownIn] = Field(default_factory=list, max_length=50)
    outcome: GroupOutcome
    return_gate_code: UnitCode | None = None
    organisers_prosecuted: int = Field(default=0, ge=0, le=100_000)

    @model_validator(mode="after")
    def _figures_add_up(self) -> GroupCreate:
        if self.minors > self.people:
            raise rule_error("A group cannot have more minors than people.", field="minors")
        if self.breakdown and sum(item.count for item in self.breakdown) != self.people:
            raise rule_error("The counts by nationality and sex add up to %(people)s people.", field="breakdown",
                             people=self.people)
        if self.outcome == GroupOutcome.RETURNED and not self.return_gate_code:
            raise rule_error("Name the gate the group was returned through.", field="return_gate_code")
        return self


class CaseSummaryOut(BaseModel):
    id: str
    title: str
    case_type: str
    status: str
    owner_party: str
    lead_unit_code: str
    offence_codes: list[str]
    updated_at: dt.datetime
    unread: bool


class CaseFilter(ListQuery):
    status: str | None = Field(default=None, pattern="^(open|active|suspended|closed)$")
    case_type: str | None = Field(default=None, max_length=40)
    offence: str | None = Field(default=None, max_length=8)


class CaseListOut(CursorPage):
    items: list[CaseSummaryOut]


class CaseOut(ReplicatedOut):
    title: str
    case_type: str
    offence_codes: list[str]
    summary: str
    lead_unit_code: str
    units: list[dict[str, Any]]
    status: str
    status_reason: str | None
    legal_basis: str
    jit: dict[str, Any] | None
    handling_code: str
    author_name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    notes: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    links: list[dict[str, Any]]
    operations: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    assets: list[dict[str, Any]]
    immigration_groups: list[dict[str, Any]]
    timeline: list[EventOut]


class HandoverPersonIn(BaseModel):
    case_person_id: Annotated[str, Field(min_length=36, max_length=36)] | None = Field(
        default=None, description="A person of the handover's case: the handover takes their record from the case "
        "(and, for a fugitive, the wanted alert linked to them).")
    name: Name | None = None
    other_names: list[Name] = Field(default_factory=list, max_length=10)
    birth_date: Annotated[str, Field(max_length=20)] | None = None
    nationality: Country | None = None
    gender: Literal["M", "F"] | None = None
    document_number: Annotated[str, Field(max_length=40)] | None = None

    @model_validator(mode="after")
    def _named(self) -> HandoverPersonIn:
        if self.name is None and self.case_person_id is None:
            raise rule_error("Name the person, or choose one of the case's persons.", field="name")
        return self


class ChecklistIn(BaseModel):
    item: ShortText
    kind: Literal["document", "belonging"]


class HandoverCreate(BaseModel):
    kind: HandoverKind
    persons: list[HandoverPersonIn] = Field(min_length=1, max_length=100)
    gate_code: UnitCode = Field(description="Your side's gate; the handover takes place with the gate facing it.")
    receiving_unit_code: UnitCode | None = Field(default=None, description="The other side's unit that "
                                                 "receives; the gate facing yours when left out.")
    planned_at: dt.datetime
    case_id: Annotated[str, Field(min_length=36, max_length=36)] | None = None
    alert_id: Annotated[str, Field(min_length=36, max_length=36)] | None = None
    escorts: list[Name] = Field(default_factory=list, max_length=20)
    checklist: list[ChecklistIn] = Field(default_factory=list, max_length=100)
    note: Annotated[str, Field(max_length=1000)] = ""
    handling_code: HandlingCode = HandlingCode.H0

    @model_validator(mode="after")
    def _linked(self) -> HandoverCreate:
        if self.kind == HandoverKind.FUGITIVE and not (self.alert_id or self.case_id):
            raise rule_error("A fugitive's handover names the wanted alert or the case.", field="alert_id")
        return self


class HandoverAccept(BaseModel):
    protection_service: Annotated[Text, Field(max_length=300)] | None = Field(
        default=None, description="For a victim: the protection service that receives them.")


class HandoverCounter(BaseModel):
    planned_at: dt.datetime
    protection_service: Annotated[Text, Field(max_length=300)] | None = None


class HandoverCancel(BaseModel):
    reason: Annotated[Text, Field(max_length=500)]


class HandoverOut(ReplicatedOut):
    kind: str
    status: str
    handing_unit_code: str
    receiving_unit_code: str
    handing_gate_code: str
    receiving_gate_code: str
    case_id: str | None
    alert_id: str | None
    planned_at: dt.datetime
    planned_local: dict[str, str] = Field(description="The planned time on each side's clock.")
    counter_at: dt.datetime | None
    persons: list[dict[str, Any]]
    escorts: list[str]
    checklist: list[dict[str, Any]]
    note: str
    protection_service: str | None
    confirmations: list[dict[str, Any]]
    completed_at: dt.datetime | None
    timeline: list[EventOut]


class HandoverFilter(ListQuery):
    status: str | None = Field(default=None, pattern="^(proposed|countered|accepted|completed|cancelled)$")
    q: str | None = Field(default=None, max_length=200, description="A handed-over person's name, in any script")


class HandoverListOut(CursorPage):
    items: list[HandoverOut]
