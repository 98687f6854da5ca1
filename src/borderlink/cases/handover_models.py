"""Handovers of fugitives, victims and migrants at a gate, agreed and then confirmed by both sides.

The handing side proposes and owns the handover. The receiving side accepts the proposal or
counter-proposes another time, which the handing side then accepts. At the gate each side's
officer confirms on their own node; the handover is complete only when both confirmations are
recorded. Every step is one timeline event with its id, applied the same way on both nodes, so
both reach the same state whatever order the steps arrive in.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from borderlink.cases.models import Perm
from borderlink.db import Base
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

HANDOVER_TYPE = "cases.handover"


class HandoverKind(enum.StrEnum):
    FUGITIVE = "fugitive"
    VICTIM = "victim"
    MIGRANT = "migrant"


class HandoverStatus(enum.StrEnum):
    PROPOSED = "proposed"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_OPEN = (HandoverStatus.PROPOSED, HandoverStatus.COUNTERED, HandoverStatus.ACCEPTED)

# `accepted` is taken by the receiving side on a proposal and by the handing side on a counter-
# proposal, so the table leaves its side open and the service checks it against the state.
LIFECYCLE = Lifecycle("handover", precedence=[s.value for s in HandoverStatus], transitions=(
    Transition("proposed", (INITIAL,), HandoverStatus.PROPOSED, Side.OWNER, Perm.HANDOVER),
    Transition("countered", (HandoverStatus.PROPOSED,), HandoverStatus.COUNTERED, Side.REPLICA, Perm.HANDOVER),
    Transition("accepted", (HandoverStatus.PROPOSED, HandoverStatus.COUNTERED), HandoverStatus.ACCEPTED, None,
               Perm.HANDOVER),
    Transition("confirmed", (HandoverStatus.ACCEPTED,), None, None, Perm.CONFIRM),
    Transition("completed", (HandoverStatus.ACCEPTED,), HandoverStatus.COMPLETED, None),
    Transition("cancelled", _OPEN, HandoverStatus.CANCELLED, None, Perm.HANDOVER),
))

TIMELINE = Timeline(HANDOVER_TYPE, kinds=[
    EventKind("proposed", N_("planned for %(planned_at)s at %(gate)s")),
    EventKind("countered", N_("another time proposed: %(planned_at)s")),
    EventKind("accepted"),
    EventKind("confirmed", N_("confirmed at the gate by %(officer)s")),
    EventKind("completed"),
    EventKind("cancelled", N_("reason: %(reason)s")),
    EventKind("refused_by_peer"),
])


class Handover(ReplicatedObject, Base):
    """A handover; its owner unit is the handing unit."""

    __tablename__ = "handovers"

    kind: Mapped[HandoverKind] = mapped_column(enum_column(HandoverKind))
    handing_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    owner_unit_id: Mapped[str] = synonym("handing_unit_id")
    receiving_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    handing_gate_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    receiving_gate_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    case_id: Mapped[str | None] = mapped_column(String(36), default=None)
    alert_id: Mapped[str | None] = mapped_column(String(36), default=None)
    planned_at: Mapped[dt.datetime]
    counter_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # [{"name": ..., "birth_date": ..., "nationality": ..., "gender": ...}]
    persons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    escorts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"item": "passport", "kind": "document" | "belonging"}]
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(1000), default="")
    protection_service: Mapped[str | None] = mapped_column(String(300), default=None)
    status: Mapped[HandoverStatus] = mapped_column(enum_column(HandoverStatus))
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    author_name: Mapped[str] = mapped_column(String(200))

    handing_unit = relationship("Unit", foreign_keys=[handing_unit_id], lazy="joined")
    receiving_unit = relationship("Unit", foreign_keys=[receiving_unit_id], lazy="joined")
    handing_gate = relationship("Unit", foreign_keys=[handing_gate_id], lazy="joined")
    receiving_gate = relationship("Unit", foreign_keys=[receiving_gate_id], lazy="joined")

    __table_args__ = (Index("ix_handovers_status_planned", "status", "planned_at"),)


class HandoverConfirmation(Base):
    """One side's officer confirming at the gate that the persons passed: who, where and when."""

    __tablename__ = "handover_confirmations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    handover_id: Mapped[str] = mapped_column(ForeignKey("handovers.id"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str] = mapped_column(String(80))
    officer_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]

    __table_args__ = (UniqueConstraint("handover_id", "party", name="uq_handover_confirmations_handover_party"),)
