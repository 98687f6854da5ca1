"""The peer rejected some of our envelopes: tell the domains that sent them.

Runs in the transaction that stores the peer's receipts. Each domain registers a hook per kind
(`registry.on_refused`); the hook gets our own envelope's parsed body and the peer's reason, so the
object concerned can show that the other side will not act on it.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy.orm import Session

from borderlink.exchange.registry import refusal_hook_for
from borderlink.shared.contracts import CONTRACTS, ContractViolation

log = logging.getLogger("borderlink.exchange.refusals")


def show_refusals(session: Session, refused: list[tuple[str, str]]) -> None:
    """`refused`: (the canonical envelope fields we sent, the peer's reason) per rejected envelope."""
    for content, reason in refused:
        fields = json.loads(content)
        hook = refusal_hook_for(fields["kind"])
        if hook is None:
            continue
        try:
            body = CONTRACTS.parse(fields["kind"], fields["body"])
        except ContractViolation as violation:
            # Sent before its contract changed: the refusal is still logged by the dispatcher.
            log.error("cannot show the refusal of %s: our own body no longer parses (%s)", fields["id"],
                      violation.reason)
            continue
        try:
            with session.begin_nested():
                hook(session, fields["id"], body, reason)
        except Exception:
            # Showing the refusal must never lose the receipt itself.
            log.exception("showing the peer's refusal of %s failed", fields["id"])
