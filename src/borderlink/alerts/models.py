"""Shared alerts: wanted, missing, victim, person of interest, document and vehicle notices.

Every node holds a row for each alert it issued (owner) and for each alert the other side issued
and distributed to it (replica, same id). The owner alone changes the content; the replica side
adds flags ("we will not act on this on our territory", with a reason), which travel back.

An alert's personal data (person, documents, vehicles, legal basis, description) is purged on
schedule once the alert ended; the row stays as a non-personal tombstone (kind, offence, owner
unit, dates, status) for statistics.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from borderlink.db import Base
from borderlink.directory.permissions import Permission
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

OBJECT_TYPE = "alerts.alert"  # how alerts are named in the work feed, timelines and audit


class AlertKind(enum.StrEnum):
    WANTED = "wanted"
    MISSING = "missing"
    VICTIM = "victim"
    PERSON_OF_INTEREST = "person_of_interest"
    DOCUMENT = "document"
    VEHICLE = "vehicle"


PERSON_KINDS = frozenset({AlertKind.WANTED, AlertKind.MISSING, AlertKind.VICTIM, AlertKind.PERSON_OF_INTEREST})


class Status(enum.StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


ENDED = frozenset({Status.FULFILLED, Status.WITHDRAWN, Status.EXPIRED})
# What the other side ever receives: an alert leaves its node once it is active.
PUBLISHED = frozenset({Status.ACTIVE, *ENDED})


class Action(enum.StrEnum):
    ARREST = "arrest"
    PROTECT = "protect"
    DISCREET_CHECK = "discreet_check"
    SEIZE_DOCUMENT = "seize_document"
    SEIZE_VEHICLE = "seize_vehicle"


# The action an alert of each kind asks for unless its author chooses another.
DEFAULT_ACTION = {
    AlertKind.WANTED: Action.ARREST,
    AlertKind.MISSING: Action.PROTECT,
    AlertKind.VICTIM: Action.PROTECT,
    AlertKind.PERSON_OF_INTEREST: Action.DISCREET_CHECK,
    AlertKind.DOCUMENT: Action.SEIZE_DOCUMENT,
    AlertKind.VEHICLE: Action.SEIZE_VEHICLE,
}


class WarningFlag(enum.StrEnum):
    ARMED = "armed"
    VIOLENT = "violent"
    ESCAPED = "escaped"
    SUICIDE_RISK = "suicide_risk"
    HEALTH_RISK = "health_risk"


class SourceEvaluation(enum.StrEnum):
    """How reliable the source is (as SIENA grades it)."""

    A = "A"
    B = "B"
    C = "C"
    X = "X"


class InformationEvaluation(enum.StrEnum):
    """How far the information itself is confirmed."""

    CONFIRMED = "1"
    KNOWN_TO_SOURCE = "2"
    NOT_KNOWN_TO_SOURCE = "3"
    CANNOT_BE_ASSESSED = "4"


class Distribution(enum.StrEnum):
    """Which units of the other side see the alert."""

    ALL = "all"
    PROVINCIAL_AND_CENTRAL = "provincial_and_central"
    UNITS = "units"  # the border-gate units listed with the alert


class DocumentType(enum.StrEnum):
    PASSPORT = "passport"
    IDENTITY_CARD = "identity_card"
    BORDER_PASS = "border_pass"  # noqa: S105 - a kind of document, not a secret
    VISA = "visa"
    TRAVEL_PERMIT = "travel_permit"
    OTHER = "other"


class Gender(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "X"


DEFAULT_VALIDITY_DAYS = {
    AlertKind.WANTED: 5 * 365,
    AlertKind.MISSING: 5 * 365,
    AlertKind.VICTIM: 3 * 365,
    AlertKind.PERSON_OF_INTEREST: 365,
    AlertKind.DOCUMENT: 10 * 365,
    AlertKind.VEHICLE: 5 * 365,
}
EXPIRY_NOTICE = dt.timedelta(days=120)  # the owner unit is told four months before expiry
DEFAULT_PURGE_AFTER_DAYS = 30  # an ended alert's personal data is kept this long, then purged

_OWNER_WORK = (Status.ACTIVE,)
LIFECYCLE = Lifecycle("alert", precedence=[s.value for s in Status], transitions=(
    Transition("drafted", (INITIAL,), Status.DRAFT, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("submitted", (INITIAL, Status.DRAFT), Status.UNDER_REVIEW, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("approved", (Status.UNDER_REVIEW,), Status.ACTIVE, Side.OWNER, Permission.ALERTS_REVIEW),
    Transition("rejected", (Status.UNDER_REVIEW,), Status.WITHDRAWN, Side.OWNER, Permission.ALERTS_REVIEW),
    Transition("activated", (INITIAL, Status.DRAFT), Status.ACTIVE, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("updated", (Status.DRAFT, Status.UNDER_REVIEW, Status.ACTIVE), None, Side.OWNER,
               Permission.ALERTS_ISSUE),
    Transition("hidden", _OWNER_WORK, None, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("shown", _OWNER_WORK, None, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("extended", _OWNER_WORK, None, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("linked", (Status.DRAFT, Status.UNDER_REVIEW, Status.ACTIVE), None, Side.OWNER,
               Permission.ALERTS_ISSUE),
    Transition("fulfilled", _OWNER_WORK, Status.FULFILLED, Side.OWNER, Permission.ALERTS_ISSUE),
    Transition("withdrawn", (Status.DRAFT, Status.UNDER_REVIEW, Status.ACTIVE), Status.WITHDRAWN, Side.OWNER,
               Permission.ALERTS_ISSUE),
    Transition("expired", _OWNER_WORK, Status.EXPIRED, None),
    Transition("flagged", _OWNER_WORK, None, Side.REPLICA, Permission.ALERTS_READ),
    Transition("unflagged", _OWNER_WORK, None, Side.REPLICA, Permission.ALERTS_READ),
    Transition("purged", tuple(ENDED), None, None),
))

TIMELINE = Timeline(OBJECT_TYPE, kinds=[
    EventKind("submitted", N_("sent for review: possible %(grounds)s grounds"),
              coded_params={"grounds": "safeguards.ground"}),
    EventKind("extended", N_("valid until %(until)s; review: %(note)s")),
    EventKind("linked", N_("linked to alert %(other)s")),
    EventKind("flagged", N_("%(unit)s will not take the action: %(reason)s")),
    EventKind("expiry_notice", N_("expires on %(until)s; review it or let it expire")),
    EventKind("protection_refused", N_("a wanted alert on this person was refused: the person is protected")),
    *(EventKind(event) for event in LIFECYCLE.events if event not in ("submitted", "extended", "linked", "flagged")),
    EventKind("refused_by_peer"),
])


class Alert(ReplicatedObject, Base):
    """One alert; the issuing unit is its owner unit."""

    __tablename__ = "alerts"

    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind))
    status: Mapped[Status] = mapped_column(enum_column(Status))
    hidden: Mapped[bool] = mapped_column(default=False)
    action: Mapped[Action] = mapped_column(enum_column(Action))
    offence_code: Mapped[str] = mapped_column(String(8))
    # {"names": [...], "birth_date", "gender", "nationalities": [...], "description"}; None once purged.
    person: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    vehicles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warning_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"reference", "authority", "date"}: the decision or warrant the alert rests on.
    legal_basis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    handling_note: Mapped[str | None] = mapped_column(String(500), default=None)
    source_evaluation: Mapped[SourceEvaluation | None] = mapped_column(enum_column(SourceEvaluation), default=None)
    information_evaluation: Mapped[InformationEvaluation | None] = mapped_column(
        enum_column(InformationEvaluation), default=None)
    # Its longest code is longer than the shared code column's (provincial_and_central).
    distribution: Mapped[Distribution] = mapped_column(
        Enum(Distribution, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e]))
    expires_at: Mapped[dt.datetime]
    activated_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    purge_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    purged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    expiry_noticed: Mapped[bool] = mapped_column(default=False)
    linked_alert_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    screening_flags: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    author_name: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)

    __table_args__ = (
        Index("ix_alerts_status_expires", "status", "expires_at"),
        Index("ix_alerts_purge_due", "purge_due_at"),
        Index("ix_alerts_listing", "updated_at", "id"),
        Index("ix_alerts_owner_unit", "owner_unit_id"),
    )

    @property
    def names_person(self) -> bool:
        return bool(self.person and self.person.get("names"))

    @property
    def names(self) -> list[str]:
        return list((self.person or {}).get("names") or [])


class AlertRecipient(Base):
    """A border-gate unit of the other side an alert is distributed to (distribution `units`)."""

    __tablename__ = "alert_recipients"

    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(80), primary_key=True)


class AlertFlag(Base):
    """The replica side will not execute an alert's action on its territory, and why."""

    __tablename__ = "alert_flags"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str] = mapped_column(String(80))
    author_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    lifted_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AlertIndexChange(Base):
    """One change of an alert's screening entry, in commit order, for the live screening index.

    `nonce` lets a reader notice that the change its token names is no longer there (a database
    restored from a backup, a rolled-back test), so it rebuilds instead of missing changes."""

    __tablename__ = "alert_index_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(String(36))
    nonce: Mapped[str] = mapped_column(String(36), default=new_id)
    at: Mapped[dt.datetime]
