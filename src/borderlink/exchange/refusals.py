"""The peer rejected some of our envelopes: tell the domains that sent them.

Runs in the transaction that stores the peer's receipts. Each domain registers a hook per kind
(`registry.on_refused`); the hook gets our own envelope's parsed body and the peer's reason, so the
object concerned can show that the other side will not act on it.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from borderlink.exchange.registry import hooked_own_envelopes, refusal_hook_for

log = logging.getLogger("borderlink.exchange.refusals")


def show_refusals(session: Session, refused: list[tuple[str, str]]) -> None:
    """`refused`: (the canonical envelope fields we sent, the peer's reason) per rejected envelope."""
    for envelope_id, _fields, hook, body, reason in hooked_own_envelopes(refused, refusal_hook_for):
        try:
            with session.begin_nested():
                hook(session, envelope_id, body, reason)
        except Exception:
            # Showing the refusal must never lose the receipt itself.
            log.exception("showing the peer's refusal of %s failed", envelope_id)
