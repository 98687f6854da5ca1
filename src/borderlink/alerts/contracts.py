"""The alerts' message contracts: what an alert, its changes, its withdrawal and purge, and the
other side's flags look like on the wire.

The owner sends the whole content with every change (`AlertPublished` the first time,
`AlertUpdated` after), each with the alert's version, so a late or repeated copy is ignored and
the replica never has to merge partial changes. The receiving node checks the content exactly as
the issuing node did (allow-list, legal basis, neutrality screening) before it stores a replica.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from borderlink.alerts.models import (
    Action,
    AlertKind,
    Distribution,
    DocumentType,
    Gender,
    InformationEvaluation,
    SourceEvaluation,
    Status,
    WarningFlag,
)
from borderlink.shared.contracts import (
    BirthDate,
    ContractPart,
    FilePart,
    MessageBody,
    Name,
    OffenceCode,
    Text,
    TimelineStep,
    Timestamp,
    UnitCode,
    Uuid,
    base64_length,
)
from borderlink.shared.replicated import HandlingCode

"""A birth date, as much of it as is known: 1988, 1988-03 or 1988-03-14."""
StateCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z<]{1,3}$")]
MAX_NAMES = 20
MAX_ITEMS = 20


class PersonPart(ContractPart):
    names: list[Name] = Field(min_length=1, max_length=MAX_NAMES)
    birth_date: BirthDate | None = None
    gender: Gender | None = None
    nationalities: list[StateCode] = Field(default_factory=list, max_length=5)
    description: Annotated[Text, Field(max_length=2000)] | None = None


class DocumentPart(ContractPart):
    type: DocumentType = DocumentType.PASSPORT
    number: Annotated[Text, Field(max_length=40)]
    issuing_state: StateCode | None = None
    expires_on: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class VehiclePart(ContractPart):
    plate: Annotated[Text, Field(max_length=20)] | None = None
    vin: Annotated[Text, Field(max_length=17)] | None = None
    make: Annotated[Text, Field(max_length=80)] | None = None
    colour: Annotated[Text, Field(max_length=40)] | None = None


class LegalBasisPart(ContractPart):
    reference: Annotated[Text, Field(max_length=120, description="decision or warrant number")]
    authority: Annotated[Text, Field(max_length=200)]
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class EventPart(TimelineStep):
    """One step of an alert's timeline; its id makes applying it twice harmless."""


MAX_PHOTO_BYTES = 200 * 1024  # a photo travels with the alert when it is this small (the envelope is bounded)
MAX_PHOTOS = 3


class PhotoPart(FilePart):
    content_base64: Annotated[str, Field(max_length=base64_length(MAX_PHOTO_BYTES))]


class AlertContent(ContractPart):
    """Everything the owner shares of an alert, sent whole with every change."""

    id: Uuid
    version: int = Field(ge=1)
    kind: AlertKind
    status: Status
    hidden: bool = False
    action: Action
    offence_code: OffenceCode
    person: PersonPart | None = None
    documents: list[DocumentPart] = Field(default_factory=list, max_length=MAX_ITEMS)
    vehicles: list[VehiclePart] = Field(default_factory=list, max_length=MAX_ITEMS)
    warning_flags: list[WarningFlag] = Field(default_factory=list, max_length=len(WarningFlag))
    legal_basis: LegalBasisPart | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    handling_code: HandlingCode
    handling_note: Annotated[Text, Field(max_length=500)] | None = None
    source_evaluation: SourceEvaluation | None = None
    information_evaluation: InformationEvaluation | None = None
    distribution: Distribution
    distribution_units: list[UnitCode] = Field(default_factory=list, max_length=50)
    expires_at: Timestamp
    created_at: Timestamp
    activated_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    owner_unit_code: UnitCode
    author_name: Annotated[Text, Field(max_length=200)]
    linked_alert_ids: list[Uuid] = Field(default_factory=list, max_length=20)
    photos: list[PhotoPart] = Field(default_factory=list, max_length=MAX_PHOTOS)
    review_note: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="why a central reviewer let text flagged by neutrality screening go")


class AlertPublished(MessageBody, kind="alerts.published", version=1):
    """A new active alert, distributed to the other side."""

    alert: AlertContent
    events: list[EventPart] = Field(default_factory=list, max_length=50)


class AlertUpdated(MessageBody, kind="alerts.updated", version=1):
    """The owner changed an alert (content, hidden, extended, fulfilled, expired, link)."""

    alert: AlertContent
    event: EventPart | None = None


class AlertWithdrawn(MessageBody, kind="alerts.withdrawn", version=1):
    """The owner withdrew an alert: the replica leaves the screening index at once."""

    alert_id: Uuid
    version: int = Field(ge=1)
    event: EventPart


class AlertPurged(MessageBody, kind="alerts.purged", version=1):
    """The owner purged an ended alert's personal data: the replica does the same."""

    alert_id: Uuid
    version: int = Field(ge=1)
    event: EventPart


class AlertFlagged(MessageBody, kind="alerts.flagged", version=1):
    """The replica side will not take the alert's action on its territory (or lifts that flag)."""

    alert_id: Uuid
    flag_id: Uuid
    unit_code: UnitCode
    author_name: Annotated[Text, Field(max_length=200)]
    reason: Annotated[Text, Field(max_length=2000)]
    lifted: bool = False
    event: EventPart


CONTRACTS: tuple[type[MessageBody], ...] = (AlertPublished, AlertUpdated, AlertWithdrawn, AlertPurged, AlertFlagged)
