"""Hotline requests: sending to the counterpart unit, the life-cycle, replies, visibility.

What crosses the border goes through the exchange as messages (see messages.py); this module
changes local state and enqueues those messages in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden, InvalidInput
from borderlink.hotline.contracts import (
    MAX_ATTACHMENT_BYTES,
    EventMessage,
    ReplyMessage,
    ReplyPart,
    RequestMessage,
    TimelineEvent,
)
from borderlink.hotline.models import (
    DEFAULT_DEADLINES,
    LIFECYCLE,
    OBJECT_TYPE,
    OPEN_STATUSES,
    HotlineReply,
    HotlineRequest,
    Priority,
    Status,
)
from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.hotline.schemas import MAX_DEADLINE_SECONDS, AttachmentIn, RequestCreate
from borderlink.ids import new_id, next_after
from borderlink.safeguards.offences import require_allowed
from borderlink.shared import attachments as shared_attachments
from borderlink.shared import new_objects, peer_files, workfeed
from borderlink.shared.durations import DurationSettings
from borderlink.shared.forms import N_
from borderlink.shared.held_review import Decision, HeldReview, Refusals
from borderlink.shared.lifecycle import Steps
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.paging import fold_for_search
from borderlink.shared.replicated import (
    now_of,
    require_use,
    screening_flags,
    send_to_peer,
    side_of,
    validate_contribution_text,
)
from borderlink.shared.shapes import same_named
from borderlink.shared.timeline import Detail
from borderlink.shared.timeline import TimelineEvent as TimelineRow
from borderlink.shared.workfeed import FeedEntry, Reason

DEADLINES = DurationSettings("hotline.deadlines", DEFAULT_DEADLINES, MAX_DEADLINE_SECONDS,
                             permission=Permission.HOTLINE_CONFIGURE,
                             refusal=N_("Only the central node administrator sets response deadlines."))


def deadline_for(session: Session, priority: Priority) -> dt.timedelta:
    return DEADLINES.of(session, priority)


# --- visibility -----------------------------------------------------------------------------

REQUEST_KIND = ObjectKind(OBJECT_TYPE, HotlineRequest, "hotline", Permission.HOTLINE_READ,
                          "There is no such request, or you may not see it.",
                          names_person=lambda _session, request: request.names_person)


REPLIES_KEPT = "hotline.replies"  # the replies to a request made in the running transaction


def store_reply(session: Session, request: HotlineRequest, answer: HotlineReply) -> None:
    """Keep a reply of either side; the request is found by its words from then on."""
    session.add(answer)
    new_objects.keep(session, OBJECT_TYPE, answer.request_id, REPLIES_KEPT, answer)
    request.search_text = request.search_text + " " + fold_for_search(answer.body)


def replies(session: Session, request_id: str) -> list[HotlineReply]:
    return new_objects.kept_or_read(session, OBJECT_TYPE, request_id, REPLIES_KEPT, lambda: session.scalars(
        select(HotlineReply).where(HotlineReply.request_id == request_id).order_by(HotlineReply.created_at)),
        order=lambda r: r.created_at)


def overdue_at(status: Status, deadline_at: dt.datetime | None, now: dt.datetime) -> bool:
    return status in OPEN_STATUSES and deadline_at is not None and deadline_at <= now


# --- inbox entries and timeline --------------------------------------------------------------

def put_in_inbox(session: Session, request: HotlineRequest, unit_id: str, reason: str, now: dt.datetime,
                 deadline: dt.datetime | None, *, unread: bool = True) -> FeedEntry:
    """Put the request in a unit's work feed (or bring its entry up to date)."""
    return REQUEST_KIND.put(session, request.id, unit_id, Reason(reason), now, deadline=deadline,
                            urgent=request.priority == Priority.URGENT, unread=unread)


# A timeline step, recorded once (events carry their id across the border); statuses only move
# forward whatever order the two sides' messages arrive in, and each step's time is the first seen.
STEPS = Steps(REQUEST_TIMELINE, LIFECYCLE, Status, times={
    "sent": "sent_at", "delivered": "delivered_at", "acknowledged": "acknowledged_at", "answered": "answered_at",
    "closed": "closed_at"})
add_event = STEPS.record


def event_payload(event: TimelineRow) -> TimelineEvent:
    return TimelineEvent.from_fields(REQUEST_TIMELINE.payload(event))


def send_event(session: Session, request: HotlineRequest, event: TimelineRow, party: str) -> None:
    """Tell the other side of a step taken on `party`'s side."""
    message = EventMessage(request_id=request.id, event=event_payload(event))
    send_to_peer(session, message, request, party, stream=REQUEST_KIND.stream(request.id))


# --- creating and sending --------------------------------------------------------------------

def decode_attachments(items: list[AttachmentIn]) -> list[tuple[AttachmentIn, bytes]]:
    return [(item, shared_attachments.decode_upload(item.filename, item.content_base64, MAX_ATTACHMENT_BYTES))
            for item in items]


def _new_request(content: RequestCreate | RequestMessage, **fields: Any) -> HotlineRequest:
    """A request's row from what its author wrote, as the sending form or the owner's message has it."""
    references = [r.model_dump(exclude_none=True) for r in content.references]
    return HotlineRequest(
        kind=content.kind, assistance_type=content.assistance_type, subject=content.subject, body=content.body,
        priority=content.priority, offence_code=content.offence_code, handling_code=content.handling_code,
        handling_note=content.handling_note, references=references,
        names_person=any(r["type"] == "person" for r in references),
        search_text=fold_for_search(" ".join(
            [content.subject, content.body, *[str(v) for r in references for v in r.values()]])), **fields)


def create_request(session: Session, principal: Principal, data: RequestCreate, now: dt.datetime) -> HotlineRequest:
    if not principal.can(Permission.HOTLINE_SEND):
        raise Forbidden("Your role may not send hotline requests.")
    sender = directory.cached_unit(session, principal.unit_id)
    # The directory decides who receives: a counterpart of the sender at the same tier.
    recipient = directory.choose_counterpart(session, sender, data.recipient_unit_code, "recipient_unit_code")
    require_allowed(data.offence_code)
    files = decode_attachments(data.attachments)
    request = _new_request(data, id=new_id(), owner_party=principal.party, sender_unit_id=sender.id,
                           recipient_unit_id=recipient.id, sender_unit=sender, recipient_unit=recipient,
                           author_name=principal.display_name, created_by_user_id=principal.user_id,
                           created_at=now, updated_at=now)
    flags = screening_flags(request_texts(data.subject, data.body, data.handling_note, request.references))
    request.status, request.screening_flags = Status.HELD if flags else Status.SENT, flags
    if not flags:  # what sending sets is known now, so the row is written once
        request.sent_at, request.deadline_at = now, now + deadline_for(session, request.priority)
    session.add(request)
    new_objects.created(session, OBJECT_TYPE, request.id)
    if files:  # the attachments' rows refer to the request's; without any, all is written in one flush
        session.flush()
        for item, content in files:
            shared_attachments.add(session, REQUEST_KIND.ref(request.id), item.filename, item.content_type, content,
                                   now, names_person=request.names_person, added_by=principal.label,
                                   max_bytes=MAX_ATTACHMENT_BYTES)
        session.flush()
    put_in_inbox(session, request, sender.id, "sent", now, None, unread=False)
    if flags:
        grounds = sorted({f["ground"] for f in flags})
        add_event(session, request, "held", now, principal.party, sender.code,
                  REQUEST_TIMELINE.detail("held", grounds=grounds))
    else:
        _send(session, request, now, sender)
    return request


def _send(session: Session, request: HotlineRequest, now: dt.datetime, sender: Unit) -> None:
    request.status = Status.SENT
    request.deadline_at = now + deadline_for(session, request.priority)
    sent = add_event(session, request, "sent", now, request.owner_party, sender.code)
    assert sent is not None
    workfeed.set_deadline(session, REQUEST_KIND.ref(request.id), request.deadline_at, unit_id=sender.id)
    send_to_peer(session, request_payload(session, request, sent), request, request.owner_party,
                 stream=REQUEST_KIND.stream(request.id))


def request_payload(session: Session, request: HotlineRequest, sent: TimelineRow) -> RequestMessage:
    return RequestMessage.from_fields(same_named(
        RequestMessage, request, deadline_seconds=int(deadline_for(session, request.priority).total_seconds()),
        sent_event=event_payload(sent), release_note=_release_note(session, request),
        attachments=[shared_attachments.wire_part(a)
                     for a in shared_attachments.files_of(session, REQUEST_KIND.ref(request.id))]))


def delivered_event_id(sent_event_id: str) -> str:
    """The id of a request's "delivered" step, the same on both nodes: the owner learns of the step
    from the receipt of its request, which carries no event id. Made from the "sent" step's id, so
    that the two steps keep their order when they share a time."""
    return next_after(sent_event_id)


def receive_request(session: Session, body: RequestMessage, sender: Unit, recipient: Unit, owner_party: str,
                    flags: list[dict[str, str]], received_at: dt.datetime, receipted: bool) -> HotlineRequest:
    """Store a request the owner sent (its checks passed) and put it in the recipient unit's inbox.
    It is delivered at `received_at`, the time the receipt for it states; the owner records the
    step from that receipt, or, when it gets none saying so (not `receipted`), from a message."""
    now = now_of(session)
    deadline = now + dt.timedelta(seconds=body.deadline_seconds)
    request = _new_request(body, id=body.id, owner_party=owner_party, sender_unit_id=sender.id,
                           recipient_unit_id=recipient.id, sender_unit=sender, recipient_unit=recipient,
                           author_name=body.author_name, status=Status.SENT, created_at=body.created_at,
                           deadline_at=deadline, updated_at=now, screening_flags=flags)
    session.add(request)
    new_objects.created(session, OBJECT_TYPE, request.id)
    # The two steps set the row's status and times before it is first written: inserted as it
    # stands, not inserted and then updated (with an audit entry for each).
    with session.no_autoflush:
        STEPS.received(session, request, body.sent_event)
        delivered = add_event(session, request, "delivered", received_at, recipient.party_code, recipient.code,
                              event_id=delivered_event_id(body.sent_event.id))
    assert delivered is not None
    if body.attachments:  # their rows refer to the request's; without any, a batch is written in one flush
        session.flush()
        for item in body.attachments:  # each checked against its hash; a bad one refuses the whole request
            peer_files.store(session, REQUEST_KIND.ref(request.id), item, now, added_by=None,
                             max_bytes=MAX_ATTACHMENT_BYTES, names_person=request.names_person)
        session.flush()
    put_in_inbox(session, request, recipient.id, "received", now, deadline)
    if not receipted:
        send_event(session, request, delivered, recipient.party_code)
    return request


def _release_note(session: Session, request: HotlineRequest) -> str | None:
    """Why a supervisor let a flagged request go; the receiving node sees the judgement made."""
    if not request.screening_flags:
        return None
    released = [e for e in REQUEST_TIMELINE.events(session, request.id) if e.kind == "released"]
    return REQUEST_TIMELINE.render(released[-1]) if released else None


def _send_released(session: Session, request: HotlineRequest, now: dt.datetime, _note: str) -> None:
    _send(session, request, now, directory.get_unit(session, request.sender_unit_id))


# A supervisor of the sending unit lets a held request leave the node, or withdraws it.
HELD_REVIEW = HeldReview(
    OBJECT_TYPE, HotlineRequest, LIFECYCLE, held=Status.HELD, permission=Permission.HOTLINE_SUPERVISE,
    for_owner_unit=True, find=REQUEST_KIND.visible, record=add_event,
    refusals=Refusals(queue=N_("Only a supervisor reviews held requests."),
                      reviewer=N_("Only a supervisor of the sending unit reviews a held request."),
                      owner=N_("Only a supervisor of the sending unit reviews a held request."),
                      state=N_("This request is not held."), note=N_("Say why you release or withdraw it.")),
    accept=Decision("released", then=_send_released), refuse=Decision("withdrawn"))


# --- acting on a request ---------------------------------------------------------------------

def acknowledge(session: Session, principal: Principal, request_id: str, now: dt.datetime) -> HotlineRequest:
    request = REQUEST_KIND.visible(session, principal, request_id)
    LIFECYCLE.require(request.status, "acknowledged", side=side_of(request, principal.party), can=principal.can,
                      no_permission=N_("Your role may not acknowledge requests."),
                      wrong_side=N_("The receiving side acknowledges a request, not the sender."),
                      wrong_state=N_("This request was acknowledged already or is no longer open."))
    return _step_shared_with_peer(session, principal, request, "acknowledged", now)


def _step_shared_with_peer(session: Session, principal: Principal, request: HotlineRequest, kind: str,
                           now: dt.datetime) -> HotlineRequest:
    """Record a life-cycle step taken on this side and tell the other side, in one transaction."""
    unit = directory.get_unit(session, principal.unit_id)  # the principal acts through their own unit
    event = add_event(session, request, kind, now, principal.party, unit.code, Detail.text(principal.display_name))
    assert event is not None
    send_event(session, request, event, principal.party)
    REQUEST_KIND.touch(session, request.id, now, except_unit=principal.unit_id)
    return request


def request_texts(subject: str, body: str, handling_note: str | None, references: list[dict[str, Any]]) -> list[str]:
    """Every free text a request carries, as screened on both nodes."""
    return [subject, body, handling_note or "", *(str(r.get("description", "")) for r in references)]


def reply(session: Session, principal: Principal, request_id: str, body: str, now: dt.datetime) -> HotlineReply:
    request = REQUEST_KIND.visible(session, principal, request_id)
    if not principal.can(Permission.HOTLINE_ANSWER):
        raise Forbidden("Your role may not reply to requests.")
    if request.status in (Status.CLOSED, Status.HELD, Status.WITHDRAWN):
        raise InvalidInput("This request is not open and takes no replies.", field="body")
    validate_contribution_text([body], "the reply")
    unit = directory.get_unit(session, principal.unit_id)  # the principal acts through their own unit
    answer = HotlineReply(id=new_id(), request_id=request.id, author_party=principal.party,
                          author_unit_id=unit.id, author_name=principal.display_name, body=body, created_at=now)
    store_reply(session, request, answer)
    answering_side = request.owner_party != principal.party
    event = None
    if answering_side and request.answered_at is None:
        event = add_event(session, request, "answered", now, principal.party, unit.code,
                          Detail.text(principal.display_name))
    message = ReplyMessage.from_fields({
        "request_id": request.id,
        "reply": same_named(ReplyPart, answer, author_unit_code=unit.code),
        "event": event_payload(event) if event else None,
    })
    send_to_peer(session, message, request, principal.party, stream=REQUEST_KIND.stream(request.id))
    request.updated_at = now
    REQUEST_KIND.touch(session, request.id, now, except_unit=principal.unit_id)
    return answer


def closable(session: Session, principal: Principal, request_id: str) -> HotlineRequest:
    """The request, if the principal may close it now; refused exactly as closing it would be (the
    page that asks first shows the same refusal as the close)."""
    request = REQUEST_KIND.visible(session, principal, request_id)
    LIFECYCLE.require(request.status, "closed", side=side_of(request, principal.party), can=principal.can,
                      no_permission=N_("Your role may not close requests."),
                      wrong_side=N_("Only the sending side closes a request."),
                      wrong_state=N_("This request is not open."))
    return request


def close(session: Session, principal: Principal, request_id: str, now: dt.datetime) -> HotlineRequest:
    return _step_shared_with_peer(session, principal, closable(session, principal, request_id), "closed", now)


# --- handling codes, enforced where the information was received -----------------------------

def forward(session: Session, principal: Principal, request_id: str, unit_code: str, now: dt.datetime) -> FeedEntry:
    """Share a received request with another unit of this node, if its handling code allows."""
    request = REQUEST_KIND.visible(session, principal, request_id)
    if not principal.can(Permission.HOTLINE_ANSWER):
        raise Forbidden("Your role may not share requests.")
    target = directory.get_unit_by_code(session, unit_code)
    if target.party_code != principal.party:
        raise InvalidInput("Requests are shared onward only inside this node.", field="unit_code")
    require_use(request, principal.party, "onward", field="unit_code")
    entry = put_in_inbox(session, request, target.id, "shared", now, request.deadline_at)
    add_event(session, request, "shared", now, principal.party, target.code, Detail.text(principal.label))
    return entry



