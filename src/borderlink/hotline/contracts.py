"""The hotline's message contracts: what a request, a timeline event, a reply and an escalation look
like on the wire, and the checks both nodes make on a request's content.

The sending side builds these models and the receiving side parses them, so both agree on shape,
limits and normalisation.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, model_validator

from borderlink.hotline.models import AssistanceType, Priority, RequestKind
from borderlink.shared.contracts import (
    ContractPart,
    FilePart,
    MessageBody,
    Name,
    OffenceCode,
    Party,
    Text,
    TimelineStep,
    Timestamp,
    UnitCode,
    Uuid,
    base64_length,
)
from borderlink.shared.forms import N_, rule_error
from borderlink.shared.replicated import HandlingCode

MAX_ATTACHMENT_BYTES = 256 * 1024
MAX_ATTACHMENTS = 3
# Timeline steps that cross the border (which side may take each: models.LIFECYCLE).
EventKind = Literal["sent", "delivered", "acknowledged", "answered", "closed", "escalated"]


class Reference(BaseModel):
    """A person, document or vehicle the request is about."""

    type: Literal["person", "document", "vehicle"]
    name: str | None = Field(default=None, max_length=200)
    birth_date: str | None = Field(default=None, max_length=20)
    nationality: str | None = Field(default=None, max_length=3)
    gender: Literal["M", "F"] | None = None
    document_type: str | None = Field(default=None, max_length=40)
    document_number: str | None = Field(default=None, max_length=40)
    plate: str | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _has_identifier(self) -> Reference:
        field, message = _IDENTIFIERS[self.type]
        if not getattr(self, field):
            raise rule_error(message, field=field)
        return self


# What names each type of reference, and the refusal when it is missing.
_IDENTIFIERS = {
    "person": ("name", N_("A person the request is about needs a name.")),
    "document": ("document_number", N_("A document the request is about needs its number.")),
    "vehicle": ("plate", N_("A vehicle the request is about needs its plate.")),
}


class TimelineEvent(TimelineStep):
    """One step of a request's timeline; its id makes applying it twice harmless."""

    kind: EventKind


class AttachmentPart(FilePart):
    content_base64: Annotated[str, Field(max_length=base64_length(MAX_ATTACHMENT_BYTES))]


class RequestContent(BaseModel):
    """What a request's author writes, and its rules: checked by the sending form and the API, and
    again by the receiving node on the message."""

    kind: RequestKind
    assistance_type: AssistanceType | None = None
    subject: Annotated[Text, Field(min_length=3, max_length=300)]
    body: Annotated[Text, Field(max_length=20_000)]
    priority: Priority = Priority.NORMAL
    offence_code: OffenceCode
    handling_code: HandlingCode = HandlingCode.H0
    handling_note: Annotated[Text, Field(max_length=500)] | None = None
    references: list[Reference] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _assistance_type_matches_kind(self) -> Self:
        if self.kind == RequestKind.ASSISTANCE and self.assistance_type is None:
            raise rule_error("An assistance request needs an assistance type.", field="assistance_type")
        if self.kind != RequestKind.ASSISTANCE and self.assistance_type is not None:
            raise rule_error("An assistance type is only for assistance requests.", field="assistance_type")
        if self.handling_code == HandlingCode.H3 and not self.handling_note:
            raise rule_error("Handling code H3 needs a note stating the restriction.", field="handling_note")
        return self


class RequestMessage(MessageBody, RequestContent, kind="hotline.request", version=1):
    """A new request, sent by its owner to the counterpart unit."""

    id: Uuid
    priority: Priority
    handling_code: HandlingCode
    author_name: Name
    created_at: Timestamp
    deadline_seconds: int = Field(ge=1, le=90 * 86400)
    deadline_at: Timestamp | None = None
    sent_event: TimelineEvent
    release_note: Annotated[str, Field(max_length=2000)] | None = None
    attachments: list[AttachmentPart] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class EventMessage(MessageBody, kind="hotline.event", version=1):
    """A timeline step taken on one side (delivered, acknowledged, closed)."""

    request_id: Uuid
    event: TimelineEvent


class ReplyPart(ContractPart):
    id: Uuid
    author_party: Party
    author_unit_code: UnitCode
    author_name: Name
    body: Annotated[Text, Field(max_length=20_000)]
    created_at: Timestamp


class ReplyMessage(MessageBody, kind="hotline.reply", version=1):
    """A reply from either side; the receiving side's first one also carries its "answered" step."""

    request_id: Uuid
    reply: ReplyPart
    event: TimelineEvent | None = None


class EscalationMessage(MessageBody, kind="hotline.escalation", version=1):
    """The owner moved an overdue request one tier up on both sides."""

    request_id: Uuid
    level: int = Field(ge=1, le=20)
    deadline_at: Timestamp
    recipient_side_unit: UnitCode | None = Field(
        default=None, description="the receiving side's unit one tier up, which now holds the request too")
    event: TimelineEvent
