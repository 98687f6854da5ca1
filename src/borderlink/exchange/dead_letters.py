"""An operator's decision on an inbound envelope parked as dead-lettered (its handler kept failing):
apply it again or reject it, then let its stream move on (`borderlink exchange retry|reject`)."""

from __future__ import annotations

import json

from borderlink.exchange import keys
from borderlink.exchange.context import node_context
from borderlink.exchange.envelope import envelope_from_fields
from borderlink.exchange.inbox import (
    _apply_held,
    _Batch,
    _run_handler,
    _save_streams,
    _stream,
    count_refusal,
    peer_actor,
)
from borderlink.exchange.models import InboxEnvelope
from borderlink.node import Node


class NotDeadLettered(Exception):
    pass


def resolve_dead_letter(node: Node, envelope_id: str, *, reject_reason: str | None = None) -> tuple[str, str | None]:
    """An operator's decision on a dead-lettered envelope: apply it again (`reject_reason` None) or
    reject it. Either way, once it is settled its stream moves on and the envelopes held behind it
    are applied. Returns the envelope's status and reason afterwards (still `dead_letter` if the
    handler failed again)."""
    context = node_context(node)
    peer = keys.require_peer(context.settings)
    with node.transaction(peer_actor(peer.party)) as session:
        row = session.get(InboxEnvelope, envelope_id, with_for_update=True)
        if row is None or row.status != "dead_letter":
            raise NotDeadLettered(f"no dead-lettered envelope {envelope_id}")
        batch = _Batch(session, context, peer, node.clock.now(), careful=True, clock=node.clock)
        state = _stream(batch, row.stream)
        applied_at = batch.applied_at()
        if reject_reason is not None:
            row.status, row.reason = "rejected", f"rejected by an operator: {reject_reason}"[:500]
        else:
            outcome = _run_handler(batch, envelope_from_fields(json.loads(row.content)), applied_at, final=True)
            assert outcome is not None
            row.status, row.reason = outcome
        if row.status == "dead_letter":
            return row.status, row.reason
        row.applied_at = applied_at if row.status == "applied" else None
        session.flush()
        state.next_seq = max(state.next_seq, row.seq + 1)
        state.touched = True
        while state.has_held and _apply_held(batch, row.stream, state):
            pass
        _save_streams(batch)
        for reason, count in batch.refusals.items():
            count_refusal(session, reason, batch.last_refusal.get(reason), batch.now, count)
        return row.status, row.reason
