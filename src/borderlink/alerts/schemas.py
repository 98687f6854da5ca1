"""JSON shapes of the alerts API: issuing an alert, reading it, its steps, and screening checks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from borderlink.alerts.contracts import (
    MAX_ITEMS,
    MAX_NAMES,
    DocumentPart,
    LegalBasisPart,
    StateCode,
    VehiclePart,
)
from borderlink.alerts.models import (
    PERSON_KINDS,
    Action,
    AlertKind,
    Gender,
    InformationEvaluation,
    SourceEvaluation,
    Status,
    WarningFlag,
)
from borderlink.shared.contracts import BirthDate, Name, OffenceCode, Text, Timestamp, UnitCode, Uuid
from borderlink.shared.forms import rule_error
from borderlink.shared.replicated import HandlingCode
from borderlink.shared.shapes import CursorPage, ListQuery
from borderlink.shared.timeline import EventOut

__all__ = ["DocumentIn", "LegalBasisIn", "VehicleIn"]

_LENIENT = ConfigDict(extra="forbid", frozen=True, strict=False)


# The wire's parts, read leniently as API and form input ("passport" for DocumentType.PASSPORT).
class DocumentIn(DocumentPart):
    model_config = _LENIENT


class VehicleIn(VehiclePart):
    model_config = _LENIENT


class LegalBasisIn(LegalBasisPart):
    model_config = _LENIENT


DistributionIn = Literal["all", "provincial_and_central"] | list[UnitCode]


class PersonIn(BaseModel):
    names: list[Name] = Field(min_length=1, max_length=MAX_NAMES,
                                    description="Names in any script, aliases included; the first is the main one.")
    birth_date: BirthDate | None = Field(default=None, description="1988, 1988-03 or 1988-03-14")
    gender: Gender | None = None
    nationality: StateCode | list[StateCode] | None = Field(
        default=None, description="ISO 3166 alpha-3 code, or a list of them")
    description: Annotated[Text, Field(max_length=2000)] | None = None

    @property
    def nationalities(self) -> list[str]:
        if self.nationality is None:
            return []
        return [self.nationality] if isinstance(self.nationality, str) else list(self.nationality)


class AlertIn(BaseModel):
    kind: AlertKind
    person: PersonIn | None = None
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    vehicles: list[VehicleIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    offence_code: OffenceCode
    legal_basis: LegalBasisIn | None = Field(default=None, description="Required for `wanted`.")
    action: Action | None = Field(default=None, description="Left out: the kind's usual action.")
    handling_code: HandlingCode = HandlingCode.H0
    handling_note: Annotated[Text, Field(max_length=500)] | None = None
    distribution: DistributionIn = Field(
        default="all",
        description="`all`, `provincial_and_central`, or a list of the other side's border-gate unit codes")
    expires_at: Timestamp | None = Field(default=None, description="Left out: the node's default validity of the kind.")
    description: Annotated[Text, Field(max_length=5000)] | None = None
    warning_flags: list[WarningFlag] = Field(default_factory=list, max_length=len(WarningFlag))
    source_evaluation: SourceEvaluation | None = None
    information_evaluation: InformationEvaluation | None = None
    draft: bool = Field(default=False, description="Keep it as a draft on this node instead of publishing it.")
    link_to: Uuid | None = Field(default=None, description="An alert of this side on the same person to link to.")

    @field_validator("distribution")
    @classmethod
    def _some_units(cls, value: DistributionIn) -> DistributionIn:
        if isinstance(value, list) and not value:
            raise rule_error("List at least one border-gate unit, or choose all units.")
        return value

    @model_validator(mode="after")
    def _content_fits_kind(self) -> AlertIn:
        if self.kind in PERSON_KINDS and self.person is None:
            raise rule_error("An alert on a person needs the person's names.", field="person")
        if self.kind == AlertKind.DOCUMENT and not self.documents:
            raise rule_error("A document alert needs the document's number.", field="documents")
        if self.kind == AlertKind.VEHICLE and not any(v.plate or v.vin for v in self.vehicles):
            raise rule_error("A vehicle alert needs the plate or the VIN.", field="vehicles")
        if self.kind == AlertKind.WANTED and self.legal_basis is None:
            raise rule_error("A wanted alert needs its legal basis: the decision or warrant, its authority and date.",
                             field="legal_basis")
        if self.handling_code == HandlingCode.H3 and not self.handling_note:
            raise rule_error("Handling code H3 needs a note stating the restriction.", field="handling_note")
        return self


class AlertUpdate(BaseModel):
    """A change of content by the owner; fields left out keep their value."""

    person: PersonIn | None = None
    documents: list[DocumentIn] | None = Field(default=None, max_length=MAX_ITEMS)
    vehicles: list[VehicleIn] | None = Field(default=None, max_length=MAX_ITEMS)
    description: Annotated[Text, Field(max_length=5000)] | None = None
    warning_flags: list[WarningFlag] | None = Field(default=None, max_length=len(WarningFlag))
    legal_basis: LegalBasisIn | None = None
    action: Action | None = None
    hidden: bool | None = Field(default=None, description="Hide the alert from the other side during an operation.")


class NoteIn(BaseModel):
    note: Annotated[Text, Field(max_length=2000)]


class WithdrawIn(BaseModel):
    note: Annotated[Text, Field(max_length=2000)] | None = None
    fulfilled: bool = Field(default=False, description="The action was taken (arrested, found): `fulfilled`.")


class FlagIn(BaseModel):
    reason: Annotated[Text, Field(max_length=2000)]
    lifted: bool = Field(default=False, description="Lift this side's flag instead.")


class ReviewIn(BaseModel):
    decision: Literal["approve", "reject"]
    note: Annotated[Text, Field(max_length=2000)]


class ExtendIn(BaseModel):
    expires_at: Timestamp
    review: Annotated[Text, Field(min_length=10, max_length=2000,
                                  description="The recorded review: why the alert is still needed.")]


class ValidityIn(BaseModel):
    days: dict[AlertKind, Annotated[int, Field(ge=1, le=20 * 366)]]


class PersonOut(BaseModel):
    names: list[str]
    renderings: list[str] = Field(
        description="The main name in every rendering: 王晓红, Wáng Xiǎohóng, Vương Hiểu Hồng")
    birth_date: str | None
    gender: str | None
    nationalities: list[str]
    description: str | None


class FlagOut(BaseModel):
    id: str
    party: str
    unit_code: str
    author_name: str
    reason: str
    created_at: dt.datetime
    lifted_at: dt.datetime | None


class AlertOut(BaseModel):
    id: str
    side: Literal["owner", "replica"]
    owner_party: str
    owner_unit_code: str
    kind: str
    status: str
    hidden: bool
    action: str
    offence_code: str
    person: PersonOut | None
    documents: list[dict[str, Any]]
    vehicles: list[dict[str, Any]]
    warning_flags: list[str]
    legal_basis: dict[str, Any] | None
    description: str | None
    handling_code: str
    handling_note: str | None
    source_evaluation: str | None
    information_evaluation: str | None
    distribution: str | list[str]
    expires_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    activated_at: dt.datetime | None
    ended_at: dt.datetime | None
    purged: bool
    version: int
    author_name: str
    linked_alert_ids: list[str]
    screening_flags: list[dict[str, str]]
    labels: dict[str, str] = Field(description="kind, status, action and offence in the viewer's language")
    flags: list[FlagOut]
    timeline: list[EventOut]


class CreatedOut(BaseModel):
    id: str
    status: str
    alert: AlertOut


class AlertSummaryOut(BaseModel):
    id: str
    side: Literal["owner", "replica"]
    owner_party: str
    owner_unit_code: str
    kind: str
    status: str
    hidden: bool
    action: str
    offence_code: str
    title: str = Field(description="The main name, document number or plate")
    expires_at: dt.datetime
    updated_at: dt.datetime
    flagged: bool
    labels: dict[str, str]


class AlertFilter(ListQuery):
    kind: AlertKind | None = None
    status: Status | None = None
    side: str | None = Field(default=None, pattern="^(owner|replica)$",
                             description="`owner`: issued by this side; `replica`: from the other side")
    offence: str | None = Field(default=None, max_length=8, description="ICCS code or its first digits")
    expiring_within_days: int | None = Field(default=None, ge=0, le=3660, description="Active and expiring soon")
    expiring_soon: bool = Field(default=False, description="Active and expiring within four months")
    flagged: bool | None = None
    q: str | None = Field(default=None, max_length=200, description="A person's name, in any script")


class AlertPageOut(CursorPage):
    items: list[AlertSummaryOut]


class ScreeningCheckIn(BaseModel):
    name: Annotated[Text, Field(max_length=200)] | None = Field(default=None, description="A name in any script")
    names: list[Name] = Field(default_factory=list, max_length=5, description="Further names or spellings")
    birth_date: BirthDate | None = None
    gender: Gender | None = None
    nationality: StateCode | None = None
    document_number: Annotated[Text, Field(max_length=40)] | None = None
    document_state: StateCode | None = None
    plate: Annotated[Text, Field(max_length=20)] | None = None
    limit: int = Field(default=10, ge=1, le=50)

    @model_validator(mode="after")
    def _something_to_check(self) -> ScreeningCheckIn:
        if not (self.name or self.names or self.document_number or self.plate):
            raise rule_error("Give a name, a document number or a plate to check.", field="name")
        return self

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, *self.names) if n)


class MatchOut(BaseModel):
    alert_id: str
    subject: Literal["person", "document", "vehicle"]
    score: float
    kind: str
    action: str
    owner_party: str
    title: str
    warning_flags: list[str]
    explanation: list[str] = Field(description="Why it matched, in the viewer's language")
    details: dict[str, Any] = Field(description="The matcher's explanation, field by field")
    labels: dict[str, str]


class ScreeningOut(BaseModel):
    checked_at: dt.datetime
    matches: list[MatchOut]
