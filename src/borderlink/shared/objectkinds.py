"""One handle per replicated object type, declared once in its domain.

Every object type needs the same few things from the shared layer: its work-feed reference, the
name of the exchange stream its messages travel in, and a fetch that answers NotFound for what the
principal may not see and audits the read of a person record (`scoping`). An `ObjectKind` holds
what differs between types (type string, model, stream prefix, read permission, not-found message,
whether an object names a person) so that a domain does not write those wrappers again.

Stream names are a wire contract and stored data: `stream_prefix` is exactly the prefix the
object's envelopes have always carried (`"hotline"` gives `"hotline:<id>"`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from borderlink.directory.permissions import Principal
from borderlink.shared import scoping, workfeed
from borderlink.shared.workfeed import FeedEntry, ObjectRef, Reason

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class ObjectKind(Generic[T]):
    """An object type: `model` rows of type `object_type`, read with `permission`.

    `names_person` says whether an object names a person (its read is then audited); it gets the
    session because some objects keep their persons in another table (a case's persons)."""

    object_type: str
    model: type[T]
    stream_prefix: str
    permission: str
    not_found: str
    names_person: Callable[[Session, T], bool] | None = None

    def ref(self, object_id: str) -> ObjectRef:
        """The object in the work feed and on live streams."""
        return ObjectRef(self.object_type, object_id)

    def stream(self, object_id: str) -> str:
        """The exchange stream the object's envelopes travel in, in order."""
        return f"{self.stream_prefix}:{object_id}"

    def visible(self, session: Session, principal: Principal, object_id: str) -> T:
        """The object if it is in the feed of one of the principal's units; anything else does not
        exist for them (NotFound). An object naming a person is audited as read."""
        names_person = self.names_person
        return scoping.get_visible(
            session, principal, self.model, self.object_type, object_id, permission=self.permission,
            names_person=None if names_person is None else lambda found: names_person(session, found),
            not_found=self.not_found)

    def read(self, session: Session, principal: Principal, object_id: str, now: dt.datetime) -> T:
        """The principal opens the object: `visible`, and marked read for their unit."""
        found = self.visible(session, principal, object_id)
        workfeed.mark_read(session, self.ref(object_id), principal.unit_id, now)
        return found

    def put(self, session: Session, object_id: str, unit_id: str, reason: Reason, now: dt.datetime, *,
            deadline: dt.datetime | None = None, urgent: bool = False, unread: bool = True) -> FeedEntry:
        """Put the object in a unit's work feed (or bring its entry up to date)."""
        return workfeed.put(session, self.ref(object_id), unit_id, reason, now, deadline=deadline, urgent=urgent,
                            unread=unread)

    def touch(self, session: Session, object_id: str, now: dt.datetime, *,
              except_unit: str | None = None) -> list[FeedEntry]:
        """Something happened on the object: unread again in every feed holding it, except the
        acting unit's."""
        return workfeed.touch(session, self.ref(object_id), now, except_unit=except_unit)

    def touch_all(self, session: Session, object_ids: Collection[str], now: dt.datetime) -> None:
        """`touch` for many objects made before this transaction, read in one statement."""
        workfeed.touch_all(session, self.object_type, object_ids, now)
