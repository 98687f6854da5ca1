"""Wires the domains into a node: message handlers they receive and background work they run."""

from __future__ import annotations

from borderlink.hotline import escalation
from borderlink.hotline import messages as hotline_messages
from borderlink.node import Node


def register_message_handlers() -> None:
    """Idempotent: every process that applies inbound envelopes needs these."""
    hotline_messages.register()


def setup(node: Node) -> None:
    register_message_handlers()
    if escalation.escalation_loop not in node.background_tasks:
        node.background_tasks.append(escalation.escalation_loop)
