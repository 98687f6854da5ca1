"""The unit's work feed: one inbox per unit across every object type.

An entry says that an object (a hotline request today; alerts, hits, handovers and due commitments
as their domains arrive) concerns a unit, why (`Reason`), by when (`deadline_at`), whether it is
urgent and whether that unit has seen its latest change. A domain never keeps an inbox table of
its own: it calls `put` when an object reaches a unit, `touch` when something happens on it, and
lists a unit's feed with `latest_entries`, joining its own table on `FeedEntry.object_id`.

Escalation goes one tier up on both sides through the directory (`escalation_targets`); the domain
decides when an object is overdue, this module decides who is next.

Every change is pushed live after commit on the unit's topic and on the object's topic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Index,
    Row,
    String,
    Table,
    UniqueConstraint,
    distinct,
    exists,
    func,
    insert,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column
from sqlalchemy.sql import ColumnElement, Select

from borderlink.audit import service as audit
from borderlink.db import Base
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.shared import live, new_objects, paging


class Reason(enum.StrEnum):
    """Why an object is in a unit's feed."""

    RECEIVED = "received"  # addressed to the unit from across the border
    SENT = "sent"  # the unit sent it
    ESCALATED = "escalated"  # not handled in time below; the unit one tier up holds it too
    SHARED = "shared"  # a unit of the same node passed it on
    FORWARDED = "forwarded"  # sent on to another unit for action
    REFUSED = "refused"  # the other side refused it; the sender must look at it
    DUE = "due"  # something the unit committed to falls due


# A later reason replaces an earlier one only when it asks for more attention.
_OVERRIDING = frozenset({Reason.ESCALATED, Reason.REFUSED, Reason.DUE})


@dataclasses.dataclass(frozen=True)
class ObjectRef:
    """An object anywhere in BorderLink: its type (``"<domain>.<kind>"``) and global id."""

    object_type: str
    object_id: str

    @property
    def key(self) -> str:
        """The text published on live streams for this object."""
        return f"{self.object_type}:{self.object_id}"

    @classmethod
    def parse(cls, key: str) -> ObjectRef:
        object_type, _, object_id = key.rpartition(":")
        return cls(object_type, object_id)


class FeedEntry(Base):
    """One object in one unit's feed."""

    __tablename__ = "work_feed"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(default=False)
    deadline_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("unit_id", "object_type", "object_id", name="uq_work_feed_unit_object"),
        Index("ix_work_feed_unit_updated", "unit_id", "updated_at", "id"),
        Index("ix_work_feed_object", "object_type", "object_id"),
        # Lists over several units walk this one in order instead of sorting all their entries.
        Index("ix_work_feed_type_updated", "object_type", "updated_at", "id"),
        # Unread entries are few beside the read ones; counting them must not read the rest.
        Index("ix_work_feed_unread", "unit_id", "object_type", "object_id", postgresql_where=text("read_at IS NULL"),
              sqlite_where=text("read_at IS NULL")),
    )

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef(self.object_type, self.object_id)

    @property
    def unread(self) -> bool:
        return self.read_at is None


# --- writing --------------------------------------------------------------------------------

_KEPT = "work_feed"  # the entries of an object made in the running transaction (`new_objects`)


def entry_of(session: Session, ref: ObjectRef, unit_id: str) -> FeedEntry | None:
    put_here = new_objects.kept(session, ref.object_type, ref.object_id, _KEPT)
    if put_here is not None:
        return next((entry for entry in put_here if entry.unit_id == unit_id), None)
    with _flushing_only_new_entries(session):
        return session.scalar(select(FeedEntry).where(
            FeedEntry.object_type == ref.object_type, FeedEntry.object_id == ref.object_id,
            FeedEntry.unit_id == unit_id))


def entries_of(session: Session, ref: ObjectRef) -> list[FeedEntry]:
    """Every unit's entry for the object, on this node."""
    put_here = new_objects.kept(session, ref.object_type, ref.object_id, _KEPT)
    if put_here is not None:
        return put_here
    with _flushing_only_new_entries(session):
        return list(session.scalars(select(FeedEntry).where(
            FeedEntry.object_type == ref.object_type, FeedEntry.object_id == ref.object_id).order_by(FeedEntry.id)))


@contextlib.contextmanager
def _flushing_only_new_entries(session: Session) -> Iterator[None]:
    """An object's entries are found by columns that never change once written, so only an entry
    not yet inserted could be missed: the session is flushed first only when it holds one. The
    handlers that look entries up have other rows pending (a timeline step, a status), and an
    extra flush for them cost more than the lookup."""
    if any(isinstance(instance, FeedEntry) for instance in session.new):
        yield
        return
    with session.no_autoflush:
        yield


def put(session: Session, ref: ObjectRef, unit_id: str, reason: Reason, now: dt.datetime, *,
        deadline: dt.datetime | None = None, urgent: bool = False, unread: bool = True,
        new_object: bool = False) -> FeedEntry:
    """Put the object in the unit's feed, or bring its entry up to date if it is there already.
    `new_object`: the object was made in this transaction, so no feed holds it yet (not looked up)."""
    entry = None if new_object else entry_of(session, ref, unit_id)
    if entry is None:
        entry = FeedEntry(unit_id=unit_id, object_type=ref.object_type, object_id=ref.object_id,
                          reason=reason.value, urgent=urgent, deadline_at=deadline, created_at=now,
                          updated_at=now, read_at=None if unread else now)
        session.add(entry)
        new_objects.keep(session, ref.object_type, ref.object_id, _KEPT, entry)
    else:
        if reason in _OVERRIDING:
            entry.reason = reason.value
        entry.deadline_at = deadline or entry.deadline_at
        entry.urgent = entry.urgent or urgent
        entry.updated_at = now
        if unread:
            entry.read_at = None
    _publish(session, ref, [unit_id])
    return entry


@dataclasses.dataclass(frozen=True, slots=True)
class NewEntry:
    """An object made in this transaction, for one unit's feed (`put_new`)."""

    ref: ObjectRef
    unit_id: str
    reason: Reason
    deadline: dt.datetime | None = None
    urgent: bool = False
    unread: bool = True


def put_new(session: Session, entries: Sequence[NewEntry], now: dt.datetime) -> None:
    """`put` with `new_object` for many objects at once (a batch's hits): one insert for all their
    entries, without an ORM object each, audited as a flush audits the entries `put` adds. Meant
    for objects whose entries this transaction does not keep (`new_objects`): a kept object would
    not see these."""
    if not entries:
        return
    for entry in entries:
        if new_objects.kept(session, entry.ref.object_type, entry.ref.object_id, _KEPT) is not None:
            raise ValueError(f"{entry.ref.key} keeps its feed entries in this transaction; use put")
    rows: list[dict[str, Any]] = [{
        "unit_id": entry.unit_id, "object_type": entry.ref.object_type, "object_id": entry.ref.object_id,
        "reason": entry.reason.value, "urgent": entry.urgent, "deadline_at": entry.deadline, "created_at": now,
        "updated_at": now, "read_at": None if entry.unread else now,
    } for entry in entries]
    # The table, not the mapped class: an ORM bulk insert splits the rows wherever the columns
    # left empty change (a read entry beside an unread one), a statement each.
    table = cast(Table, FeedEntry.__table__)
    ids = session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()
    for row, entry_id in zip(rows, ids, strict=True):
        row["id"] = entry_id
    audit.record_inserted(session, FeedEntry, rows)
    for entry in entries:
        _publish(session, entry.ref, [entry.unit_id])


def touch(session: Session, ref: ObjectRef, now: dt.datetime, *, except_unit: str | None = None) -> list[FeedEntry]:
    """Something happened on the object: it moves to the top of every feed holding it and is
    unread again, except for the unit whose member did it."""
    entries = entries_of(session, ref)
    _touched(session, ref, entries, now, except_unit)
    return entries


def touch_all(session: Session, object_type: str, object_ids: Collection[str], now: dt.datetime) -> None:
    """`touch` for many objects made before this transaction (a batch of receipts about them),
    their entries read in one statement."""
    if not object_ids:
        return
    with _flushing_only_new_entries(session):
        rows = session.scalars(select(FeedEntry).where(
            FeedEntry.object_type == object_type, FeedEntry.object_id.in_(object_ids)).order_by(FeedEntry.id))
        grouped: dict[str, list[FeedEntry]] = {object_id: [] for object_id in object_ids}
        for row in rows:
            grouped[row.object_id].append(row)
    for object_id, entries in grouped.items():
        _touched(session, ObjectRef(object_type, object_id), entries, now, None)


def _touched(session: Session, ref: ObjectRef, entries: list[FeedEntry], now: dt.datetime,
             except_unit: str | None) -> None:
    for entry in entries:
        entry.updated_at = now
        if entry.unit_id != except_unit:
            entry.read_at = None
    _publish(session, ref, [e.unit_id for e in entries])


def set_deadline(session: Session, ref: ObjectRef, deadline: dt.datetime | None, *,
                 reasons: Collection[Reason] | None = None, unit_id: str | None = None) -> None:
    """A new deadline for the object's entries (only those held for `reasons`, or one unit's)."""
    for entry in entries_of(session, ref):
        if reasons is not None and entry.reason not in {r.value for r in reasons}:
            continue
        if unit_id is not None and entry.unit_id != unit_id:
            continue
        entry.deadline_at = deadline


def mark_read(session: Session, ref: ObjectRef, unit_id: str, now: dt.datetime) -> None:
    entry = entry_of(session, ref, unit_id)
    if entry is not None and entry.read_at is None:
        entry.read_at = now


def notify(session: Session, ref: ObjectRef, unit_ids: Iterable[str] = ()) -> None:
    """Push a change of the object live without touching any feed entry."""
    _publish(session, ref, list(unit_ids))


def _publish(session: Session, ref: ObjectRef, unit_ids: list[str]) -> None:
    topics = [live.unit_topic(u) for u in unit_ids] + [live.object_topic(ref.object_type, ref.object_id)]
    live.publish_after_commit(session, topics, ref.key)


# --- reading --------------------------------------------------------------------------------

def held_by_units(object_type: str, object_id: ColumnElement[str], unit_ids: Collection[str]) -> ColumnElement[bool]:
    """SQL: the object is in the feed of one of the units (for scoping an object's own table)."""
    return exists().where(FeedEntry.object_type == object_type, FeedEntry.object_id == object_id,
                          FeedEntry.unit_id.in_(unit_ids))


def latest_entries(object_type: str | None, unit_ids: Collection[str], *columns: Any) -> Select[Any]:
    """One entry per object (of the type, or of every type with None) in the units' feeds: the
    one changed last, so an object held by two of the units shows once. Selects the entries, or
    `columns` when given. Sort and page on `keyset_columns()` and join the object's table on
    `FeedEntry.object_id`."""
    query = select(*columns) if columns else select(FeedEntry)
    query = query.select_from(FeedEntry).where(FeedEntry.unit_id.in_(unit_ids))
    if object_type is not None:
        query = query.where(FeedEntry.object_type == object_type)
    if len(unit_ids) > 1:
        later = aliased(FeedEntry)
        query = query.where(~exists().where(
            later.object_type == FeedEntry.object_type, later.object_id == FeedEntry.object_id,
            later.unit_id.in_(unit_ids),
            tuple_(later.updated_at, later.id) > tuple_(FeedEntry.updated_at, FeedEntry.id)))
    return query


def unread_in_units(object_type: str | None, unit_ids: Collection[str]) -> ColumnElement[bool]:
    """SQL, for use beside `latest_entries`: some unit's entry for this object is unread."""
    if len(unit_ids) == 1:
        return FeedEntry.read_at.is_(None)
    other = aliased(FeedEntry)
    return exists().where(other.object_type == FeedEntry.object_type, other.object_id == FeedEntry.object_id,
                          other.unit_id.in_(unit_ids), other.read_at.is_(None))


def count_unread(session: Session, object_type: str | None, unit_ids: Collection[str], *,
                 restrict: Callable[[Select[Any]], Select[Any]] | None = None) -> int:
    """How many objects in the units' feeds have an unread entry. `restrict` narrows the count as
    the listing is narrowed (a domain joins its table on `FeedEntry.object_id` and filters); the
    count starts from the unread entries alone, which a partial index holds."""
    per_object = func.count() if len(unit_ids) == 1 else func.count(distinct(FeedEntry.object_id))
    query = select(per_object).select_from(FeedEntry).where(
        FeedEntry.unit_id.in_(unit_ids), FeedEntry.read_at.is_(None))
    if object_type is not None:
        query = query.where(FeedEntry.object_type == object_type)
    if restrict is not None:
        query = restrict(query)
    return int(session.scalar(query) or 0)


def feed_page(session: Session, unit_ids: Collection[str], *, limit: int, cursor: str | None = None,
              object_type: str | None = None, unread: bool | None = None, urgent: bool | None = None,
              due_before: dt.datetime | None = None) -> paging.Page[FeedEntry]:
    """The units' feed across object types, newest change first, one entry per object, a page
    at a time: what a unit has to look at, whatever domain it comes from."""
    query = latest_entries(object_type, unit_ids)
    if unread is not None:
        condition = unread_in_units(object_type, unit_ids)
        query = query.where(condition if unread else ~condition)
    if urgent is not None:
        query = query.where(FeedEntry.urgent.is_(urgent))
    if due_before is not None:
        query = query.where(FeedEntry.deadline_at.is_not(None), FeedEntry.deadline_at <= due_before)
    return paging.fetch_page(session, query, FEED_SORT, limit, cursor)


def entries_for(session: Session, object_type: str, object_ids: Collection[str],
                unit_ids: Collection[str]) -> dict[str, list[FeedEntry]]:
    """The units' entries for a page of objects, grouped by object id (reasons, unread state)."""
    if not object_ids:
        return {}
    rows = session.scalars(select(FeedEntry).where(
        FeedEntry.object_type == object_type, FeedEntry.object_id.in_(object_ids),
        FeedEntry.unit_id.in_(unit_ids)).order_by(FeedEntry.id))
    grouped: dict[str, list[FeedEntry]] = {}
    for row in rows:
        grouped.setdefault(row.object_id, []).append(row)
    return grouped


@dataclasses.dataclass(frozen=True)
class Listed:
    """One object of a domain's listing: the columns the domain selected (`row`), and what the
    units' feeds say of it."""

    row: Row[Any]
    updated_at: dt.datetime
    unread: bool
    reasons: list[str]


@dataclasses.dataclass(frozen=True)
class Listing:
    unread: int  # objects with an unread entry, over the whole filtered list (not one page)
    items: list[Listed]
    next_cursor: str | None
    prev_cursor: str | None


def list_objects(session: Session, object_type: str, unit_ids: Collection[str], columns: Sequence[Any], *,
                 join: Callable[[Select[Any]], Select[Any]], conditions: Sequence[ColumnElement[bool]] = (),
                 unread: bool | None = None, limit: int, cursor: str | None = None) -> Listing:
    """A domain's objects in the units' feeds, newest change first, one page at a time, with the
    unread count of the whole filtered list.

    `join` joins the domain's table to `FeedEntry` (on `FeedEntry.object_id`); `conditions` are
    the filters on it; `columns` are what each item carries (`Listed.row`). Only those columns are
    read, and the unread count reads the unread entries alone (a partial index) when nothing
    filters the list."""
    entry_columns = (FeedEntry.updated_at, FeedEntry.id.label("feed_entry_id"),
                     FeedEntry.object_id.label("feed_object_id"), FeedEntry.read_at.label("feed_read_at"),
                     FeedEntry.reason.label("feed_reason"))
    query = join(latest_entries(object_type, unit_ids, *entry_columns, *columns)).where(*conditions)
    state = unread_in_units(object_type, unit_ids)
    if unread is not None:
        query = query.where(state if unread else ~state)
    if unread is False:
        unread_count = 0
    else:
        unread_count = count_unread(session, object_type, unit_ids,
                                    restrict=(lambda q: join(q).where(*conditions)) if conditions else None)
    page = paging.fetch_page(session, query, FEED_SORT, limit, cursor,
                             key_of=lambda row: (row.updated_at, row.feed_entry_id))
    if len(unit_ids) == 1:  # the row's own entry is the only one
        held = {row.feed_object_id: [(row.feed_reason, row.feed_read_at)] for row in page.items}
    else:
        held = {}
        for object_id, reason, read_at in session.execute(
                select(FeedEntry.object_id, FeedEntry.reason, FeedEntry.read_at).where(
                    FeedEntry.object_type == object_type, FeedEntry.unit_id.in_(unit_ids),
                    FeedEntry.object_id.in_([row.feed_object_id for row in page.items]))):
            held.setdefault(object_id, []).append((reason, read_at))
    items = []
    for row in page.items:
        entries = held.get(row.feed_object_id) or [(row.feed_reason, row.feed_read_at)]
        items.append(Listed(row=row, updated_at=row.updated_at, unread=any(read is None for _, read in entries),
                            reasons=sorted({reason for reason, _ in entries})))
    return Listing(unread=unread_count, items=items, next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)


# --- escalation one tier up on both sides ------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class EscalationTargets:
    """Who holds an object next at `level`: our side's unit and the other side's, or None where
    that side has no tier left."""

    level: int
    ours: Unit | None
    theirs: Unit | None

    @property
    def exhausted(self) -> bool:
        return self.ours is None and self.theirs is None

    @property
    def codes(self) -> list[str]:
        return [u.code for u in (self.ours, self.theirs) if u is not None]


def ancestor(session: Session, unit_id: str, levels: int) -> Unit | None:
    """The unit `levels` tiers above, through the directory's parents; None past the top."""
    current: Unit | None = directory.get_unit(session, unit_id)
    for _ in range(levels):
        if current is None or current.parent_id is None:
            return None
        current = directory.get_unit(session, current.parent_id)
    return current


def is_above(session: Session, unit: Unit, start_id: str) -> bool:
    """Whether `unit` is up the chain of parents of the unit `start_id` (a unit an escalation may
    bring an object to)."""
    current = directory.get_unit(session, start_id)
    while current.parent_id is not None:
        current = directory.get_unit(session, current.parent_id)
        if current.id == unit.id:
            return True
    return False


def escalation_targets(session: Session, our_unit_id: str, their_unit_id: str, level: int) -> EscalationTargets:
    """The units `level` tiers above each side's original unit of a cross-border object."""
    return EscalationTargets(level, ancestor(session, our_unit_id, level), ancestor(session, their_unit_id, level))


def keyset_columns() -> tuple[ColumnElement[dt.datetime], ColumnElement[int]]:
    """The sort key of a feed listing: last change, then entry id to break ties."""
    return FeedEntry.updated_at, FeedEntry.id  # type: ignore[return-value]


FEED_SORT = paging.SortKey(keyset_columns())

