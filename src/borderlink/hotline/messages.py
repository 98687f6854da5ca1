"""Applying what the other side sends: requests, timeline events, replies and escalations.

Each handler runs inside the exchange's inbox transaction and receives a body already checked
against its contract (contracts.py). Refusing raises Rejected, which the exchange reports back in
its receipt without applying anything. Every handler first checks that the sender may produce this
message for this request: the owner alone creates, closes and escalates a request; the receiving
side alone delivers, acknowledges and answers it, and always in the name of one of its own units.
That the other side delivered our request is learnt from its receipt for the request.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.exchange.registry import AppliedEnvelope, InboundEnvelope, Rejected
from borderlink.hotline import service
from borderlink.hotline.contracts import (
    EscalationMessage,
    EventMessage,
    ReplyMessage,
    RequestMessage,
)
from borderlink.hotline.escalation import REQUESTS
from borderlink.hotline.models import LIFECYCLE, HotlineReply, HotlineRequest, Status
from borderlink.shared import escalation, workfeed
from borderlink.shared.replicated import (
    already_applied,
    check_received_offence,
    check_received_text,
    check_step,
    counterpart_pair,
    known,
    named_unit,
    now_of,
    require_sender_is_owner,
    screening_flags,
)


def apply_request(session: Session, envelope: InboundEnvelope[RequestMessage]) -> None:
    body = envelope.body
    if already_applied(session, HotlineRequest, body.id):
        return
    sender, recipient = counterpart_pair(session, envelope, envelope.sender_unit, envelope.recipient_unit)
    if body.sent_event.kind != "sent":
        raise Rejected("a new request carries its 'sent' step")
    check_step(session, LIFECYCLE, envelope.sender_party, envelope.sender_party, body.sent_event)
    check_received_offence(body.offence_code)
    references = [r.model_dump(exclude_none=True) for r in body.references]
    flags = screening_flags(service.request_texts(body.subject, body.body, body.handling_note, references))
    if flags and not body.release_note:
        raise Rejected("the request appears to rest on political, religious, military or ethnic grounds "
                       "and no supervisor of the sending unit released it")
    service.receive_request(session, body, sender, recipient, envelope.sender_party, flags, envelope.received_at,
                            envelope.receipted)


def delivered_by_receipt(session: Session, applied: Sequence[AppliedEnvelope[RequestMessage]]) -> None:
    """The other side applied our requests, so delivered each to the unit it was sent to: its
    signed receipts say so, and no "delivered" message follows. A repeated receipt, or a
    "delivered" message that came first, changes nothing."""
    # The requests were made long before this transaction, and nothing else in it changes them:
    # read together, without flushing first, so that the batch is written in one flush.
    with session.no_autoflush:
        requests = {r.id: r for r in session.scalars(select(HotlineRequest).where(
            HotlineRequest.id.in_([a.body.id for a in applied])))}
    touched = []
    for envelope in applied:
        request = requests.get(envelope.body.id)
        if request is None or request.delivered_at is not None or envelope.recipient_unit is None:
            continue
        # Its step sets delivered_at, whichever way it came: not set, it is not recorded.
        if service.add_event(session, request, "delivered", envelope.received_at, envelope.receiver_party,
                             envelope.recipient_unit, event_id=service.delivered_event_id(envelope.body.sent_event.id),
                             unrecorded=True) is not None:
            touched.append(request.id)
    service.REQUEST_KIND.touch_all(session, touched, now_of(session))


def apply_event(session: Session, envelope: InboundEnvelope[EventMessage]) -> None:
    request = known(session, HotlineRequest, envelope.body.request_id, "request")
    event = envelope.body.event
    if event.kind not in ("delivered", "acknowledged", "closed"):
        raise Rejected(f"a {event.kind!r} step does not travel as a hotline.event")
    check_step(session, LIFECYCLE, request.owner_party, envelope.sender_party, event)
    if service.STEPS.received(session, request, event) is not None:
        service.REQUEST_KIND.touch(session, request.id, now_of(session))


def apply_reply(session: Session, envelope: InboundEnvelope[ReplyMessage]) -> None:
    request = known(session, HotlineRequest, envelope.body.request_id, "request")
    item = envelope.body.reply
    event = envelope.body.event
    if item.author_party != envelope.sender_party:
        raise Rejected("a reply must come from the sending node")
    if event is not None:
        if event.kind != "answered":
            raise Rejected(f"a reply carries an 'answered' step, not {event.kind!r}")
        check_step(session, LIFECYCLE, request.owner_party, envelope.sender_party, event)
    if request.status in (Status.HELD, Status.WITHDRAWN):
        raise Rejected(f"request {request.id} takes no replies")
    now = now_of(session)
    if session.get(HotlineReply, item.id) is None:
        unit = named_unit(session, item.author_unit_code)
        if unit.party_code != envelope.sender_party:
            raise Rejected("a reply must come from a unit of the sending node")
        check_received_text([item.body], "the reply")
        service.store_reply(session, request, HotlineReply(
            id=item.id, request_id=request.id, author_party=envelope.sender_party, author_unit_id=unit.id,
            author_name=item.author_name, body=item.body, created_at=item.created_at))
    if event is not None:
        service.STEPS.received(session, request, event)
    request.updated_at = max(request.updated_at, now)
    service.REQUEST_KIND.touch(session, request.id, now)


def apply_escalation(session: Session, envelope: InboundEnvelope[EscalationMessage]) -> None:
    request = known(session, HotlineRequest, envelope.body.request_id, "request")
    body = envelope.body
    require_sender_is_owner(request, envelope, "request")
    if body.event.kind != "escalated":
        raise Rejected(f"an escalation carries an 'escalated' step, not {body.event.kind!r}")
    check_step(session, LIFECYCLE, request.owner_party, envelope.sender_party, body.event)
    target = None
    if body.recipient_side_unit:
        target = named_unit(session, body.recipient_side_unit)
        # Only a unit up the chain of this side's own unit on the request may be given it.
        if target.party_code != envelope.recipient_party or not workfeed.is_above(
                session, target, request.recipient_unit_id):
            raise Rejected(f"{target.code} is not above {request.id}'s receiving unit on this node")
    escalation.apply_escalated(session, REQUESTS, request, body.level, body.event, now_of(session),
                               deadline=body.deadline_at, target=target)
