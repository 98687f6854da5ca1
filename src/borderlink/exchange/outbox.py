"""The transactional outbox: an envelope is signed and stored in the caller's transaction, so it
commits together with the domain change that caused it, or not at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from borderlink.errors import InvalidInput
from borderlink.exchange import keys, messagelog
from borderlink.exchange.canonical import canonical
from borderlink.exchange.context import context_of, insert_ignoring_conflicts, now_of, wake_after_commit
from borderlink.exchange.envelope import (
    HANDLING_CODES,
    MAX_STREAM,
    MAX_UNIT,
    Envelope,
    SignedEnvelope,
    sign_envelope,
    truncate_ms,
    validate_kind,
)
from borderlink.exchange.models import OutboundStream, OutboxEnvelope
from borderlink.ids import new_id


def next_seq(session: Session, recipient_party: str, stream: str) -> int:
    """The stream's next sequence number. The UPDATE locks the counter row until commit, so
    concurrent enqueuers on one stream get consecutive numbers without gaps."""
    insert_ignoring_conflicts(session, OutboundStream.__table__,
                              {"recipient_party": recipient_party, "stream": stream, "last_seq": 0})
    result = session.execute(
        update(OutboundStream)
        .where(OutboundStream.recipient_party == recipient_party, OutboundStream.stream == stream)
        .values(last_seq=OutboundStream.last_seq + 1)
        .returning(OutboundStream.last_seq)
    )
    return int(result.scalar_one())


def _check_text(name: str, value: str | None, limit: int) -> None:
    if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
        raise InvalidInput(f"{name} must be a non-empty string of at most {limit} characters")


def enqueue(
    session: Session,
    *,
    kind: str,
    body: dict[str, Any],
    sender_unit: str | None,
    recipient_unit: str | None,
    handling_code: str = "H0",
    stream: str | None = None,
) -> str:
    context = context_of(session)
    peer = keys.load_peer(context.settings)
    if peer is None:
        raise InvalidInput("no peer node is configured; import the peer's identity first")
    validate_kind(kind)
    if handling_code not in HANDLING_CODES:
        raise InvalidInput(f"handling code must be one of {', '.join(HANDLING_CODES)}")
    _check_text("sender unit", sender_unit, MAX_UNIT)
    _check_text("recipient unit", recipient_unit, MAX_UNIT)
    stream = stream or kind
    _check_text("stream", stream, MAX_STREAM)
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    body_size = len(canonical(body))
    if body_size > context.limits.max_body_bytes:
        raise InvalidInput(f"the body is {body_size} bytes; the limit is {context.limits.max_body_bytes}")
    local = keys.load_local(context.settings)
    now = truncate_ms(now_of(session))
    envelope = Envelope(
        id=new_id(), sender_party=context.party, recipient_party=peer.party, sender_unit=sender_unit,
        recipient_unit=recipient_unit, kind=kind, handling_code=handling_code, created_at=now,
        stream=stream, seq=next_seq(session, peer.party, stream), body=body,
    )
    signed = sign_envelope(envelope, local.signing_key, local.key_id)
    store(session, signed)
    return envelope.id


def store(session: Session, signed: SignedEnvelope) -> None:
    envelope = signed.envelope
    session.execute(insert(OutboxEnvelope).values(
        id=envelope.id, recipient_party=envelope.recipient_party, kind=envelope.kind, stream=envelope.stream,
        seq=envelope.seq, content=signed.content.decode("utf-8"), content_hash=signed.content_hash,
        key_id=signed.key_id, signature=signed.signature, created_at=envelope.created_at, status="pending",
        attempts=0, next_attempt_at=envelope.created_at,
    ))
    messagelog.append(session, [messagelog.LogLine(
        "sent", envelope.recipient_party, envelope.id, envelope.kind, signed.content_hash,
    )], envelope.created_at)
    wake_after_commit(session)
