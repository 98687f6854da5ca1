"""Escalation up the three tiers when a request is not acknowledged or answered in time.

The owner (sending) node decides, so the two sides never escalate the same request twice; the
other side learns of it as a message and puts the request in its own parent unit's inbox.
State lives in the database, so escalation resumes where it stood after a restart.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.exchange import service as exchange
from borderlink.hotline import service
from borderlink.hotline.contracts import EscalationMessage
from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.hotline.models import HotlineRequest
from borderlink.node import Node
from borderlink.shared import jobs, workfeed
from borderlink.shared.contracts import to_wire
from borderlink.shared.workfeed import Reason

log = logging.getLogger("borderlink.hotline.escalation")


JOB_NAME = "hotline escalation"


def run_escalations(session: Session, local_party: str, now: dt.datetime) -> int:
    """Escalate every overdue request this node owns by one tier; returns how many moved. Requests
    are claimed (another process running this job skips them) and each is escalated on its own:
    one that fails is skipped and counted, and the others still move."""
    overdue = session.scalars(jobs.claim(session,
        select(HotlineRequest)
        .where(HotlineRequest.owner_party == local_party)
        .where(HotlineRequest.status.in_(service.OPEN_STATUSES))
        .where(HotlineRequest.deadline_at <= now)
        .where(HotlineRequest.escalation_done.is_(False))
        .order_by(HotlineRequest.deadline_at)
        .limit(200), of=HotlineRequest,
    )).unique().all()
    return jobs.each_row(session, JOB_NAME, overdue, lambda s, request: _escalate(s, request, local_party, now),
                         describe=lambda request: f"request {request.id}").done


def _escalate(session: Session, request: HotlineRequest, local_party: str, now: dt.datetime) -> bool:
    sender = directory.get_unit(session, request.sender_unit_id)
    recipient = directory.get_unit(session, request.recipient_unit_id)
    level = request.escalation_level + 1
    targets = workfeed.escalation_targets(session, sender.id, recipient.id, level)
    ours, theirs = targets.ours, targets.theirs
    if targets.exhausted:
        # Already at the central tier: it stays overdue in every inbox that holds it.
        request.escalation_done = True
        return False
    deadline = now + service.deadline_for(session, request.priority)
    request.escalation_level = level
    request.deadline_at = deadline
    names = " / ".join(targets.codes)
    event = service.add_event(session, request, "escalated", now, local_party,
                              ours.code if ours else None,
                              REQUEST_TIMELINE.detail("escalated", level=level, units=names))
    assert event is not None
    if ours is not None:
        service.put_in_inbox(session, request, ours.id, "escalated", now, deadline)
    workfeed.set_deadline(session, service.feed_ref(request.id), deadline, reasons=(Reason.SENT, Reason.RECEIVED))
    message = EscalationMessage(request_id=request.id, level=level, deadline_at=deadline,
                                recipient_side_unit=theirs.code if theirs else None,
                                event=service.event_payload(event))
    exchange.enqueue(session, kind=EscalationMessage.message_kind, body=to_wire(message),
                     sender_unit=sender.code, recipient_unit=recipient.code,
                     handling_code=request.handling_code.value,
                     stream=service.stream_of(request.id))
    service.touch_inbox(session, request, now, except_unit=None)
    return True


def escalation_job(node: Node) -> jobs.Job:
    return jobs.Job(JOB_NAME, _pass, node.settings.hotline_escalation_interval_seconds)


async def escalation_loop(node: Node) -> None:
    await jobs.run_periodically(node, escalation_job(node))


def _pass(node: Node) -> None:
    moved = _run_once(node)
    if moved:
        log.info("escalated %d overdue hotline requests", moved)


def _run_once(node: Node) -> int:
    return node.run(lambda session: run_escalations(session, node.party, node.clock.now()),
                    what="an escalation pass")
