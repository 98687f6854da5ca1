"""Unanswered work moves one tier up, on both sides, through the directory.

Any object type with a deadline may escalate: its model carries `deadline_at`, `escalation_level`
and `escalation_done` (mix in `EscalatingObject`), and its domain declares one `Escalation` in its
descriptor (`escalations=`):

    HITS = Escalation(
        name="gate hit escalation", model=Hit, timeline=HIT_TIMELINE,
        pending=lambda party: [Hit.alert_party == party, Hit.status == HitStatus.PENDING],
        units=lambda session, hit: (hit.alert_unit_id, None),     # only the alert's side answers
        deadline=lambda session, hit: settings.hit_deadline(session, hit.alert_kind),
        record=hits.add_event, tell_peer=_tell_the_gate)

Every serving node then runs one periodic job per declaration. A pass claims the overdue objects
this node decides on (`pending`: the owner decides, so the two sides never escalate one object
twice), and moves each one tier up: the unit `level` tiers above each side's original unit (through
the directory's parents) holds it too, with a new deadline, urgent when `urgent` says so; its
timeline says "level 1: VN-QN / CN-GX" in each reader's language; and `tell_peer` sends the other
side the step, which that side applies with `apply_escalated`. Rows are claimed (jobs.claim), so
several processes on one database escalate each object once; one that fails is rolled back alone,
counted, and the others still move. Past the top of both sides' tiers the object stays overdue in
every feed that holds it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, Protocol

from sqlalchemy import Integer, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import ColumnElement

from borderlink.directory.models import Unit
from borderlink.node import Node
from borderlink.shared import jobs, workfeed
from borderlink.shared.contracts import TimelineStep
from borderlink.shared.timeline import Detail, Timeline, TimelineEvent
from borderlink.shared.workfeed import EscalationTargets, Reason

log = logging.getLogger("borderlink.shared.escalation")
ESCALATED = "escalated"  # the timeline step; its kind's message takes `level` and `units`
BATCH = 200
DEFAULT_INTERVAL_SECONDS = 5.0


class EscalatingObject:
    """The columns an object that escalates carries."""

    deadline_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalation_done: Mapped[bool] = mapped_column(default=False)  # the top of the tiers holds it already


class RecordStep(Protocol):
    """A domain's way of recording a timeline step on one of its objects (once per event id)."""

    def __call__(self, session: Session, obj: Any, kind: str, at: dt.datetime, party: str, unit_code: str | None, /,
                 detail: Detail | None = None, event_id: str | None = None) -> TimelineEvent | None: ...


@dataclasses.dataclass(frozen=True)
class Step:
    """One escalation this node just made: the new level, its deadline, who holds the object now,
    and the timeline step recorded (to send to the other side)."""

    level: int
    deadline: dt.datetime
    targets: EscalationTargets
    event: TimelineEvent
    local_party: str


@dataclasses.dataclass(frozen=True)
class Escalation:
    """How objects of one type escalate (see the module's docstring)."""

    name: str  # the job's name in logs and in /metrics
    model: type[Any]
    timeline: Timeline
    # SQL conditions: the objects this node decides on and that still wait for an answer.
    pending: Callable[[str], Sequence[ColumnElement[bool]]]
    # (this side's original unit id, the other side's, or None when only this side escalates)
    units: Callable[[Session, Any], tuple[str, str | None]]
    deadline: Callable[[Session, Any], dt.timedelta]  # how long each new tier has
    record: RecordStep
    tell_peer: Callable[[Session, Any, Step], None]
    urgent: Callable[[Any], bool] = lambda _obj: True
    # Which entries already in feeds take the new deadline (None: every entry).
    deadline_reasons: Collection[Reason] | None = None
    interval: Callable[[Node], float] = lambda _node: DEFAULT_INTERVAL_SECONDS

    def ref(self, obj: Any) -> workfeed.ObjectRef:
        return workfeed.ObjectRef(self.timeline.object_type, obj.id)


def run_pass(session: Session, escalation: Escalation, local_party: str, now: dt.datetime) -> int:
    """Escalate every overdue object this node decides on by one tier; returns how many moved."""
    model = escalation.model
    overdue = session.scalars(jobs.claim(session, select(model)
        .where(*escalation.pending(local_party), model.deadline_at <= now, model.escalation_done.is_(False))
        .order_by(model.deadline_at).limit(BATCH), of=model)).unique().all()
    return jobs.each_row(session, escalation.name, overdue,
                         lambda s, obj: _escalate(s, escalation, obj, local_party, now),
                         describe=lambda obj: f"{escalation.timeline.object_type} {obj.id}").done


def _escalate(session: Session, escalation: Escalation, obj: Any, local_party: str, now: dt.datetime) -> bool:
    level = obj.escalation_level + 1
    ours, theirs = escalation.units(session, obj)
    targets = EscalationTargets(level, workfeed.ancestor(session, ours, level),
                                workfeed.ancestor(session, theirs, level) if theirs is not None else None)
    if targets.exhausted:
        obj.escalation_done = True
        return False
    deadline = now + escalation.deadline(session, obj)
    obj.escalation_level = level
    obj.deadline_at = deadline
    event = escalation.record(session, obj, ESCALATED, now, local_party, targets.ours.code if targets.ours else None,
                              escalation.timeline.detail(ESCALATED, level=level, units=" / ".join(targets.codes)))
    assert event is not None  # a new event id each time
    ref = escalation.ref(obj)
    if targets.ours is not None:
        workfeed.put(session, ref, targets.ours.id, Reason.ESCALATED, now, deadline=deadline,
                     urgent=escalation.urgent(obj))
    workfeed.set_deadline(session, ref, deadline, reasons=escalation.deadline_reasons)
    escalation.tell_peer(session, obj, Step(level, deadline, targets, event, local_party))
    workfeed.touch(session, ref, now)
    return True


def apply_escalated(session: Session, escalation: Escalation, obj: Any, level: int, event: TimelineStep,
                    now: dt.datetime, *, deadline: dt.datetime | None = None, target: Unit | None = None) -> None:
    """The other side escalated the object (its handler checked the sender may): the step on this
    side's timeline, the level (and deadline) it reached, and `target`, this side's unit one tier
    up, holding it too."""
    escalation.record(session, obj, ESCALATED, event.at, event.party, event.unit_code,
                      escalation.timeline.detail_from_payload(ESCALATED, event.model_dump()), event_id=event.id)
    if level > obj.escalation_level:
        obj.escalation_level = level
        if deadline is not None:
            obj.deadline_at = deadline
    ref = escalation.ref(obj)
    if target is not None:
        workfeed.put(session, ref, target.id, Reason.ESCALATED, now, deadline=deadline, urgent=escalation.urgent(obj))
    workfeed.touch(session, ref, now)


def run_once(node: Node, escalation: Escalation) -> int:
    """One pass in one transaction of the node."""
    moved = node.run(lambda session: run_pass(session, escalation, node.party, node.clock.now()),
                     what=f"a pass of {escalation.name}")
    if moved:
        log.info("%s: %d moved one tier up", escalation.name, moved)
    return moved


def _pass(escalation: Escalation, node: Node) -> None:
    run_once(node, escalation)


def escalation_loop(escalations: Sequence[Escalation]) -> Callable[[Node], Awaitable[None]]:
    """The background task of a serving node: one periodic job per declared escalation."""

    async def escalation_loop(node: Node) -> None:
        await asyncio.gather(*(jobs.run_periodically(node, jobs.Job(
            escalation.name, functools.partial(_pass, escalation), escalation.interval(node)))
            for escalation in escalations))

    return escalation_loop
