"""Unanswered hits move up the alert owner's tiers.

The node that owns the alert decides (its unit is the one that must answer): when a pending hit's
deadline passes, the unit one tier above the owning unit gets it too, urgent, with a new deadline;
the gate's node learns of it as a `gates.hit_escalation` message so both timelines show it.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.exchange import service as exchange
from borderlink.gates import hits
from borderlink.gates.contracts import HitEscalationMessage
from borderlink.gates.models import HIT_TIMELINE, Hit, HitStatus
from borderlink.node import Node
from borderlink.shared import jobs, workfeed
from borderlink.shared.contracts import to_wire
from borderlink.shared.workfeed import Reason

log = logging.getLogger("borderlink.gates.escalation")
JOB_NAME = "gate hit escalation"
INTERVAL_SECONDS = 5.0


def run_escalations(session: Session, local_party: str, now: dt.datetime) -> int:
    """Escalate every overdue pending hit on this node's alerts by one tier; returns how many moved."""
    overdue = session.scalars(jobs.claim(session, select(Hit)
        .where(Hit.alert_party == local_party, Hit.status == HitStatus.PENDING, Hit.deadline_at <= now,
               Hit.escalation_done.is_(False))
        .order_by(Hit.deadline_at).limit(200), of=Hit)).all()
    return jobs.each_row(session, JOB_NAME, overdue, lambda s, hit: _escalate(s, hit, local_party, now),
                         describe=lambda hit: f"hit {hit.id}").done


def _escalate(session: Session, hit: Hit, local_party: str, now: dt.datetime) -> bool:
    level = hit.escalation_level + 1
    target = workfeed.ancestor(session, hit.alert_unit_id, level)
    if target is None:
        # The top of the owner's tiers holds it already: it stays overdue in every feed.
        hit.escalation_done = True
        return False
    deadline = now + hits.deadline_for(session, hit.alert_kind)
    hit.escalation_level = level
    hit.deadline_at = deadline
    event = hits.add_event(session, hit, "escalated", now, local_party, target.code,
                           HIT_TIMELINE.detail("escalated", level=level, units=target.code))
    assert event is not None
    workfeed.put(session, hits.feed_ref(hit.id), target.id, Reason.ESCALATED, now, deadline=deadline, urgent=True)
    workfeed.set_deadline(session, hits.feed_ref(hit.id), deadline)
    if hit.owner_party != local_party:
        message = HitEscalationMessage.from_fields({"hit_id": hit.id, "level": level,
                                                    "event": hits.event_payload(event)})
        exchange.enqueue(session, kind=HitEscalationMessage.message_kind, body=to_wire(message),
                         sender_unit=directory.get_unit(session, hit.alert_unit_id).code,
                         recipient_unit=directory.get_unit(session, hit.gate_unit_id).code,
                         handling_code=hit.handling_code.value, stream=hits.stream_of(hit.id))
    workfeed.touch(session, hits.feed_ref(hit.id), now)
    return True


def _pass(node: Node) -> None:
    moved = node.run(lambda session: run_escalations(session, node.party, node.clock.now()),
                     what="a hit escalation pass")
    if moved:
        log.info("escalated %d unanswered hits", moved)


async def escalation_loop(node: Node) -> None:
    await jobs.run_periodically(node, jobs.Job(JOB_NAME, _pass, INTERVAL_SECONDS))
