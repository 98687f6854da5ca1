"""JSON shapes of the hotline API and of the messages it sends across the border."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from borderlink.hotline.contracts import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Reference, ReplyPart, RequestContent
from borderlink.hotline.models import Priority, Status
from borderlink.shared.contracts import Text, UnitCode, base64_length
from borderlink.shared.shapes import CursorPage, ListQuery, ReplicatedOut
from borderlink.shared.timeline import EventOut
from borderlink.web.attachments import AttachmentOut, FileIn

# The longest base64 text that can hold one attachment.
MAX_ATTACHMENT_BASE64_CHARS = base64_length(MAX_ATTACHMENT_BYTES)
# A request's JSON: its attachments plus room for its texts (20,000 characters escaped as \uXXXX).
MAX_REQUEST_JSON_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BASE64_CHARS + 512 * 1024
# The form of the pages: its attachments as sent (no base64) plus the texts.
MAX_REQUEST_FORM_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 512 * 1024


class AttachmentIn(FileIn):
    content_base64: str = Field(max_length=MAX_ATTACHMENT_BASE64_CHARS)


class RequestCreate(RequestContent):
    recipient_unit_code: UnitCode | None = Field(default=None, description="A counterpart of your unit; "
                                                 "may be left out when your unit has exactly one.")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class ReplyCreate(BaseModel):
    body: Annotated[Text, Field(max_length=20_000)]


class ForwardCreate(BaseModel):
    unit_code: UnitCode


class ReplyOut(ReplyPart):
    """A reply as it crosses the border."""

    model_config = ConfigDict(strict=False)


class RequestOut(RequestContent, ReplicatedOut):
    """A request as the API shows it: what its author wrote (`RequestContent`), then its course."""

    sender_unit_code: str
    recipient_unit_code: str
    author_name: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    deadline_at: dt.datetime | None
    overdue: bool
    escalation_level: int
    screening_flags: list[dict[str, str]]
    timeline: list[EventOut]
    replies: list[ReplyOut]
    attachments: list[AttachmentOut]

    @field_serializer("references")
    def _references_as_stored(self, references: list[Reference]) -> list[dict[str, Any]]:
        # A request stores its references without the members left out, and shows them so.
        return [reference.model_dump(exclude_none=True) for reference in references]


class InboxItemOut(BaseModel):
    request_id: str
    subject: str
    kind: str
    priority: str
    status: str
    offence_code: str
    owner_party: str
    sender_unit_code: str
    recipient_unit_code: str
    counterpart_unit_code: str
    deadline_at: dt.datetime | None
    overdue: bool
    unread: bool
    escalation_level: int
    reasons: list[str]
    updated_at: dt.datetime


class InboxFilter(ListQuery):
    status: Status | None = None
    priority: Priority | None = None
    overdue: bool | None = None
    offence: str | None = Field(default=None, max_length=8, description="ICCS code or its first digits.")
    counterpart: UnitCode | None = None
    unread: bool | None = None
    include_below: bool = Field(default=False, description="Also the inboxes of the units below yours.")
    limit: int = Field(default=200, ge=1, le=1000)


class InboxOut(CursorPage):
    unread: int
    items: list[InboxItemOut]


MAX_DEADLINE_SECONDS = 90 * 86400  # one bound for the API, the page and the service
