"""Hotline requests between counterpart units, their replies, timeline and deadlines.

A request sits in units' inboxes through the shared work feed (object type `OBJECT_TYPE`).

Every node holds a row for each request it sent (as owner) or received (as replica); the owner
alone changes the core fields, the other side's contributions arrive as messages.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from borderlink.db import Base
from borderlink.directory.permissions import Permission
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column
from borderlink.shared.escalation import EscalatingObject
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.paging import text_search_index
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

OBJECT_TYPE = "hotline.request"  # how requests are named in the work feed and on live streams


class RequestKind(enum.StrEnum):
    INFORMATION = "information"
    ASSISTANCE = "assistance"
    URGENT_ALERT = "urgent_alert"
    NOTIFICATION = "notification"


class AssistanceType(enum.StrEnum):
    LOCATE_PERSON = "locate_person"
    VERIFY_DOCUMENT = "verify_document"
    INTERCEPT_VEHICLE = "intercept_vehicle"
    RETURN_PERSON = "return_person"


class Priority(enum.StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class Status(enum.StrEnum):
    HELD = "held"
    WITHDRAWN = "withdrawn"
    SENT = "sent"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"


OPEN_STATUSES = (Status.SENT, Status.DELIVERED, Status.ACKNOWLEDGED)
_ACTIVE = (*OPEN_STATUSES, Status.ANSWERED)

# Held and withdrawn requests never leave the owner node; the rest is shared by both sides, and
# whichever order the two sides' events arrive in, the status is the one of highest precedence.
LIFECYCLE = Lifecycle("request", precedence=[s.value for s in Status], transitions=(
    Transition("held", (INITIAL,), Status.HELD, Side.OWNER, Permission.HOTLINE_SEND),
    Transition("released", (Status.HELD,), None, Side.OWNER, Permission.HOTLINE_SUPERVISE),
    Transition("withdrawn", (Status.HELD,), Status.WITHDRAWN, Side.OWNER, Permission.HOTLINE_SUPERVISE),
    Transition("sent", (INITIAL, Status.HELD, Status.SENT), Status.SENT, Side.OWNER),
    Transition("delivered", (Status.SENT,), Status.DELIVERED, Side.REPLICA),
    Transition("acknowledged", (Status.SENT, Status.DELIVERED), Status.ACKNOWLEDGED, Side.REPLICA,
               Permission.HOTLINE_ANSWER),
    Transition("answered", _ACTIVE, Status.ANSWERED, Side.REPLICA, Permission.HOTLINE_ANSWER),
    Transition("closed", _ACTIVE, Status.CLOSED, Side.OWNER, Permission.HOTLINE_ANSWER),
    Transition("escalated", _ACTIVE, None, Side.OWNER),
    Transition("shared", tuple(Status), None, None, Permission.HOTLINE_ANSWER),
))

# Every step of the lifecycle is a kind of timeline event; two of them carry a detail of their own.
TIMELINE = Timeline("hotline.request", kinds=[
    EventKind("held", N_("held for a supervisor: possible %(grounds)s grounds"),
              coded_params={"grounds": "safeguards.ground"}),
    EventKind("escalated", N_("level %(level)s: %(units)s")),
    *(EventKind(event) for event in LIFECYCLE.events if event not in ("held", "escalated")),
    EventKind("refused_by_peer"),  # the other node refused a message about the request (its words)
])

DEFAULT_DEADLINES = {
    Priority.URGENT: dt.timedelta(hours=1),
    Priority.HIGH: dt.timedelta(hours=12),
    Priority.NORMAL: dt.timedelta(days=3),
    Priority.LOW: dt.timedelta(days=7),
}


LISTING_FILTERS = ("status", "priority", "offence_code", "owner_party", "sender_unit_id", "recipient_unit_id",
                   "deadline_at")


class HotlineRequest(ReplicatedObject, EscalatingObject, Base):
    """A request; the sending unit is its owner unit. It escalates (deadline, level) as
    escalation.REQUESTS says."""

    __tablename__ = "hotline_requests"

    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    assistance_type: Mapped[AssistanceType | None] = mapped_column(enum_column(AssistanceType), default=None)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority))
    offence_code: Mapped[str] = mapped_column(String(8))
    handling_note: Mapped[str | None] = mapped_column(String(500), default=None)
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    names_person: Mapped[bool] = mapped_column(default=False)
    sender_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    owner_unit_id: Mapped[str] = synonym("sender_unit_id")
    recipient_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    counterpart_unit_id: Mapped[str] = synonym("recipient_unit_id")
    author_name: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    status: Mapped[Status] = mapped_column(enum_column(Status))
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    screening_flags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")

    sender_unit = relationship("Unit", foreign_keys=[sender_unit_id], lazy="joined")
    recipient_unit = relationship("Unit", foreign_keys=[recipient_unit_id], lazy="joined")

    __table_args__ = (
        Index("ix_hotline_requests_status_deadline", "status", "deadline_at"),
        Index("ix_hotline_requests_recipient", "recipient_unit_id"),
        Index("ix_hotline_requests_sender", "sender_unit_id"),
        text_search_index("ix_hotline_requests_search_text", "search_text"),
        # A filtered inbox joins the unit's entries to their requests and filters on these columns:
        # on PostgreSQL the index alone answers, without reading the requests' rows.
        Index("ix_hotline_requests_listing", "id", postgresql_include=list(LISTING_FILTERS)).ddl_if(
            dialect="postgresql"),
    )


class HotlineReply(Base):
    __tablename__ = "hotline_replies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("hotline_requests.id"), index=True)
    author_party: Mapped[str] = mapped_column(String(2))
    author_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
