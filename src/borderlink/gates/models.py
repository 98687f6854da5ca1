"""Crossings recorded at a gate, the automatic check of each, and hits confirmed by the alert's owner.

A crossing stays on the node of the gate that recorded it and is seen by that gate and the units
above it. A hit is a shared object: the gate's node owns it (it found the match) and sends it to the
node that owns the alert, whose owning unit confirms or rejects it; the answer and the gate's
outcome travel back. Both nodes keep the hit under the same id.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from borderlink.db import Base
from borderlink.directory.permissions import Permission
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

CROSSING_TYPE = "gates.crossing"
HIT_TYPE = "gates.hit"  # how hits are named in the work feed, on timelines and on live streams
GATE_TYPE = "gates.gate"  # a gate (its unit's id) on live streams: its dashboard


class Direction(enum.StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class DocumentType(enum.StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    TRAVEL_DOCUMENT = "travel_document"
    VISA = "visa"
    BORDER_PASS = "border_pass"  # noqa: S105 - a document type, not a secret
    OTHER = "other"


class Purpose(enum.StrEnum):
    TOURISM = "tourism"
    BUSINESS = "business"
    TRADE = "trade"
    WORK = "work"
    FAMILY = "family"
    TRANSIT = "transit"
    BORDER_RESIDENT = "border_resident"
    OTHER = "other"


class CheckResult(enum.StrEnum):
    CLEAR = "clear"
    HIT = "hit"


class Subject(enum.StrEnum):
    PERSON = "person"
    DOCUMENT = "document"
    VEHICLE = "vehicle"


class HitStatus(enum.StrEnum):
    PENDING = "pending"
    REJECTED = "rejected"
    CONFIRMED = "confirmed"


class Outcome(enum.StrEnum):
    HELD = "held"
    PROTECTED = "protected"
    DOCUMENT_SEIZED = "document_seized"
    DISCREET_REPORT = "discreet_report"
    RELEASED = "released"


# The gate's node reports a hit; the alert's owner answers it once; the gate records what it did.
# Either side may escalate nothing: the owner's node escalates its own tiers. Confirming and
# rejecting are checked against the alert's owning unit by the service (for an own-node alert
# both sides are the same node, so the lifecycle does not fix a side for them).
HIT_LIFECYCLE = Lifecycle("hit", precedence=[s.value for s in HitStatus], transitions=(
    Transition("reported", (INITIAL,), HitStatus.PENDING, Side.OWNER),
    Transition("confirmed", (HitStatus.PENDING,), HitStatus.CONFIRMED, None, Permission.GATES_CONFIRM),
    Transition("rejected", (HitStatus.PENDING,), HitStatus.REJECTED, None, Permission.GATES_CONFIRM),
    Transition("escalated", (HitStatus.PENDING,), None, None),
    Transition("outcome", (HitStatus.PENDING, HitStatus.CONFIRMED, HitStatus.REJECTED), None, Side.OWNER,
               Permission.GATES_CHECK),
))

HIT_TIMELINE = Timeline(HIT_TYPE, kinds=[
    EventKind("reported", N_("%(subject)s match at %(gate)s, score %(score)s"),
              coded_params={"subject": "gates.subject"}),
    EventKind("confirmed"),
    EventKind("rejected"),
    EventKind("escalated", N_("level %(level)s: %(units)s")),
    EventKind("outcome", N_("outcome: %(outcome)s"), coded_params={"outcome": "gates.outcome"}),
])

# Alert kinds whose hits must be answered within the short deadline.
URGENT_ALERT_KINDS = frozenset({"wanted", "missing", "victim"})
DEFAULT_URGENT_DEADLINE = dt.timedelta(hours=1)
DEFAULT_OTHER_DEADLINE = dt.timedelta(hours=12)
# How long a border resident may stay on this side after entering with a pass (a node setting).
DEFAULT_PASS_STAY = dt.timedelta(days=7)
MAX_PASS_VALIDITY_MONTHS = 12


class Crossing(Base):
    """One traveller (and vehicle) passing a gate, with the result of its automatic check."""

    __tablename__ = "gate_crossings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    gate_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    crossed_at: Mapped[dt.datetime]
    lane_code: Mapped[str | None] = mapped_column(String(20), default=None)
    officer_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)
    officer_name: Mapped[str] = mapped_column(String(200))
    # The person: names as written in any script (the MRZ's Latin form first when read from it).
    surname: Mapped[str | None] = mapped_column(String(200), default=None)
    given_names: Mapped[str | None] = mapped_column(String(200), default=None)
    names: Mapped[list[str]] = mapped_column(JSON, default=list)
    birth_date: Mapped[str | None] = mapped_column(String(10), default=None)
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    document_type: Mapped[DocumentType | None] = mapped_column(enum_column(DocumentType), default=None)
    document_number: Mapped[str | None] = mapped_column(String(40), default=None)
    issuing_state: Mapped[str | None] = mapped_column(String(3), default=None)
    document_expiry: Mapped[str | None] = mapped_column(String(10), default=None)
    document_expired: Mapped[bool] = mapped_column(default=False)
    mrz_format: Mapped[str | None] = mapped_column(String(5), default=None)
    purpose: Mapped[Purpose | None] = mapped_column(enum_column(Purpose), default=None)
    vehicle_plate: Mapped[str | None] = mapped_column(String(20), default=None)
    border_pass: Mapped[str | None] = mapped_column(String(40), default=None)
    # Who the traveller is for matching entries with exits and for remembered rejections.
    traveller_key: Mapped[str] = mapped_column(String(64))
    # An entry's matching exit, once the traveller leaves; and when its overstay was reported.
    exit_crossing_id: Mapped[str | None] = mapped_column(ForeignKey("gate_crossings.id"), default=None)
    overstay_reported_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    check_result: Mapped[CheckResult] = mapped_column(enum_column(CheckResult))
    created_at: Mapped[dt.datetime]

    __table_args__ = (
        Index("ix_gate_crossings_gate_time", "gate_unit_id", "crossed_at"),
        Index("ix_gate_crossings_traveller", "traveller_key", "crossed_at"),
        Index("ix_gate_crossings_open_entries", "direction", "exit_crossing_id", "crossed_at"),
    )


class Hit(ReplicatedObject, Base):
    """A crossing's match on an alert. The owner is the gate's node; the alert may be the other's."""

    __tablename__ = "gate_hits"

    crossing_id: Mapped[str | None] = mapped_column(ForeignKey("gate_crossings.id"), default=None)
    gate_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    alert_id: Mapped[str] = mapped_column(String(36))
    alert_party: Mapped[str] = mapped_column(String(2))
    alert_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    alert_kind: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    # The traveller is a victim (on a case here, or the subject of a victim alert): the hit routes
    # to protection, whatever the alert asked for.
    protected: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    subject: Mapped[Subject] = mapped_column(enum_column(Subject))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the gate saw: direction, time, gate, names, document, plate (the hit report's crossing).
    crossing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    traveller_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[HitStatus] = mapped_column(enum_column(HitStatus))
    deadline_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalation_done: Mapped[bool] = mapped_column(default=False)
    answer_note: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(80), default=None)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome), default=None)
    outcome_note: Mapped[str | None] = mapped_column(Text, default=None)
    outcome_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_gate_hits_alert_traveller", "alert_id", "traveller_key", "status"),
        Index("ix_gate_hits_status_deadline", "status", "deadline_at"),
        Index("ix_gate_hits_crossing", "crossing_id"),
    )


class BorderPass(Base):
    """A border resident's pass: the holder, their commune, the area they may visit, children
    travelling with them, valid for at most twelve months. Kept by the node that issued it."""

    __tablename__ = "gate_border_passes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    holder_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    holder_birth_date: Mapped[str | None] = mapped_column(String(10), default=None)
    holder_sex: Mapped[str | None] = mapped_column(String(1), default=None)
    holder_nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    commune: Mapped[str] = mapped_column(String(200))
    permitted_area: Mapped[str] = mapped_column(String(500))
    children: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date]
    issuing_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime]


OVERSTAY_TYPE = "gates.overstay"  # an entry with a pass and no exit after the allowed stay, in work feeds


PRE_ARRIVAL_TYPE = "gates.pre_arrival"


class PreArrivalStatus(enum.StrEnum):
    EXPECTED = "expected"
    ARRIVED = "arrived"


class PreArrival(ReplicatedObject, Base):
    """A vehicle announced ahead of arrival by the exporting side's gate (or a trader's system) to
    the gate it faces; the owner is the announcing node. Checked against the alerts on arrival of
    the notice, and matched to the vehicle's crossing at the facing gate."""

    __tablename__ = "gate_pre_arrivals"

    from_gate_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    to_gate_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    plate: Mapped[str] = mapped_column(String(20))
    plate_key: Mapped[str] = mapped_column(String(20))
    driver_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    driver_birth_date: Mapped[str | None] = mapped_column(String(10), default=None)
    driver_nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    driver_document_number: Mapped[str | None] = mapped_column(String(40), default=None)
    driver_document_state: Mapped[str | None] = mapped_column(String(3), default=None)
    containers: Mapped[list[str]] = mapped_column(JSON, default=list)
    cargo_description: Mapped[str] = mapped_column(Text)
    hs_code: Mapped[str] = mapped_column(String(12))
    weight_kg: Mapped[float] = mapped_column(Float)
    expected_at: Mapped[dt.datetime]
    status: Mapped[PreArrivalStatus] = mapped_column(enum_column(PreArrivalStatus))
    # The facing gate's check of driver and vehicle when the notice arrived (its node only).
    check_result: Mapped[CheckResult | None] = mapped_column(enum_column(CheckResult), default=None)
    check_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    crossing_id: Mapped[str | None] = mapped_column(ForeignKey("gate_crossings.id"), default=None)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_gate_pre_arrivals_to_plate", "to_gate_unit_id", "plate_key", "status"),)
