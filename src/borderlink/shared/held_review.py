"""Holding an object for review: text that neutrality screening flagged (it may rest on political,
religious, military or ethnic grounds) waits in a status of its own until a reviewer decides.

A domain declares its review once:

    HELD_REVIEW = HeldReview(
        OBJECT_TYPE, HotlineRequest, LIFECYCLE, held=Status.HELD, permission=Permission.HOTLINE_SUPERVISE,
        for_owner_unit=True, find=REQUEST_KIND.visible, record=add_event, refusals=Refusals(...),
        accept=Decision("released", then=send), refuse=Decision("withdrawn"))

and gets the reviewer's queue (`queue`, oldest first) and the decision (`decide`): the reviewer's
scope, the lifecycle step (its permission, the owner side, the held status), a note that says why,
the timeline event carrying "<reviewer>: <note>", and the other units' work feeds touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.errors import Forbidden, InvalidInput
from borderlink.shared import workfeed
from borderlink.shared.lifecycle import Lifecycle
from borderlink.shared.replicated import Owned, side_of
from borderlink.shared.timeline import Detail
from borderlink.shared.workfeed import ObjectRef


class Reviewed(Owned, Protocol):
    owner_unit_id: str
    status: Any
    created_at: dt.datetime


T = TypeVar("T", bound=Reviewed)


@dataclasses.dataclass(frozen=True)
class Decision(Generic[T]):
    """One of the two decisions: its lifecycle event, the row's fields it sets before the event is
    recorded (`sets`), and what follows it (`then`, given the note: send, publish)."""

    event: str
    sets: Callable[[Session, T, dt.datetime], None] | None = None
    then: Callable[[Session, T, dt.datetime, str], None] | None = None


@dataclasses.dataclass(frozen=True)
class Refusals:
    """The domain's own words for each refusal (msgids)."""

    queue: str  # the queue, to one without the permission
    reviewer: str  # the decision, to one without the permission or outside the scope
    owner: str  # the decision, on the other side's object
    state: str  # the decision, on an object that is not held
    note: str  # the decision, without a note saying why


@dataclasses.dataclass(frozen=True)
class HeldReview(Generic[T]):
    """The review of one object type's held objects.

    `for_owner_unit` True: only a reviewer whose units cover the object's owner unit reviews it,
    and the event is recorded in that unit's name (a supervisor of the sending unit). False: any
    reviewer of the owner side, in their own unit's name (a central reviewer)."""

    object_type: str
    model: type[T]
    lifecycle: Lifecycle
    held: str
    permission: str
    for_owner_unit: bool
    find: Callable[[Session, Principal, str], T]  # the object the principal may see, else NotFound
    record: Callable[[Session, T, str, dt.datetime, str, str | None, Detail | None], object]
    refusals: Refusals
    accept: Decision[T]
    refuse: Decision[T]

    def queue(self, session: Session, principal: Principal) -> list[T]:
        """The held objects the principal reviews, oldest first."""
        if not principal.can(self.permission):
            raise Forbidden(self.refusals.queue)
        columns = cast(Any, self.model)
        query = select(self.model).where(columns.status == self.held, columns.owner_party == principal.party)
        if self.for_owner_unit:
            query = query.where(columns.owner_unit_id.in_(principal.scope_unit_ids))
        return list(session.scalars(query.order_by(columns.created_at)))

    def decide(self, session: Session, principal: Principal, object_id: str, accept: bool, note: str,
               now: dt.datetime) -> T:
        """Accept or refuse a held object, saying why in `note`."""
        found = self.find(session, principal, object_id)
        decision = self.accept if accept else self.refuse
        if self.for_owner_unit and not principal.covers_unit(found.owner_unit_id):
            raise Forbidden(self.refusals.reviewer)
        self.lifecycle.require(found.status, decision.event, side=side_of(found, principal.party), can=principal.can,
                               no_permission=self.refusals.reviewer, wrong_side=self.refusals.owner,
                               wrong_state=self.refusals.state)
        if not note.strip():
            raise InvalidInput(self.refusals.note, field="note")
        unit_code = (directory.get_unit(session, found.owner_unit_id).code if self.for_owner_unit
                     else principal.unit_code)
        if decision.sets is not None:
            decision.sets(session, found, now)
        self.record(session, found, decision.event, now, principal.party, unit_code,
                    Detail.text(f"{principal.label}: {note.strip()}"))
        if decision.then is not None:
            decision.then(session, found, now, note.strip())
        workfeed.touch(session, ObjectRef(self.object_type, found.id), now, except_unit=principal.unit_id)
        return found
