"""When the other side refuses one of our messages about an object, the object says so.

The exchange calls a domain's refusal hook in the transaction that stores the peer's "rejected"
receipt (see exchange/refusals.py). `ShowRefusal` is that hook for any replicated object: the
object's timeline gets a "refused by the other side" step with the peer's reason, and the object
comes back, unread, into the feed of this side's unit on it, so no one waits for an answer that
cannot come. A domain declares it once for its message kinds:

    refusal_hooks=dict.fromkeys((AlertMessage, AmendMessage), ShowRefusal(
        Alert, TIMELINE, unit_of=lambda alert, party: alert.owner_unit_id, id_field="alert_id",
        created_by=AlertMessage)),
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from borderlink.exchange.context import context_of
from borderlink.exchange.envelope import PARTIES
from borderlink.shared import workfeed
from borderlink.shared.contracts import MessageBody
from borderlink.shared.replicated import now_of, touch
from borderlink.shared.timeline import Detail, Timeline

log = logging.getLogger("borderlink.shared.refusals")
REFUSED_BY_PEER = "refused_by_peer"  # the timeline step; list it among the timeline's kinds
MAX_REASON = 1000


@dataclasses.dataclass(frozen=True)
class ShowRefusal:
    """The refusal hook of a domain's message kinds about objects of `model`.

    `unit_of(obj, local_party)` is this side's unit on the object. Messages about an object name it
    in `id_field` ("request_id"); the message that creates it (`created_by`) carries it as its `id`.
    `after` does what else the domain needs (e.g. stop escalating what the other side never got)."""

    model: type[Any]
    timeline: Timeline
    unit_of: Callable[[Any, str], str]
    id_field: str
    created_by: type[MessageBody] | None = None
    after: Callable[[Session, Any, MessageBody], None] | None = None

    def object_id_of(self, body: MessageBody) -> str | None:
        value = getattr(body, "id" if self.created_by is not None and isinstance(body, self.created_by)
                        else self.id_field, None)
        return value if isinstance(value, str) else None

    def __call__(self, session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
        object_id = self.object_id_of(body)
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
        workfeed.put(session, ref, self.unit_of(found, local_party), workfeed.Reason.REFUSED, now)
        workfeed.touch(session, ref, now)
