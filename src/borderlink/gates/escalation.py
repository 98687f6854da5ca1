"""Unanswered hits move up the alert owner's tiers.

The node that owns the alert decides (its unit is the one that must answer): when a pending hit's
deadline passes, the unit one tier above the owning unit gets it too, urgent, with a new deadline;
the gate's node learns of it as a `gates.hit_escalation` message so both timelines show it. The
shared mechanism is shared/escalation.py.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.gates import hits, settings
from borderlink.gates.contracts import HitEscalationMessage
from borderlink.gates.models import HIT_TIMELINE, Hit, HitStatus
from borderlink.shared.escalation import Escalation, Step
from borderlink.shared.replicated import send


def _tell_the_gate(session: Session, hit: Hit, step: Step) -> None:
    if hit.owner_party == step.local_party:
        return  # our own gate's hit: its node is this one
    message = HitEscalationMessage.from_fields({"hit_id": hit.id, "level": step.level,
                                                "event": hits.event_payload(step.event)})
    send(session, message, hit, sender_unit=directory.get_unit(session, hit.alert_unit_id).code,
         recipient_unit=directory.get_unit(session, hit.gate_unit_id).code, stream=hits.HIT_KIND.stream(hit.id))


HITS = Escalation(
    name="gate hit escalation", model=Hit, timeline=HIT_TIMELINE,
    pending=lambda party: [Hit.alert_party == party, Hit.status == HitStatus.PENDING],
    units=lambda _session, hit: (hit.alert_unit_id, None),  # only the alert's side answers a hit
    deadline=lambda session, hit: settings.hit_deadline(session, hit.alert_kind),
    record=hits.add_event, tell_peer=_tell_the_gate,
)
