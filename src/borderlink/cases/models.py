"""Joint cases: the case itself, the units on it, notes, persons and their roles, links, operations
and seizures, tasks, the evidence log with its custody chain, assets, and intercepted groups.

A case is owned by the side that opened it; the other side holds a replica as soon as one of its
units is named on the case. Children (notes, persons, operations...) carry their own global ids and
the party that recorded them, so a copy applied twice changes nothing. What never leaves the node
is marked here: internal notes (`CaseNote.shared` false) and informants (`PersonRole.INFORMANT`).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from borderlink.db import Base
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import ReplicatedObject, Side
from borderlink.shared.timeline import N_, EventKind, Timeline

OBJECT_TYPE = "cases.case"  # how cases are named in the work feed and on live streams
TASK_TYPE = "cases.task"  # a task sits in the feed of the unit it is assigned to
EVIDENCE_TYPE = "cases.evidence"  # an item of evidence carries its file (shared/attachments.py)
EVIDENCE_MAX_BYTES = 2 * 1024 * 1024


class Perm(enum.StrEnum):
    """The cases domain's permissions (granted per role in domain.py)."""

    READ = "cases.read"
    CONTRIBUTE = "cases.contribute"  # notes, persons, operations, evidence, assets on a visible case
    MANAGE = "cases.manage"  # open a case, change its status, units and agreement
    PROTECTED = "cases.protected"  # see the identity of victims and informants
    HANDOVER = "cases.handover"  # propose, accept and cancel handovers
    CONFIRM = "cases.confirm"  # confirm a handover at the gate


class CaseType(enum.StrEnum):
    DRUG_TRAFFICKING = "drug_trafficking"
    TRAFFICKING_IN_PERSONS = "trafficking_persons"
    SMUGGLING_OF_MIGRANTS = "migrant_smuggling"
    ILLEGAL_IMMIGRATION = "illegal_immigration"
    TELECOM_FRAUD = "telecom_fraud"
    HIGH_TECH_CRIME = "high_tech_crime"
    MONEY_LAUNDERING = "money_laundering"
    ECONOMIC_CRIME = "economic_crime"
    OTHER = "other"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class PersonRole(enum.StrEnum):
    SUSPECT = "suspect"
    ACCUSED = "accused"
    VICTIM = "victim"
    WITNESS = "witness"
    INFORMANT = "informant"


OFFENDER_ROLES = frozenset({PersonRole.SUSPECT, PersonRole.ACCUSED})


class LinkType(enum.StrEnum):
    ALERT = "alert"
    HOTLINE_REQUEST = "hotline_request"
    HIT = "hit"


class OperationKind(enum.StrEnum):
    RAID = "raid"
    ARREST = "arrest"
    RESCUE = "rescue"
    INTERCEPTION = "interception"


class SeizureType(enum.StrEnum):
    HEROIN = "heroin"
    METHAMPHETAMINE = "methamphetamine"
    OTHER_DRUG = "other_drug"
    CASH = "cash"
    VEHICLE = "vehicle"
    PHONE = "phone"
    WEAPON = "weapon"
    DOCUMENT = "document"
    OTHER = "other"


class QuantityUnit(enum.StrEnum):
    KG = "kg"
    G = "g"
    TABLETS = "tablets"
    PIECES = "pieces"
    CURRENCY = "currency"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class AssetStatus(enum.StrEnum):
    IDENTIFIED = "identified"
    FROZEN = "frozen"
    SEIZED = "seized"
    RETURNED = "returned"


class GroupOutcome(enum.StrEnum):
    RETURNED = "returned"  # sent back through a gate
    HANDED_OVER = "handed_over"  # handed over to the other side's authorities
    DETAINED = "detained"
    OTHER = "other"


# Only the owner changes the status; a suspended case becomes active again, so the table's
# sources, not the precedence, decide what is possible (the replica takes the owner's status).
LIFECYCLE = Lifecycle("case", precedence=[s.value for s in CaseStatus], transitions=(
    Transition("opened", (INITIAL,), CaseStatus.OPEN, Side.OWNER, Perm.MANAGE),
    Transition("activated", (CaseStatus.OPEN, CaseStatus.SUSPENDED), CaseStatus.ACTIVE, Side.OWNER, Perm.MANAGE),
    Transition("suspended", (CaseStatus.OPEN, CaseStatus.ACTIVE), CaseStatus.SUSPENDED, Side.OWNER, Perm.MANAGE),
    Transition("closed", (CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.SUSPENDED), CaseStatus.CLOSED,
               Side.OWNER, Perm.MANAGE),
))
STATUS_EVENTS = {CaseStatus.ACTIVE: "activated", CaseStatus.SUSPENDED: "suspended", CaseStatus.CLOSED: "closed"}

TIMELINE = Timeline(OBJECT_TYPE, kinds=[
    EventKind("opened"),
    EventKind("activated", N_("reason: %(reason)s")),
    EventKind("suspended", N_("reason: %(reason)s")),
    EventKind("closed", N_("reason: %(reason)s")),
    EventKind("unit_added", N_("unit %(unit)s joined the case")),
    EventKind("agreement", N_("joint investigation team agreement %(reference)s, until %(until)s")),
    EventKind("agreement_extended", N_("agreement extended until %(until)s")),
    EventKind("note"),
    EventKind("person_added", N_("%(role)s added"), coded_params={"role": "cases.person_role"}),
    EventKind("linked", N_("linked %(link_type)s %(label)s"), coded_params={"link_type": "cases.link_type"}),
    EventKind("operation", N_("%(operation)s at %(place)s: %(arrested)s arrested, %(rescued)s rescued"),
              coded_params={"operation": "cases.operation_kind"}),
    EventKind("task_assigned", N_("task for %(unit)s: %(title)s")),
    EventKind("task_done", N_("task done: %(title)s")),
    EventKind("evidence", N_("evidence logged: %(item)s")),
    EventKind("custody", N_("%(item)s passed to %(holder)s")),
    EventKind("asset", N_("asset %(item)s: %(status)s"), coded_params={"status": "cases.asset_status"}),
    EventKind("group_intercepted", N_("group of %(people)s intercepted at %(place)s")),
    EventKind("refused_by_peer"),
])


class JointCase(ReplicatedObject, Base):
    """A joint case; its owner unit is the lead unit."""

    __tablename__ = "cases"

    title: Mapped[str] = mapped_column(String(300))
    case_type: Mapped[CaseType] = mapped_column(enum_column(CaseType))
    offence_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    owner_unit_id: Mapped[str] = synonym("lead_unit_id")
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    status_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    legal_basis: Mapped[str] = mapped_column(String(500), default="")
    # A joint investigation team's agreement: reference, period and each extension granted.
    jit_reference: Mapped[str | None] = mapped_column(String(120), default=None)
    jit_starts_on: Mapped[dt.date | None] = mapped_column(default=None)
    jit_ends_on: Mapped[dt.date | None] = mapped_column(default=None)
    jit_extensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author_name: Mapped[str] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text, default="")

    lead_unit = relationship("Unit", foreign_keys=[lead_unit_id], lazy="joined")

    __table_args__ = (Index("ix_cases_status_type", "status", "case_type"),)


class CaseUnit(Base):
    """A unit named on a case, of either side; naming one of the other side's shares the case."""

    __tablename__ = "case_units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    party: Mapped[str] = mapped_column(String(2))
    lead: Mapped[bool] = mapped_column(default=False)

    unit = relationship("Unit", lazy="joined")

    __table_args__ = (UniqueConstraint("case_id", "unit_id", name="uq_case_units_case_unit"),)


class Contribution:
    """Columns of every child of a case: its global id, the case, who recorded it and when."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str] = mapped_column(String(80))
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]


class CaseNote(Contribution, Base):
    """A note; an internal one (`shared` false) never leaves the node that wrote it."""

    __tablename__ = "case_notes"

    shared: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)


class CasePerson(Contribution, Base):
    """A person on a case in one role; names are kept as written, in any script."""

    __tablename__ = "case_persons"

    role: Mapped[PersonRole] = mapped_column(enum_column(PersonRole))
    name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    birth_date: Mapped[str | None] = mapped_column(String(20), default=None)
    nationality: Mapped[str | None] = mapped_column(String(3), default=None)
    gender: Mapped[str | None] = mapped_column(String(1), default=None)
    document_number: Mapped[str | None] = mapped_column(String(40), default=None)
    description: Mapped[str] = mapped_column(String(1000), default="")


class CaseLink(Contribution, Base):
    """A link from a case (or one of its persons) to an alert, a hotline request or a gate hit."""

    __tablename__ = "case_links"

    link_type: Mapped[LinkType] = mapped_column(enum_column(LinkType))
    target_id: Mapped[str] = mapped_column(String(36))
    label: Mapped[str] = mapped_column(String(300), default="")
    person_id: Mapped[str | None] = mapped_column(ForeignKey("case_persons.id"), default=None)


class Operation(Contribution, Base):
    """A joint raid, arrest or rescue operation and its outcome."""

    __tablename__ = "case_operations"

    kind: Mapped[OperationKind] = mapped_column(enum_column(OperationKind))
    on_date: Mapped[dt.date]
    place: Mapped[str] = mapped_column(String(300))
    unit_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    arrested: Mapped[int] = mapped_column(Integer, default=0)
    rescued: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(Text, default="")

    seizures: Mapped[list[Seizure]] = relationship(order_by="Seizure.id", lazy="selectin")


class Seizure(Base):
    """What an operation seized: a type, a quantity in a unit (cash: in its currency)."""

    __tablename__ = "case_seizures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    operation_id: Mapped[str] = mapped_column(ForeignKey("case_operations.id"), index=True)
    item_type: Mapped[SeizureType] = mapped_column(enum_column(SeizureType))
    # Decimal text ("2.5", "12000"): exact on both databases and across the border.
    quantity: Mapped[str] = mapped_column(String(30))
    unit: Mapped[QuantityUnit] = mapped_column(enum_column(QuantityUnit))
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    description: Mapped[str] = mapped_column(String(500), default="")


class CaseTask(Contribution, Base):
    """A task for a unit of either side, with a deadline; it sits in that unit's work feed."""

    __tablename__ = "case_tasks"

    assigned_unit_code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    deadline_at: Mapped[dt.datetime]
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.OPEN)
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class EvidenceItem(Contribution, Base):
    """An item of evidence, fixed by the SHA-256 of its content, with its custody chain."""

    __tablename__ = "case_evidence"

    item: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    holder: Mapped[str] = mapped_column(String(200))

    custody: Mapped[list[CustodyStep]] = relationship(order_by="CustodyStep.at", lazy="selectin")


class CustodyStep(Base):
    """One passing of an item of evidence from one holder to the next."""

    __tablename__ = "case_custody_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    evidence_id: Mapped[str] = mapped_column(ForeignKey("case_evidence.id"), index=True)
    at: Mapped[dt.datetime]
    from_holder: Mapped[str] = mapped_column(String(200))
    to_holder: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(300), default="")
    party: Mapped[str] = mapped_column(String(2))


class Asset(Contribution, Base):
    """A criminal asset traced in the case: its value, currency, status and the side holding it."""

    __tablename__ = "case_assets"

    description: Mapped[str] = mapped_column(String(300))
    status: Mapped[AssetStatus] = mapped_column(enum_column(AssetStatus))
    value: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    held_by: Mapped[str] = mapped_column(String(2))


class ImmigrationGroup(Contribution, Base):
    """A group intercepted crossing illegally: when, where, which side, how many people, by
    nationality and sex, how many minors, and what was done."""

    __tablename__ = "case_immigration_groups"

    intercepted_at: Mapped[dt.datetime]
    place: Mapped[str] = mapped_column(String(300))
    side: Mapped[str] = mapped_column(String(2))
    people: Mapped[int] = mapped_column(Integer)
    minors: Mapped[int] = mapped_column(Integer, default=0)
    # [{"nationality": "VNM", "sex": "F", "count": 4}, ...]; the counts add up to `people`.
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outcome: Mapped[GroupOutcome] = mapped_column(enum_column(GroupOutcome))
    return_gate_code: Mapped[str | None] = mapped_column(String(80), default=None)
    organisers_prosecuted: Mapped[int] = mapped_column(Integer, default=0)
