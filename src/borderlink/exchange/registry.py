"""Handlers that domains register for the envelope kinds they receive, with each kind's contract.

A domain registers a handler together with the body model it accepts:
`register_handler(RequestMessage, apply_request)`. The inbox parses and validates the body against
that model before the handler runs, so a handler only ever sees a valid, normalised body. The
handler runs inside the inbox transaction, so what it writes commits together with the record that
the envelope was applied, or not at all.

The domain that sends a kind may also react to the peer's receipt for it: to a refusal
(`on_refused`), or to the receipt saying the peer applied it (`on_applied`). A step the receiving
side takes when it applies an envelope can then be learnt from the receipt that is sent anyway,
instead of travelling back as a message of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.orm import Session

from borderlink.exchange.envelope import validate_kind
from borderlink.shared.contracts import CONTRACTS, ContractViolation, MessageBody

BodyT = TypeVar("BodyT", bound=MessageBody)
HookT = TypeVar("HookT")
AnswerT = TypeVar("AnswerT")
log = logging.getLogger("borderlink.exchange.registry")


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
    # This node's time of applying it, to the millisecond: the time its receipt states.
    received_at: dt.datetime
    # Whether the sender gets this node's "applied" receipt for it. Not so for an envelope applied
    # after it was held (the sender holds a "held" receipt already) or by an operator's decision:
    # what the sender would learn from the receipt must then travel as a message.
    receipted: bool


@dataclasses.dataclass(frozen=True, slots=True)
class AppliedEnvelope(Generic[BodyT]):
    """One of our envelopes that the peer's signed receipt says it applied."""

    id: str
    recipient_unit: str | None
    receiver_party: str
    received_at: dt.datetime  # the peer's time of applying it, as its receipt states
    body: BodyT


class Rejected(Exception):
    """Raised by a handler to refuse an envelope: the receipt says "rejected" with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Handler = Callable[[Session, InboundEnvelope[Any]], None]
RefusalHook = Callable[[Session, str, MessageBody, str], None]
"""Called when the peer rejects one of our envelopes: (session, envelope id, parsed body, reason)."""
AppliedHook = Callable[[Session, Sequence[AppliedEnvelope[Any]]], None]
"""Called when the peer's receipts say it applied some of our envelopes of one kind, with all of
them from one answer at once (also when it answers that it had applied one before: called again,
so a hook must be idempotent)."""

_handlers: dict[str, Handler] = {}
_refusal_hooks: dict[str, RefusalHook] = {}
_applied_hooks: dict[str, AppliedHook] = {}
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


def on_applied(contract: type[BodyT], hook: Callable[[Session, Sequence[AppliedEnvelope[BodyT]]], None]) -> None:
    """Let the domain that sent an envelope of this kind react when the peer's receipt says it
    applied it, in the transaction that stores the receipt."""
    with _lock:
        CONTRACTS.register(contract)
        _applied_hooks[contract.message_kind] = cast(AppliedHook, hook)


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def refusal_hook_for(kind: str) -> RefusalHook | None:
    return _refusal_hooks.get(kind)


def applied_hook_for(kind: str) -> AppliedHook | None:
    return _applied_hooks.get(kind)


def hooked_own_envelopes(
    sent: Iterable[tuple[str, AnswerT]], hook_for: Callable[[str], HookT | None]
) -> Iterator[tuple[str, dict[str, Any], HookT, MessageBody, AnswerT]]:
    """Of our own envelopes (their canonical fields as sent, each with the peer's answer to it), those
    whose kind has a hook: (id, fields, hook, body parsed again, answer). One whose body no longer
    parses was sent before its contract changed; it is logged and left out (the dispatcher still
    logs the answer itself)."""
    for content, answer in sent:
        fields = json.loads(content)
        hook = hook_for(fields["kind"])
        if hook is None:
            continue
        try:
            body = CONTRACTS.parse(fields["kind"], fields["body"])
        except ContractViolation as violation:
            log.error("cannot pass the peer's answer to %s on: our own body no longer parses (%s)",
                      fields["id"], violation.reason)
            continue
        yield fields["id"], fields, hook, body, answer


def registered_kinds() -> list[str]:
    return sorted(_handlers)
