"""When the other side refuses one of our messages about an object, the object says so.

The exchange calls a domain's refusal hook in the transaction that stores the peer's "rejected"
receipt (see exchange/refusals.py). `ShowRefusal` is that hook for any replicated object: the
object's timeline gets a "refused by the other side" step with the peer's reason, and the object
comes back, unread, into the feed of this side's units on it, so no one waits for an answer that
cannot come. A domain declares one per object type in its descriptor, and says per message kind
which object the message was about:

    _ALERT = ShowRefusal(Alert, TIMELINE, unit_of=lambda session, alert, body, party: alert.owner_unit_id)
    refusal_hooks={AlertPublished: _ALERT.about(lambda body: body.alert.id),
                   AlertWithdrawn: _ALERT.about(lambda body: body.alert_id)},

A message kind that may be about objects of several types (a generic step) declares
`RefusalByObject(lambda body: hook_of_its_type)`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from borderlink.exchange.context import context_of
from borderlink.exchange.envelope import PARTIES
from borderlink.shared import workfeed
from borderlink.shared.contracts import MessageBody
from borderlink.shared.replicated import local_unit_id, now_of, touch
from borderlink.shared.timeline import Detail, Timeline

log = logging.getLogger("borderlink.shared.refusals")
REFUSED_BY_PEER = "refused_by_peer"  # the timeline step; list it among the timeline's kinds
MAX_REASON = 1000

# (session, the object, our refused message's body, this node's party) -> this side's unit id(s) on it
UnitsOf = Callable[[Session, Any, Any, str], "str | Iterable[str]"]


def _paired_unit(_session: Session, obj: Any, _body: Any, party: str) -> str:
    """This side's unit on an object shared between one unit on each side (`replicated.Paired`)."""
    return local_unit_id(obj, party)


def _id_field(body: Any) -> str | None:
    value = getattr(body, "id", None)
    return value if isinstance(value, str) else None


@dataclasses.dataclass(frozen=True)
class ShowRefusal:
    """The refusal hook of messages about objects of `model` (whose steps `timeline` records).

    `object_id(body)` is the id of the object the refused message was about (by default the body's
    `id`: the message that creates or shares it); `about(...)` gives the same hook for a message
    kind that names it otherwise. `unit_of` says which of this side's units see it come back (by
    default this side's unit on a paired object: `replicated.local_unit_id`).
    `after` does what else the domain needs (e.g. stop escalating what the other side never got)."""

    model: type[Any]
    timeline: Timeline
    unit_of: UnitsOf = _paired_unit
    object_id: Callable[[Any], str | None] = _id_field
    after: Callable[[Session, Any, Any], None] | None = None

    def about(self, object_id: Callable[[Any], str | None]) -> ShowRefusal:
        return dataclasses.replace(self, object_id=object_id)

    def __call__(self, session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
        object_id = self.object_id(body)
        found = session.get(self.model, object_id) if object_id else None
        if found is None:
            log.error("the peer refused %s envelope %s about an object unknown here", body.message_kind,
                      envelope_id)
            return
        now = now_of(session)
        local_party = context_of(session).party
        peer_party = next(party for party in PARTIES if party != local_party)
        self.timeline.record(session, found.id, REFUSED_BY_PEER, now, peer_party, None,
                             Detail.text(reason[:MAX_REASON]))
        touch(found, now)
        if self.after is not None:
            self.after(session, found, body)
        ref = workfeed.ObjectRef(self.timeline.object_type, found.id)
        units = self.unit_of(session, found, body, local_party)
        for unit_id in [units] if isinstance(units, str) else units:
            workfeed.put(session, ref, unit_id, workfeed.Reason.REFUSED, now)
        workfeed.touch(session, ref, now)


@dataclasses.dataclass(frozen=True)
class RefusalByObject:
    """The refusal hook of a message kind whose body says which type of object it is about."""

    hook_of: Callable[[Any], ShowRefusal | None]

    def __call__(self, session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
        hook = self.hook_of(body)
        if hook is None:
            log.error("the peer refused %s envelope %s about no object known here", body.message_kind, envelope_id)
            return
        hook(session, envelope_id, body, reason)
