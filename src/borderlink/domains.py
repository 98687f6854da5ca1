"""Wires the domains into a node: message handlers they receive and background work they run."""

from __future__ import annotations

import functools

from borderlink.directory import codes as directory_codes
from borderlink.exchange import codes as exchange_codes
from borderlink.hotline import codes as hotline_codes
from borderlink.hotline import escalation
from borderlink.hotline import messages as hotline_messages
from borderlink.node import Node
from borderlink.safeguards import codes as safeguards_codes
from borderlink.shared.codelists import CodeList


def register_message_handlers() -> None:
    """Idempotent: every process that applies inbound envelopes needs these."""
    hotline_messages.register()


def setup(node: Node) -> None:
    register_message_handlers()
    if escalation.escalation_loop not in node.background_tasks:
        node.background_tasks.append(escalation.escalation_loop)


@functools.cache
def code_lists() -> dict[str, CodeList]:
    """Every code list of the node's domains, by name."""
    found: dict[str, CodeList] = {}
    for lists in (directory_codes.CODE_LISTS, exchange_codes.CODE_LISTS, safeguards_codes.CODE_LISTS,
                  hotline_codes.CODE_LISTS):
        for name, code_list in lists.items():
            if name in found:
                raise ValueError(f"code list {name} is declared twice")
            found[name] = code_list
    return found
