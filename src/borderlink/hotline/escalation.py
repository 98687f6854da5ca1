"""Requests not acknowledged or answered in time move up the three tiers on both sides.

The owner (sending) node decides, so the two sides never escalate the same request twice; the
other side learns of it as a message and puts the request before its own unit one tier up
(messages.apply_escalation). The shared mechanism is shared/escalation.py.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.hotline import service
from borderlink.hotline.contracts import EscalationMessage
from borderlink.hotline.models import OPEN_STATUSES, TIMELINE, HotlineRequest, Priority
from borderlink.shared.escalation import Escalation, Step
from borderlink.shared.replicated import send_to_peer
from borderlink.shared.workfeed import Reason


def _tell_peer(session: Session, request: HotlineRequest, step: Step) -> None:
    theirs = step.targets.theirs
    message = EscalationMessage(request_id=request.id, level=step.level, deadline_at=step.deadline,
                                recipient_side_unit=theirs.code if theirs else None,
                                event=service.event_payload(step.event))
    send_to_peer(session, message, request, request.owner_party, stream=service.REQUEST_KIND.stream(request.id))


REQUESTS = Escalation(
    name="hotline escalation", model=HotlineRequest, timeline=TIMELINE,
    pending=lambda party: [HotlineRequest.owner_party == party, HotlineRequest.status.in_(OPEN_STATUSES)],
    units=lambda _session, request: (request.sender_unit_id, request.recipient_unit_id),
    deadline=lambda session, request: service.deadline_for(session, request.priority),
    record=service.add_event, tell_peer=_tell_peer, urgent=lambda request: request.priority == Priority.URGENT,
    # The units that escalated it keep their own deadline; the pair it started with take the new one.
    deadline_reasons=(Reason.SENT, Reason.RECEIVED),
    interval=lambda node: node.settings.hotline_escalation_interval_seconds,
)
