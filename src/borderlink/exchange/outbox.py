"""The transactional outbox: an envelope is signed and stored in the caller's transaction, so it
commits together with the domain change that caused it, or not at all."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from borderlink.errors import InvalidInput
from borderlink.exchange import keys, messagelog
from borderlink.exchange.canonical import canonical
from borderlink.exchange.context import context_of, now_of, wake_after_commit
from borderlink.exchange.envelope import (
    HANDLING_CODES,
    MAX_STREAM,
    MAX_UNIT,
    Envelope,
    sign_envelope,
    truncate_ms,
    validate_kind,
)
from borderlink.exchange.models import OutboundStream, OutboxEnvelope
from borderlink.ids import new_id

OUTBOX = cast(Table, OutboxEnvelope.__table__)
STREAMS = cast(Table, OutboundStream.__table__)
# Built once: statement construction costs more than executing it, and enqueue is on hot paths.
_INSERT_OUTBOX = insert(OUTBOX)


def _reserve_statement(dialect: Any) -> Any:
    # One statement for a new stream and an existing one alike: most streams (one per hotline
    # request) are new, and the UPDATE, INSERT, UPDATE it took before were three round trips.
    statement = dialect.insert(STREAMS)
    return statement.on_conflict_do_update(
        index_elements=[STREAMS.c.recipient_party, STREAMS.c.stream],
        set_={"last_seq": STREAMS.c.last_seq + statement.excluded.last_seq},
    ).returning(STREAMS.c.last_seq)


_RESERVE_SEQS = {"postgresql": _reserve_statement(postgresql), "sqlite": _reserve_statement(sqlite)}


@dataclasses.dataclass(frozen=True, slots=True)
class Outgoing:
    kind: str
    body: dict[str, Any]
    sender_unit: str | None = None
    recipient_unit: str | None = None
    handling_code: str = "H0"
    stream: str | None = None


def reserve_seqs(session: Session, recipient_party: str, stream: str, how_many: int = 1) -> int:
    """Reserve the stream's next `how_many` sequence numbers; returns the first. The UPDATE locks the
    counter row until commit, so concurrent enqueuers on one stream never get the same numbers."""
    connection = session.connection()
    statement = _RESERVE_SEQS.get(connection.dialect.name)
    if statement is None:
        raise InvalidInput(f"unsupported database {connection.dialect.name}")
    last = connection.execute(statement, {"recipient_party": recipient_party, "stream": stream,
                                          "last_seq": how_many}).scalar_one()
    return int(last) - how_many + 1


def _check_text(name: str, value: str | None, limit: int) -> None:
    if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
        raise InvalidInput(f"{name} must be a non-empty string of at most {limit} characters")


def _check(item: Outgoing, max_body_bytes: int) -> tuple[str, bytes]:
    """The item's stream and its body's canonical bytes (measured here, signed later)."""
    validate_kind(item.kind)
    if item.handling_code not in HANDLING_CODES:
        raise InvalidInput(f"handling code must be one of {', '.join(HANDLING_CODES)}")
    _check_text("sender unit", item.sender_unit, MAX_UNIT)
    _check_text("recipient unit", item.recipient_unit, MAX_UNIT)
    stream = item.stream or item.kind
    _check_text("stream", stream, MAX_STREAM)
    if not isinstance(item.body, dict):
        raise InvalidInput("the body must be a JSON object")
    body_bytes = canonical(item.body)
    if len(body_bytes) > max_body_bytes:
        raise InvalidInput(f"the body is {len(body_bytes)} bytes; the limit is {max_body_bytes}")
    return stream, body_bytes


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
    """Sign an envelope for the peer and queue it in the caller's transaction; returns its id."""
    return enqueue_many(session, [Outgoing(kind, body, sender_unit, recipient_unit, handling_code, stream)])[0]


def enqueue_many(session: Session, items: list[Outgoing]) -> list[str]:
    """Queue several envelopes at once (in order); cheaper per envelope than one by one."""
    context = context_of(session)
    peer = keys.load_peer(context.settings)
    if peer is None:
        raise InvalidInput("no peer node is configured; import the peer's identity first")
    checked = [_check(item, context.limits.max_body_bytes) for item in items]
    streams = [stream for stream, _ in checked]
    local = keys.load_local(context.settings)
    now = truncate_ms(now_of(session))
    wanted: dict[str, int] = {}
    for stream in streams:
        wanted[stream] = wanted.get(stream, 0) + 1
    next_seq = {stream: reserve_seqs(session, peer.party, stream, count) for stream, count in wanted.items()}
    rows: list[dict[str, Any]] = []
    lines: list[messagelog.LogLine] = []
    for item, (stream, body_bytes) in zip(items, checked, strict=True):
        envelope = Envelope(
            id=new_id(), sender_party=context.party, recipient_party=peer.party, sender_unit=item.sender_unit,
            recipient_unit=item.recipient_unit, kind=item.kind, handling_code=item.handling_code,
            created_at=now, stream=stream, seq=next_seq[stream], body=item.body,
        )
        next_seq[stream] += 1
        signed = sign_envelope(envelope, local.signing_key, local.key_id, body_bytes)
        rows.append({
            "id": envelope.id, "recipient_party": peer.party, "kind": envelope.kind, "stream": stream,
            "seq": envelope.seq, "content": signed.content.decode("utf-8"), "content_hash": signed.content_hash,
            "key_id": signed.key_id, "signature": signed.signature, "created_at": now, "status": "pending",
            "attempts": 0, "next_attempt_at": now, "last_error": None, "delivered_at": None,
        })
        lines.append(messagelog.LogLine("sent", peer.party, envelope.id, envelope.kind, signed.content_hash))
    if rows:
        session.connection().execute(_INSERT_OUTBOX, rows)
        messagelog.append(session, lines, now)
        wake_after_commit(session)
    return [row["id"] for row in rows]
