"""The inbox: verify each envelope of a federation request, de-duplicate it, apply it in stream
order (holding early arrivals until the gap fills), and answer with a signed receipt per envelope.

One request is one transaction: handlers' writes, the de-duplication records, stream positions and
the message log commit together, before any receipt leaves the node.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from typing import Any, cast

from sqlalchemy import BigInteger, Table, bindparam, insert, literal, select, text, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from borderlink.audit.service import Actor
from borderlink.clock import Clock
from borderlink.exchange import keys, known_objects, messagelog
from borderlink.exchange.canonical import canonical, sha256_hex
from borderlink.exchange.context import ExchangeContext, insert_ignoring_conflicts, node_context
from borderlink.exchange.envelope import (
    MAX_STREAM,
    UUID_PATTERN,
    Envelope,
    Malformed,
    Receipt,
    WireEnvelope,
    envelope_from_fields,
    parse_time,
    parse_wire_envelope,
    sign_receipt,
    signature_valid,
)
from borderlink.exchange.links import heard_from
from borderlink.exchange.models import HandlerFailure, InboundStream, InboxEnvelope, RefusalCount
from borderlink.exchange.registry import InboundEnvelope, Rejected, handler_for
from borderlink.node import Node
from borderlink.shared.contracts import CONTRACTS, ContractViolation, MessageBody
from borderlink.shared.retry import retry_once

log = logging.getLogger("borderlink.exchange.inbox")

INBOX = cast(Table, InboxEnvelope.__table__)
STREAMS = cast(Table, InboundStream.__table__)
# Statements on the hot path are built once: building them costs more than running them.
_INSERT_INBOX = insert(INBOX)
_SEEN = select(INBOX.c.id, INBOX.c.content_hash, INBOX.c.status, INBOX.c.reason, INBOX.c.applied_at).where(
    INBOX.c.id.in_(bindparam("ids", expanding=True)))
_NEXT_SEQ = select(STREAMS.c.next_seq).where(
    STREAMS.c.sender_party == bindparam("peer"), STREAMS.c.stream == bindparam("stream_name"))
# The keys come sorted; the locks are taken in that order, one after the other.
_LOCK_STREAMS = text("SELECT count(pg_advisory_xact_lock(k)) FROM "
                     "(SELECT k FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS ordered")
_ANY_HELD = select(INBOX.c.id).where(
    INBOX.c.sender_party == bindparam("peer"), INBOX.c.stream == bindparam("stream_name"),
    INBOX.c.status == "held").limit(1)
# A batch's streams are read in one statement, whatever their number (most hotline streams are
# new: one per request), and written back in one: each stream's next sequence number (a row with
# `held` 0), and each stream holding an envelope for later (a row with `held` 1).
_STREAM_STATES = union_all(
    select(STREAMS.c.stream, STREAMS.c.next_seq, literal(0).label("held")).where(
        STREAMS.c.sender_party == bindparam("peer"), STREAMS.c.stream.in_(bindparam("names", expanding=True))),
    select(INBOX.c.stream, literal(None, BigInteger), literal(1)).where(
        INBOX.c.sender_party == bindparam("peer"), INBOX.c.stream.in_(bindparam("names", expanding=True)),
        INBOX.c.status == "held").distinct(),
)


def _save_statement(dialect: Any) -> Any:
    statement = dialect.insert(STREAMS)
    return statement.on_conflict_do_update(index_elements=[STREAMS.c.sender_party, STREAMS.c.stream],
                                           set_={"next_seq": statement.excluded.next_seq})


_SAVE_STREAMS = {"postgresql": _save_statement(postgresql), "sqlite": _save_statement(sqlite)}
REFUSAL_REASONS = (
    "malformed", "oversized", "unknown_key", "bad_signature", "wrong_recipient", "clock_skew",
    "unknown_kind", "replay", "stream_gap", "invalid_body", "handler_rejected",
)


class RequestRefused(Exception):
    def __init__(self, status_code: int, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.status_code = status_code
        self.reason = reason
        self.detail = detail


@dataclasses.dataclass
class _StreamState:
    next_seq: int
    has_held: bool
    touched: bool = False


@dataclasses.dataclass
class _Batch:
    session: Session
    context: ExchangeContext
    peer: keys.PeerIdentity
    now: dt.datetime
    careful: bool  # savepoint per handler (slower; used once a handler has raised in this batch)
    streams: dict[str, _StreamState] = dataclasses.field(default_factory=dict)
    # Per envelope id received before: its content hash, status, reason and time of applying.
    seen: dict[str, tuple[str, str, str | None, dt.datetime | None]] = dataclasses.field(default_factory=dict)
    receipts: list[Receipt] = dataclasses.field(default_factory=list)
    refusals: Counter[str] = dataclasses.field(default_factory=Counter)
    last_refusal: dict[str, str] = dataclasses.field(default_factory=dict)
    log_lines: list[messagelog.LogLine] = dataclasses.field(default_factory=list)
    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # inbox rows not yet inserted
    slots: set[tuple[str, int]] = dataclasses.field(default_factory=set)  # (stream, seq) stored this batch
    clock: Clock | None = None  # read for each envelope applied; without it, the batch's time
    last_applied_at: dt.datetime | None = None

    def applied_at(self) -> dt.datetime:
        """The time of applying the next envelope, to the millisecond as its receipt states it, and
        a millisecond after the batch's previous one at least: receipts, and the steps the sender
        learns from them, show the order in which the envelopes were applied."""
        now = self.clock.now() if self.clock is not None else self.now
        moment = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self.last_applied_at is not None and moment <= self.last_applied_at:
            moment = self.last_applied_at + dt.timedelta(milliseconds=1)
        self.last_applied_at = moment
        return moment


def peer_actor(party: str) -> Actor:
    return Actor(None, None, f"peer:{party}")


def handle_request(node: Node, raw: bytes) -> dict[str, Any]:
    """Process one federation POST. Raises RequestRefused for a request refused as a whole."""
    context = node_context(node)
    now = node.clock.now()
    peer = keys.require_peer(context.settings)
    try:
        items = _parse_request(raw, context, peer, now)
    except RequestRefused as refused:
        record_request_refusal(node, refused)
        raise
    local = keys.load_local(context.settings)

    def attempt(careful: bool) -> dict[str, Any]:
        return retry_once(node.session_factory, "an inbound batch",
                          lambda: _process_batch(node, items, context, peer, local, now, careful=careful))

    try:
        return attempt(False)
    except _HandlerRaised:
        # Rare: a handler refused or failed. The whole attempt was rolled back; doing it again with a
        # savepoint around each handler keeps everything else in the batch.
        return attempt(True)


def record_request_refusal(node: Node, refused: RequestRefused) -> None:
    """Log and count a request refused as a whole; nothing else changes."""
    peer = keys.require_peer(node.settings)
    log.warning("refused a federation request from %s: %s (%s)", peer.party, refused.reason, refused.detail)
    with node.transaction(peer_actor(peer.party)) as session:
        count_refusal(session, refused.reason, refused.detail, node.clock.now())


class _HandlerRaised(Exception):
    pass


def _process_batch(node: Node, items: list[Any], context: ExchangeContext, peer: keys.PeerIdentity,
                   local: keys.LocalIdentity, now: dt.datetime, *, careful: bool) -> dict[str, Any]:
    with node.transaction(peer_actor(peer.party)) as session:
        batch = _Batch(session, context, peer, now, careful=careful, clock=node.clock)
        # Also the batch's first statement: it opens the transaction before any savepoint.
        heard_from(session, peer.party, now)
        names = _stream_names(items)
        _lock_streams(batch, names)
        _prefetch_seen(batch, items)
        _prefetch_streams(batch, names)
        known_objects.look_up_batch(session, items)
        for item in items:
            _process_item(batch, item)
        _flush_rows(batch)
        if batch.log_lines:
            messagelog.append(session, batch.log_lines, now)
        _save_streams(batch)
        for reason, count in batch.refusals.items():
            count_refusal(session, reason, batch.last_refusal.get(reason), now, count)
    # Signed once committed: the receipts say what the commit holds, and the write lock (SQLite)
    # or the streams' locks (PostgreSQL) are not held meanwhile.
    signed = [sign_receipt(receipt, local.signing_key, local.key_id) for receipt in batch.receipts]
    return {"receiver": context.party, "receipts": [receipt.wire() for receipt in signed]}


def _parse_request(raw: bytes, context: ExchangeContext, peer: keys.PeerIdentity, now: dt.datetime) -> list[Any]:
    limits = context.limits
    if len(raw) > limits.max_request_bytes:
        raise RequestRefused(413, "oversized", f"request of {len(raw)} bytes exceeds {limits.max_request_bytes}")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestRefused(400, "malformed", f"request is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("envelopes"), list):
        raise RequestRefused(400, "malformed", "request must be an object with an 'envelopes' list")
    if len(data["envelopes"]) > limits.max_batch:
        raise RequestRefused(413, "oversized", f"{len(data['envelopes'])} envelopes exceed {limits.max_batch}")
    if data.get("sender") != peer.party:
        raise RequestRefused(403, "unknown_key", f"request from {data.get('sender')!r}, not the peer {peer.party}")
    # The request's send time is checked in both directions (the channel is authenticated by the
    # pinned client certificate). Envelopes are only checked against the future: an envelope that
    # waited in the outbox while this node was offline is old, and that is not an error.
    try:
        sent_at = parse_time(data.get("sent_at"))  # type: ignore[arg-type]
    except Malformed as exc:
        raise RequestRefused(400, "malformed", str(exc)) from exc
    skew = abs((sent_at - now).total_seconds())
    if skew > limits.max_clock_skew_seconds:
        raise RequestRefused(400, "clock_skew", f"the peer's clock is {skew:.0f} s off ours "
                                                f"(limit {limits.max_clock_skew_seconds:.0f} s)")
    items: list[Any] = data["envelopes"]
    return items


def count_refusal(session: Session, reason: str, detail: str | None, now: dt.datetime, count: int = 1) -> None:
    insert_ignoring_conflicts(session, RefusalCount.__table__,
                              {"reason": reason, "count": 0, "last_at": now, "last_detail": None})
    session.execute(update(RefusalCount).where(RefusalCount.reason == reason).values(
        count=RefusalCount.count + count, last_at=now, last_detail=(detail or "")[:2000]))


def _refuse(batch: _Batch, item: Any, reason: str, detail: str, wire: WireEnvelope | None = None) -> None:
    envelope_id = wire.envelope.id if wire else _claimed_id(item)
    log.warning("refused envelope %s from %s: %s (%s)", envelope_id or "?", batch.peer.party, reason, detail)
    batch.refusals[reason] += 1
    batch.last_refusal[reason] = f"{envelope_id or '?'}: {detail}"
    if envelope_id is None:
        return  # nothing to name in a receipt; the sender sees no receipt for it
    content_hash = wire.content_hash if wire else _loose_hash(item)
    batch.receipts.append(Receipt(envelope_id, content_hash, "rejected", f"{reason}: {detail}"[:500],
                                  batch.context.party, batch.now))


def _claimed_id(item: Any) -> str | None:
    fields = item.get("envelope") if isinstance(item, dict) else None
    value = fields.get("id") if isinstance(fields, dict) else None
    return value if isinstance(value, str) and UUID_PATTERN.match(value) else None


def _loose_hash(item: Any) -> str:
    try:
        return sha256_hex(canonical(item.get("envelope")))
    except Exception:
        return sha256_hex(json.dumps(item, sort_keys=True, default=str).encode("utf-8"))


def _process_item(batch: _Batch, item: Any) -> None:
    context, peer = batch.context, batch.peer
    try:
        wire = parse_wire_envelope(item)
    except Malformed as exc:
        _refuse(batch, item, "malformed", str(exc))
        return
    envelope = wire.envelope
    # The body is part of the content, so only a large envelope needs its body measured.
    body_size = len(canonical(envelope.body)) if len(wire.content) > context.limits.max_body_bytes else 0
    if body_size > context.limits.max_body_bytes:
        _refuse(batch, item, "oversized", f"body of {body_size} bytes exceeds {context.limits.max_body_bytes}",
                wire)
        return
    if envelope.sender_party != peer.party or wire.key_id != peer.key_id:
        _refuse(batch, item, "unknown_key", f"key {wire.key_id!r} of {envelope.sender_party} is not the pinned "
                                            f"key of peer {peer.party}", wire)
        return
    if not signature_valid(peer.public_key, wire.content, wire.signature):
        _refuse(batch, item, "bad_signature", "the signature does not verify with the peer's key", wire)
        return
    if envelope.recipient_party != context.party:
        _refuse(batch, item, "wrong_recipient", f"addressed to {envelope.recipient_party}, this is "
                                                f"{context.party}", wire)
        return
    ahead = (envelope.created_at - batch.now).total_seconds()
    if ahead > context.limits.max_clock_skew_seconds:
        _refuse(batch, item, "clock_skew", f"created {ahead:.0f} s in the future", wire)
        return
    if handler_for(envelope.kind) is None:
        _refuse(batch, item, "unknown_kind", f"no handler for kind {envelope.kind!r}", wire)
        return
    if _answer_if_seen(batch, item, wire):
        return
    state = _stream(batch, envelope.stream)
    if envelope.seq < state.next_seq:
        _refuse(batch, item, "replay", f"stream {envelope.stream!r} seq {envelope.seq} was already used by "
                                       "another envelope", wire)
        return
    if envelope.seq > state.next_seq + context.limits.stream_window:
        _refuse(batch, item, "stream_gap", f"seq {envelope.seq} is more than {context.limits.stream_window} "
                                           f"ahead of the next expected {state.next_seq}", wire)
        return
    if (envelope.seq > state.next_seq or state.has_held) and not _slot_free(batch, envelope):
        _refuse(batch, item, "replay", f"stream {envelope.stream!r} seq {envelope.seq} is already held for "
                                       "another envelope", wire)
        return
    if envelope.seq > state.next_seq:
        _store(batch, wire, "held", None)
        state.has_held = True
        batch.receipts.append(Receipt(envelope.id, wire.content_hash, "held", None, context.party, batch.now))
        return
    _apply_and_drain(batch, wire, state)


def _answer_if_seen(batch: _Batch, item: Any, wire: WireEnvelope) -> bool:
    envelope = wire.envelope
    known = batch.seen.get(envelope.id)
    if known is None:
        return False
    content_hash, status, reason, applied_at = known
    if content_hash != wire.content_hash:
        _refuse(batch, item, "replay", "an envelope with this id but different content was already received", wire)
        return True
    # A dead-lettered envelope is kept here for an operator: to the sender it is held.
    answer = {"applied": "duplicate", "held": "held", "rejected": "rejected", "dead_letter": "held"}[status]
    # A duplicate's receipt states when the envelope was applied, as its first receipt did: the
    # sender may not have stored that one, and a step it learns from the receipt keeps its time.
    batch.receipts.append(Receipt(envelope.id, wire.content_hash, answer, reason, batch.context.party,
                                  applied_at if answer == "duplicate" and applied_at else batch.now))
    return True


def _prefetch_seen(batch: _Batch, items: list[Any]) -> None:
    ids = [envelope_id for envelope_id in map(_claimed_id, items) if envelope_id is not None]
    for start in range(0, len(ids), 500):
        rows = batch.session.connection().execute(_SEEN, {"ids": ids[start:start + 500]})
        for row in rows:
            batch.seen[row.id] = (row.content_hash, row.status, row.reason, row.applied_at)


def _stream_names(items: list[Any]) -> list[str]:
    """The well-formed stream names the batch's envelopes claim, sorted (checked properly later)."""
    names = {fields.get("stream") for fields in (item.get("envelope") if isinstance(item, dict) else None
                                                 for item in items) if isinstance(fields, dict)}
    return sorted(name for name in names if isinstance(name, str) and 0 < len(name) <= MAX_STREAM)


def _lock_streams(batch: _Batch, names: list[str]) -> None:
    """On PostgreSQL, take a transaction lock on every stream the batch names, in one sorted order,
    before anything is read: two processes of this node receiving batches at once then apply each
    stream strictly in turn (neither misses the other's held envelopes), and two batches naming
    the same streams cannot take them in opposite orders. Advisory locks, so that an envelope
    refused later leaves no row behind."""
    if batch.session.get_bind().dialect.name != "postgresql":
        return  # SQLite's transactions hold the write lock from their start
    keys_ = sorted({_stream_lock_key(batch.peer.party, name) for name in names})
    if keys_:
        batch.session.connection().execute(_LOCK_STREAMS, {"keys": keys_})


def _prefetch_streams(batch: _Batch, names: list[str]) -> None:
    """Where each of the batch's streams stands, read once for all of them (after their locks)."""
    connection = batch.session.connection()
    party = batch.peer.party
    for start in range(0, len(names), 500):
        chunk = names[start:start + 500]
        rows = connection.execute(_STREAM_STATES, {"peer": party, "names": chunk}).all()
        next_seqs, held = {row[0]: row[1] for row in rows if not row[2]}, {row[0] for row in rows if row[2]}
        for name in chunk:
            batch.streams[name] = _StreamState(int(next_seqs.get(name) or 1), name in held)


def _stream_lock_key(party: str, stream: str) -> int:
    digest = hashlib.blake2b(f"inbound-stream\n{party}\n{stream}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _stream(batch: _Batch, stream: str) -> _StreamState:
    state = batch.streams.get(stream)
    if state is None:
        party = batch.peer.party
        connection = batch.session.connection()
        next_seq = connection.execute(_NEXT_SEQ, {"peer": party, "stream_name": stream}).scalar()
        has_held = connection.execute(_ANY_HELD, {"peer": party, "stream_name": stream}).first() is not None
        state = _StreamState(int(next_seq or 1), has_held)
        batch.streams[stream] = state
    return state


def _slot_free(batch: _Batch, envelope: Envelope) -> bool:
    if (envelope.stream, envelope.seq) in batch.slots:
        return False
    taken = batch.session.scalar(select(InboxEnvelope.id).where(
        InboxEnvelope.sender_party == envelope.sender_party, InboxEnvelope.stream == envelope.stream,
        InboxEnvelope.seq == envelope.seq))
    return taken is None


def _store(batch: _Batch, wire: WireEnvelope, status: str, reason: str | None,
           applied_at: dt.datetime | None = None) -> None:
    envelope = wire.envelope
    batch.rows.append({
        "id": envelope.id, "sender_party": envelope.sender_party, "stream": envelope.stream, "seq": envelope.seq,
        "kind": envelope.kind, "content_hash": wire.content_hash, "content": wire.content.decode("utf-8"),
        "key_id": wire.key_id, "signature": wire.signature, "status": status, "reason": reason,
        "received_at": batch.now, "applied_at": applied_at if status == "applied" else None,
    })
    batch.seen[envelope.id] = (wire.content_hash, status, reason, applied_at if status == "applied" else None)
    batch.slots.add((envelope.stream, envelope.seq))
    batch.log_lines.append(messagelog.LogLine("received", envelope.sender_party, envelope.id, envelope.kind,
                                              wire.content_hash))


def _flush_rows(batch: _Batch) -> None:
    # One multi-row INSERT per batch instead of one statement per envelope.
    if batch.rows:
        batch.session.connection().execute(_INSERT_INBOX, batch.rows)
        batch.rows = []


def _inbound(envelope: Envelope, body: MessageBody, applied_at: dt.datetime, *,
             receipted: bool) -> InboundEnvelope[MessageBody]:
    return InboundEnvelope(
        id=envelope.id, kind=envelope.kind, sender_party=envelope.sender_party,
        recipient_party=envelope.recipient_party, sender_unit=envelope.sender_unit,
        recipient_unit=envelope.recipient_unit, handling_code=envelope.handling_code,
        created_at=envelope.created_at, stream=envelope.stream, seq=envelope.seq, body=body,
        received_at=applied_at, receipted=receipted,
    )


def _run_handler(batch: _Batch, envelope: Envelope, applied_at: dt.datetime, *,
                 final: bool = False) -> tuple[str, str | None] | None:
    """Apply one envelope: (status, reason), or None if the handler failed and the sender should
    try again. After the last allowed attempt (or at once when `final`: nobody would send it
    again) a failure dead-letters it: ("dead_letter", error)."""
    handler = handler_for(envelope.kind)
    if handler is None:
        return "rejected", f"unknown_kind: no handler for kind {envelope.kind!r}"
    try:
        # The body is checked against its kind's contract before any handler sees it.
        # Only an envelope applied in its turn (not `final`) is answered with an "applied" receipt.
        inbound = _inbound(envelope, CONTRACTS.parse(envelope.kind, envelope.body), applied_at, receipted=not final)
    except ContractViolation as violation:
        return _refused_on_content(batch, envelope, "invalid_body", violation.reason)
    if not batch.careful:
        # Savepoints cost more than the handlers themselves; without them, any exception undoes
        # the whole batch, which is then processed again carefully.
        try:
            handler(batch.session, inbound)
        except Exception as exc:
            raise _HandlerRaised from exc
        return "applied", None
    try:
        with batch.session.begin_nested():
            handler(batch.session, inbound)
    except Rejected as verdict:
        return _refused_on_content(batch, envelope, "handler_rejected", verdict.reason)
    except Exception as exc:
        attempts = _count_failure(batch, envelope, exc)
        if final or attempts >= batch.context.limits.max_handler_attempts:
            log.exception("handler for %s failed on envelope %s (attempt %d); dead-lettered for an operator",
                          envelope.kind, envelope.id, attempts)
            return "dead_letter", f"{type(exc).__name__}: {exc}"[:500]
        # Not the sender's fault: no receipt, so it is sent again later; the stream waits for it.
        log.exception("handler for %s failed on envelope %s (attempt %d); it will be retried", envelope.kind,
                      envelope.id, attempts)
        return None
    return "applied", None


def _refused_on_content(batch: _Batch, envelope: Envelope, code: str, reason: str) -> tuple[str, str]:
    """An envelope in its turn whose body (or its handler's verdict) refuses it: final, counted."""
    log.warning("refused envelope %s (%s) from %s: %s (%s)", envelope.id, envelope.kind, envelope.sender_party,
                code, reason)
    batch.refusals[code] += 1
    batch.last_refusal[code] = f"{envelope.id}: {reason}"
    return "rejected", f"{code}: {reason}"[:500]


def _count_failure(batch: _Batch, envelope: Envelope, exc: Exception) -> int:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    failure = batch.session.get(HandlerFailure, envelope.id)
    if failure is None:
        failure = HandlerFailure(envelope_id=envelope.id, sender_party=envelope.sender_party, kind=envelope.kind,
                                 stream=envelope.stream, seq=envelope.seq, attempts=0, last_error=error,
                                 first_failed_at=batch.now, last_failed_at=batch.now)
        batch.session.add(failure)
    failure.attempts += 1
    failure.last_error = error
    failure.last_failed_at = batch.now
    batch.session.flush()
    return failure.attempts


def _apply_and_drain(batch: _Batch, wire: WireEnvelope, state: _StreamState) -> None:
    applied_at = batch.applied_at()
    outcome = _run_handler(batch, wire.envelope, applied_at)
    if outcome is None:
        return
    status, reason = outcome
    _store(batch, wire, status, reason, applied_at)
    if status == "dead_letter":
        # Its stream waits for the operator (later envelopes are held); the sender stops resending.
        batch.receipts.append(Receipt(wire.envelope.id, wire.content_hash, "held", f"dead_letter: {reason}"[:500],
                                      batch.context.party, batch.now))
        return
    state.next_seq += 1
    state.touched = True
    batch.receipts.append(Receipt(wire.envelope.id, wire.content_hash, status, reason, batch.context.party,
                                  applied_at))
    while state.has_held and _apply_held(batch, wire.envelope.stream, state):
        pass


def _apply_held(batch: _Batch, stream: str, state: _StreamState) -> bool:
    """Apply the held envelope that is next on the stream, if there is one."""
    _flush_rows(batch)
    row = batch.session.scalars(select(InboxEnvelope).where(
        InboxEnvelope.sender_party == batch.peer.party, InboxEnvelope.stream == stream,
        InboxEnvelope.seq == state.next_seq, InboxEnvelope.status == "held")).one_or_none()
    if row is None:
        state.has_held = batch.session.scalar(select(InboxEnvelope.id).where(
            InboxEnvelope.sender_party == batch.peer.party, InboxEnvelope.stream == stream,
            InboxEnvelope.status == "held").limit(1)) is not None
        return False
    envelope = envelope_from_fields(json.loads(row.content))
    # The sender already holds a receipt for a held envelope and will not send it again: a failure
    # here dead-letters it at once.
    applied_at = batch.applied_at()
    outcome = _run_handler(batch, envelope, applied_at, final=True)
    assert outcome is not None
    row.status, row.reason = outcome
    if row.status == "dead_letter":
        batch.session.flush()
        batch.seen[row.id] = (row.content_hash, row.status, row.reason, row.applied_at)
        return False
    row.applied_at = applied_at if row.status == "applied" else None
    batch.session.flush()
    batch.seen[row.id] = (row.content_hash, row.status, row.reason, row.applied_at)
    state.next_seq += 1
    state.touched = True
    return True


def _save_streams(batch: _Batch) -> None:
    party = batch.peer.party
    rows = [{"sender_party": party, "stream": stream, "next_seq": state.next_seq}
            for stream, state in batch.streams.items() if state.touched]
    if not rows:
        return
    connection = batch.session.connection()
    statement = _SAVE_STREAMS.get(connection.dialect.name)
    if statement is None:
        raise RuntimeError(f"unsupported database {connection.dialect.name}")
    connection.execute(statement, rows)
