"""When the other side refuses one of our hotline messages, the request says so.

The exchange calls `show_refusal` in the transaction that stores the peer's "rejected" receipt: the
request's timeline gets a "refused by the other side" step with the peer's reason, and the request
comes back, unread, into the feed of this side's unit on it, so no one waits for an answer that
cannot come.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from borderlink.exchange.context import context_of
from borderlink.exchange.envelope import PARTIES
from borderlink.hotline import service
from borderlink.hotline.contracts import RequestMessage
from borderlink.hotline.models import HotlineRequest
from borderlink.shared.contracts import MessageBody
from borderlink.shared.timeline import Detail

log = logging.getLogger("borderlink.hotline.refusals")
REFUSED_BY_PEER = "refused_by_peer"  # timeline step; shown as "refused by the other side"
MAX_REASON = 1000


def request_id_of(body: MessageBody) -> str | None:
    if isinstance(body, RequestMessage):
        return body.id
    value = getattr(body, "request_id", None)
    return value if isinstance(value, str) else None


def show_refusal(session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
    request_id = request_id_of(body)
    request = session.get(HotlineRequest, request_id) if request_id else None
    if request is None:
        log.error("the peer refused %s envelope %s about a request unknown here", body.message_kind, envelope_id)
        return
    now = service.now_of_session(session)
    local_party = context_of(session).party
    peer_party = next(party for party in PARTIES if party != local_party)
    # This side's unit on the request: the sending unit if we own it, else the receiving one.
    unit_id = request.sender_unit_id if request.owner_party == local_party else request.recipient_unit_id
    service.add_event(session, request, REFUSED_BY_PEER, now, peer_party, None, Detail.text(reason[:MAX_REASON]))
    if isinstance(body, RequestMessage):
        # The request never reached the other side: escalating it there is pointless.
        request.escalation_done = True
    service.put_in_inbox(session, request, unit_id, "refused", now, None)
    service.touch_inbox(session, request, now, except_unit=None)
