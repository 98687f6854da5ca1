"""The peer applied some of our envelopes: tell the domains that sent them.

A receiving node takes some steps whenever it applies an envelope (a hotline request is delivered
to its unit as it is applied). Its signed receipt, which comes back anyway, says so; the domain's
hook (`registry.on_applied`) records the step from it, instead of the peer sending it back as a
message of its own (one envelope, one exchange round and one inbox transaction less each time).

Runs in the transaction that stores the receipts, in the peer's name (as the inbox applies what
the peer sends). All hooks of a round share one savepoint; only if one fails is each run again in
its own, so that a failing hook never loses the receipts, nor the others' steps.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from borderlink.audit.service import ACTOR_INFO, Actor
from borderlink.exchange.envelope import Receipt
from borderlink.exchange.registry import AppliedEnvelope, AppliedHook, applied_hook_for, hooked_own_envelopes

log = logging.getLogger("borderlink.exchange.applied")
APPLIED_STATUSES = frozenset({"applied", "duplicate"})


def has_hook(kind: str) -> bool:
    return applied_hook_for(kind) is not None


def show_applied(session: Session, applied: list[tuple[str, Receipt]]) -> None:
    """`applied`: (the canonical envelope fields we sent, the peer's receipt saying it applied
    them) per envelope whose kind has a hook. Each hook gets all of its kind's envelopes at once,
    so that it can read what they concern in one statement."""
    by_hook: dict[AppliedHook, list[AppliedEnvelope[Any]]] = {}
    for envelope_id, fields, hook, body, receipt in hooked_own_envelopes(applied, applied_hook_for):
        by_hook.setdefault(hook, []).append(AppliedEnvelope(
            envelope_id, fields.get("recipient_unit"), receipt.receiver_party, receipt.received_at, body))
    if not by_hook:
        return
    actor = session.info.get(ACTOR_INFO)
    first = next(iter(by_hook.values()))[0]
    session.info[ACTOR_INFO] = Actor(None, None, f"peer:{first.receiver_party}")
    try:
        try:
            with session.begin_nested():
                for hook, envelopes in by_hook.items():
                    hook(session, envelopes)
        except Exception:
            for hook, envelopes in by_hook.items():
                for envelope in envelopes:
                    try:
                        with session.begin_nested():
                            hook(session, [envelope])
                    except Exception:
                        # The receipt itself is stored all the same.
                        log.exception("recording what the peer's receipt of %s says failed", envelope.id)
    finally:
        if actor is None:
            session.info.pop(ACTOR_INFO, None)
        else:
            session.info[ACTOR_INFO] = actor
