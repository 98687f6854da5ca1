"""Applying what the other side sends: requests, timeline events, replies and escalations.

Each handler runs inside the exchange's inbox transaction; refusing raises Rejected, which the
exchange reports back in its receipt without applying anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.errors import NotFound
from borderlink.exchange.registry import InboundEnvelope, Rejected, register_handler
from borderlink.hotline import service
from borderlink.hotline.models import (
    LIFECYCLE,
    AssistanceType,
    Attachment,
    HandlingCode,
    HotlineReply,
    HotlineRequest,
    Priority,
    RequestKind,
    Status,
)
from borderlink.hotline.schemas import MAX_ATTACHMENT_BYTES
from borderlink.safeguards.offences import allowed_offences
from borderlink.shared.replicated import (
    ScreeningRefused,
    already_applied,
    rejecting,
    require_sender_is_owner,
    side_of,
    validate_contribution_text,
)


def _when(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _unit(session: Session, code: str | None) -> Unit:
    try:
        return directory.get_unit_by_code(session, code or "")
    except NotFound as exc:
        raise Rejected(f"unknown unit {code!r}") from exc


def _now(session: Session) -> dt.datetime:
    clock = session.info.get("clock")
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


def apply_request(session: Session, envelope: InboundEnvelope) -> None:
    body: dict[str, Any] = envelope.body
    if already_applied(session, HotlineRequest, body["id"]):
        return
    sender = _unit(session, envelope.sender_unit)
    recipient = _unit(session, envelope.recipient_unit)
    if sender.party_code != envelope.sender_party or recipient.party_code != envelope.recipient_party:
        raise Rejected("the sending and receiving units do not belong to the two nodes")
    if recipient.id not in {u.id for u in directory.counterparts_of(session, sender.id)}:
        raise Rejected(f"{recipient.code} is not a counterpart of {sender.code}")
    if body["offence_code"] not in allowed_offences():
        raise Rejected(f"offence code {body['offence_code']} is not on this node's allow-list")
    flags = service.screening_flags(body["subject"], body["body"], body.get("handling_note"),
                                    list(body.get("references") or []))
    if flags and not body.get("release_note"):
        raise Rejected("the request appears to rest on political, religious, military or ethnic grounds "
                       "and no supervisor of the sending unit released it")
    now = _now(session)
    deadline = now + dt.timedelta(seconds=int(body["deadline_seconds"]))
    references = list(body.get("references") or [])
    request = HotlineRequest(
        id=body["id"], owner_party=envelope.sender_party, kind=RequestKind(body["kind"]),
        assistance_type=AssistanceType(body["assistance_type"]) if body.get("assistance_type") else None,
        subject=body["subject"], body=body["body"], priority=Priority(body["priority"]),
        offence_code=body["offence_code"], handling_code=HandlingCode(body["handling_code"]),
        handling_note=body.get("handling_note"), references=references,
        names_person=any(r.get("type") == "person" for r in references), sender_unit_id=sender.id,
        recipient_unit_id=recipient.id, author_name=body["author_name"], status=Status.SENT,
        created_at=_when(body["created_at"]), deadline_at=deadline, updated_at=now,
        search_text=service.fold_for_search(" ".join(
            [body["subject"], body["body"], *[str(v) for r in references for v in r.values()]])),
        screening_flags=flags,
    )
    session.add(request)
    session.flush()  # attachments and events refer to the request row
    for item in body.get("attachments") or []:
        content = base64.b64decode(item["content_base64"])
        if len(content) > MAX_ATTACHMENT_BYTES or hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise Rejected(f"attachment {item['filename']} is too large or does not match its hash")
        session.add(Attachment(id=item["id"], request_id=request.id, filename=item["filename"],
                               content_type=item["content_type"], size=len(content), sha256=item["sha256"],
                               data=content))
    session.flush()
    sent = body["sent_event"]
    service.add_event(session, request, "sent", _when(sent["at"]), sent["party"], sent["unit_code"],
                      sent.get("detail"), event_id=sent["id"])
    delivered = service.add_event(session, request, "delivered", now, envelope.recipient_party, recipient.code)
    assert delivered is not None
    service.put_in_inbox(session, request, recipient.id, "received", now, deadline)
    service.send_event(session, request, delivered, recipient.code, sender.code)


def apply_event(session: Session, envelope: InboundEnvelope) -> None:
    request = _known_request(session, envelope.body["request_id"])
    event = envelope.body["event"]
    LIFECYCLE.require_side(event["kind"], side_of(request, envelope.sender_party))
    added = service.add_event(session, request, event["kind"], _when(event["at"]), event["party"],
                              event.get("unit_code"), event.get("detail"), event_id=event["id"])
    if added is not None:
        service.touch_inbox(session, request, _now(session), except_unit=None)


def apply_reply(session: Session, envelope: InboundEnvelope) -> None:
    request = _known_request(session, envelope.body["request_id"])
    item = envelope.body["reply"]
    if session.get(HotlineReply, item["id"]) is None:
        unit = _unit(session, item["author_unit_code"])
        if unit.party_code != envelope.sender_party:
            raise Rejected("a reply must come from a unit of the sending node")
        try:
            validate_contribution_text([item["body"]], "the reply")
        except ScreeningRefused as refused:
            raise rejecting(refused) from refused
        session.add(HotlineReply(id=item["id"], request_id=request.id, author_party=envelope.sender_party,
                                 author_unit_id=unit.id, author_name=item["author_name"], body=item["body"],
                                 created_at=_when(item["created_at"])))
        request.search_text = request.search_text + " " + service.fold_for_search(item["body"])
    event = envelope.body.get("event")
    if event:
        LIFECYCLE.require_side(event["kind"], side_of(request, envelope.sender_party))
        service.add_event(session, request, event["kind"], _when(event["at"]), event["party"],
                          event.get("unit_code"), event.get("detail"), event_id=event["id"])
    request.updated_at = max(request.updated_at, _now(session))
    service.touch_inbox(session, request, _now(session), except_unit=None)


def apply_escalation(session: Session, envelope: InboundEnvelope) -> None:
    request = _known_request(session, envelope.body["request_id"])
    require_sender_is_owner(request, envelope, "request")
    level = int(envelope.body["level"])
    deadline = _when(envelope.body["deadline_at"])
    event = envelope.body["event"]
    service.add_event(session, request, "escalated", _when(event["at"]), event["party"],
                      event.get("unit_code"), event.get("detail"), event_id=event["id"])
    if level > request.escalation_level:
        request.escalation_level = level
        request.deadline_at = deadline
    unit_code = envelope.body.get("recipient_side_unit")
    if unit_code:
        unit = _unit(session, unit_code)
        if unit.party_code == envelope.recipient_party:
            service.put_in_inbox(session, request, unit.id, "escalated", _now(session), deadline)
    service.touch_inbox(session, request, _now(session), except_unit=None)


def _known_request(session: Session, request_id: str) -> HotlineRequest:
    request = session.scalar(select(HotlineRequest).where(HotlineRequest.id == request_id))
    if request is None:
        raise Rejected(f"unknown request {request_id}")
    return request


def register() -> None:
    register_handler(service.KIND_REQUEST, apply_request)
    register_handler(service.KIND_EVENT, apply_event)
    register_handler(service.KIND_REPLY, apply_reply)
    register_handler(service.KIND_ESCALATION, apply_escalation)
