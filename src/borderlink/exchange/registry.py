"""Handlers that domains register for the envelope kinds they receive.

A domain registers at import time: `register_handler("hotline.request", handle_request)`. The
handler runs inside the inbox transaction, so what it writes commits together with the record that
the envelope was applied, or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from borderlink.exchange.envelope import validate_kind


@dataclasses.dataclass(frozen=True, slots=True)
class InboundEnvelope:
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
    body: dict[str, Any]


class Rejected(Exception):
    """Raised by a handler to refuse an envelope: the receipt says "rejected" with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Handler = Callable[[Session, InboundEnvelope], None]

_handlers: dict[str, Handler] = {}
_lock = threading.Lock()


def register_handler(kind: str, handler: Handler) -> None:
    """Route inbound envelopes of `kind` to `handler`. Registering the same handler twice is fine."""
    validate_kind(kind)
    with _lock:
        existing = _handlers.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"a different handler is already registered for {kind!r}")
        _handlers[kind] = handler


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)
