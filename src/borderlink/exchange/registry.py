"""Handlers that domains register for the envelope kinds they receive, with each kind's contract.

A domain registers a handler together with the body model it accepts:
`register_handler(RequestMessage, apply_request)`. The inbox parses and validates the body against
that model before the handler runs, so a handler only ever sees a valid, normalised body. The
handler runs inside the inbox transaction, so what it writes commits together with the record that
the envelope was applied, or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.orm import Session

from borderlink.exchange.envelope import validate_kind
from borderlink.shared.contracts import CONTRACTS, MessageBody

BodyT = TypeVar("BodyT", bound=MessageBody)


@dataclasses.dataclass(frozen=True, slots=True)
class InboundEnvelope(Generic[BodyT]):
    id: str
    kind: str
    sender_party: str
    recipient_party: str
    sender_unit: str | None
    recipient_unit: str | None
    handling_code: str
    created_at: dt.datetime
    stream: str
    seq: int
    body: BodyT


class Rejected(Exception):
    """Raised by a handler to refuse an envelope: the receipt says "rejected" with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Handler = Callable[[Session, InboundEnvelope[Any]], None]
RefusalHook = Callable[[Session, str, MessageBody, str], None]
"""Called when the peer rejects one of our envelopes: (session, envelope id, parsed body, reason)."""

_handlers: dict[str, Handler] = {}
_refusal_hooks: dict[str, RefusalHook] = {}
_lock = threading.Lock()


def register_handler(contract: type[BodyT], handler: Callable[[Session, InboundEnvelope[BodyT]], None]) -> None:
    """Route inbound envelopes of the contract's kind to `handler`. Registering the same pair twice
    is fine; the kind must not already have a different handler."""
    kind = validate_kind(contract.message_kind)
    with _lock:
        existing = _handlers.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"a different handler is already registered for {kind!r}")
        CONTRACTS.register(contract)
        _handlers[kind] = cast(Handler, handler)


def on_refused(contract: type[BodyT], hook: Callable[[Session, str, BodyT, str], None]) -> None:
    """Let the domain that sent an envelope of this kind react when the peer rejects it."""
    with _lock:
        CONTRACTS.register(contract)
        _refusal_hooks[contract.message_kind] = cast(RefusalHook, hook)


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def refusal_hook_for(kind: str) -> RefusalHook | None:
    return _refusal_hooks.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)
