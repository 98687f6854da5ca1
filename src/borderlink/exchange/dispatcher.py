"""The dispatcher: sends pending outbox envelopes to the peer in batches and stores its receipts.

It runs as a background job of `borderlink serve` (see `shared.jobs`). All of its state is in the
database (pending rows, attempts, the link's backoff), so it carries on where it stopped after any
restart. It wakes at once when an envelope is committed: by this process directly, by any other
process of the node through PostgreSQL's LISTEN/NOTIFY; idle, it looks once a second (for the CLI's
envelopes on SQLite). On PostgreSQL, batches are claimed with FOR UPDATE SKIP LOCKED so several
processes can share one database; on SQLite one dispatcher runs per node.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import random
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from borderlink.exchange import anchors, keys, messagelog
from borderlink.exchange.applied import APPLIED_STATUSES, has_hook, show_applied
from borderlink.exchange.canonical import sha256_hex
from borderlink.exchange.context import OUTBOX_CHANNEL, add_waker, bind, remove_waker
from borderlink.exchange.envelope import Malformed, SignedReceipt, format_time, parse_wire_receipt, signature_valid
from borderlink.exchange.limits import ExchangeLimits
from borderlink.exchange.links import LINKS, link_answered, read_link
from borderlink.exchange.models import OutboxEnvelope, StoredReceipt
from borderlink.exchange.refusals import show_refusals
from borderlink.exchange.transport import HttpsTransport, Transport, TransportError
from borderlink.node import Node
from borderlink.shared import jobs
from borderlink.shared.notify import Listener
from borderlink.shared.retry import note_retry, retry_cause

log = logging.getLogger("borderlink.exchange.dispatcher")
RETRYABLE_REFUSALS = ("stream_gap:",)
OUTBOX = cast(Table, OutboxEnvelope.__table__)
# Statements on the hot path are built once: building them costs more than running them.
_CLAIM = (
    select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.content, OUTBOX.c.content_hash, OUTBOX.c.key_id,
           OUTBOX.c.signature, OUTBOX.c.attempts)
    .where(OUTBOX.c.status == "pending", OUTBOX.c.recipient_party == bindparam("peer"),
           OUTBOX.c.next_attempt_at <= bindparam("now"))
    .order_by(OUTBOX.c.position)
    .limit(bindparam("limit"))
)
_CLAIM_LOCKED = _CLAIM.with_for_update(skip_locked=True)


@dataclasses.dataclass(frozen=True, slots=True)
class _Pending:
    id: str
    kind: str
    content: str
    content_hash: str
    key_id: str
    signature: str
    attempts: int


@dataclasses.dataclass(frozen=True, slots=True)
class CycleResult:
    sent: int = 0  # envelopes in the batch
    receipted: int = 0  # of which a valid receipt came back
    wait_seconds: float | None = None  # backing off: nothing to try before this long


def backoff_seconds(failures: int, limits: ExchangeLimits) -> float:
    """Exponential backoff with 'equal jitter': half fixed, half random, capped."""
    ceiling = min(limits.backoff_max_seconds, limits.backoff_base_seconds * 2.0 ** max(0, failures - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not secrecy


def build_payload(sender: str, now: dt.datetime, rows: list[_Pending]) -> bytes:
    # The stored canonical bytes go out verbatim: what was signed is exactly what is sent.
    items = b",".join(
        b'{"envelope":' + row.content.encode("utf-8")
        + b',"key_id":' + json.dumps(row.key_id).encode() + b',"signature":' + json.dumps(row.signature).encode()
        + b"}"
        for row in rows
    )
    head = json.dumps({"sender": sender, "sent_at": format_time(now)})[:-1].encode()
    return head + b',"envelopes":[' + items + b"]}"


@dataclasses.dataclass
class _Round:
    peer: keys.PeerIdentity
    now: dt.datetime
    rows: list[_Pending] = dataclasses.field(default_factory=list)
    outcome: list[SignedReceipt] | str | None = None  # the peer's answer, once the batch was sent
    anchor_due: bool = False
    last_anchor_at: dt.datetime | None = None


class Dispatcher:
    def __init__(self, node: Node, transport: Transport | None = None) -> None:
        self.node = node
        self.context = bind(node)
        self._transport = transport
        self._transport_peer: keys.PeerIdentity | None = None

    @property
    def limits(self) -> ExchangeLimits:
        return self.context.limits

    def _transport_for(self, peer: keys.PeerIdentity) -> Transport:
        if self._transport is not None and (self._transport_peer is None or self._transport_peer == peer):
            return self._transport
        if self._transport is not None:
            self._transport.close()
        local = keys.load_local(self.context.settings)
        self._transport = HttpsTransport(local, peer, self.limits.request_timeout_seconds)
        self._transport_peer = peer
        return self._transport

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def cycle(self) -> CycleResult:
        """One round: claim a batch, send it, record what came back; then an anchor if one is due."""
        peer = keys.load_peer(self.context.settings)
        if peer is None:
            return CycleResult(wait_seconds=1.0)
        state = _Round(peer, self.node.clock.now())
        try:
            result = self._claim_round(state)
        except Exception as exc:
            cause = retry_cause(exc)
            if cause is None:
                raise
            note_retry(self.node.session_factory, cause, "a dispatch round", exc)
            # A batch already answered is recorded afresh rather than sent again.
            result = self._claim_round(state) if state.outcome is None else self._record_apart(state)
        if result is None:
            state.outcome = self._send(peer, state.rows)
            result = self._record_apart(state)
        if state.anchor_due:
            self.node.run(lambda session: self._anchor(session, state), what="making an anchor")
        return result

    def _claim_round(self, state: _Round) -> CycleResult | None:
        """The round's first transaction; None when the claimed batch is still to be sent."""
        postgres = self.node.engine.dialect.name == "postgresql"
        party = state.peer.party
        # On SQLite the round only reads (the batch is recorded apart): it does not queue for the
        # write lock behind the node's writers, nor hold them up.
        with self.node.transaction(read_only=not postgres) as session:
            link = read_link(session, party)
            if link.retry_at is not None and link.retry_at > state.now:
                return CycleResult(wait_seconds=float((link.retry_at - state.now).total_seconds()))
            state.last_anchor_at = link.last_anchor_at
            state.anchor_due = link.last_anchor_at is None or anchors.anchor_due(
                link.last_anchor_at, state.now, self.limits.anchor_interval_seconds)
            # On PostgreSQL the claim's row locks are held until the receipts are recorded; a crash
            # drops the connection and the locks with it, so another process takes the batch over
            # at once. SQLite has one dispatcher per node and must not hold its write lock while the
            # batch is on the wire.
            state.rows = self._claim(session, party, state.now, lock=postgres)
            if not state.rows:
                return CycleResult()
            if not postgres:
                return None
            state.outcome = self._send(state.peer, state.rows)
            return self._record(session, state.peer, state.rows, state.outcome)

    def _record_apart(self, state: _Round) -> CycleResult:
        outcome = state.outcome
        assert outcome is not None
        return self.node.run(lambda session: self._record(session, state.peer, state.rows, outcome),
                             what="recording a dispatch round")

    def _anchor(self, session: Session, state: _Round) -> None:
        """Sign the log head for the peer, in a transaction of its own (never with a batch on the
        wire). The first anchor comes one interval after the link is first used, then one per
        interval; the compare-and-set on `last_anchor_at` lets one process of several make it."""
        party = state.peer.party
        seen = LINKS.c.last_anchor_at.is_(None) if state.last_anchor_at is None else (
            LINKS.c.last_anchor_at == state.last_anchor_at)
        claimed = session.connection().execute(
            update(LINKS).where(LINKS.c.party == party, seen).values(last_anchor_at=state.now)).rowcount
        if claimed and state.last_anchor_at is not None:
            anchors.make_anchor(session)

    def _claim(self, session: Session, party: str, now: dt.datetime, *, lock: bool) -> list[_Pending]:
        statement = _CLAIM_LOCKED if lock else _CLAIM
        params = {"peer": party, "now": now, "limit": self.limits.max_batch}
        return [_Pending(*row) for row in session.connection().execute(statement, params)]

    def _send(self, peer: keys.PeerIdentity, rows: list[_Pending]) -> list[SignedReceipt] | str:
        """The peer's receipts, or the reason the whole batch failed."""
        payload = build_payload(self.context.party, self.node.clock.now(), rows)
        try:
            status, content = self._transport_for(peer).post(payload)
        except TransportError as exc:
            return f"peer unreachable: {exc}"
        if status != 200:
            return f"peer answered HTTP {status}: {content[:300].decode('utf-8', 'replace')}"
        try:
            data = json.loads(content)
            items = data["receipts"]
            if data.get("receiver") != peer.party or not isinstance(items, list):
                return "peer answered from the wrong party or without receipts"
            return [parse_wire_receipt(item) for item in items]
        except (ValueError, KeyError, TypeError, Malformed) as exc:
            return f"peer's answer is not a receipt list: {exc}"

    def _record(self, session: Session, peer: keys.PeerIdentity, rows: list[_Pending],
                outcome: list[SignedReceipt] | str) -> CycleResult:
        now = self.node.clock.now()
        if isinstance(outcome, str):
            return self._failed(session, peer.party, rows, outcome, now)
        by_id = {row.id: row for row in rows}
        good: dict[str, SignedReceipt] = {}
        for signed in outcome:
            receipt = signed.receipt
            row = by_id.get(receipt.envelope_id)
            problem = None
            if row is None:
                problem = "names an envelope not in the batch"
            elif signed.key_id != peer.key_id or not signature_valid(peer.public_key, signed.content,
                                                                     signed.signature):
                problem = "is not signed by the peer's key"
            elif receipt.content_hash != row.content_hash or receipt.receiver_party != peer.party:
                problem = "does not match the envelope sent"
            if problem is not None:
                log.error("receipt for %s from %s %s; ignored", receipt.envelope_id, peer.party, problem)
                continue
            if receipt.status == "rejected" and (receipt.reason or "").startswith(RETRYABLE_REFUSALS):
                # Too far ahead of its stream (batches overtook each other): not final, the earlier
                # envelopes are on their way, so this one is sent again later.
                log.info("peer deferred envelope %s: %s", receipt.envelope_id, receipt.reason)
                continue
            good[receipt.envelope_id] = signed
        self._store_receipts(session, peer.party, good, now)
        refused = [(by_id[envelope_id].content, signed.receipt.reason or "") for envelope_id, signed in good.items()
                   if signed.receipt.status == "rejected"]
        if refused:
            show_refusals(session, refused)
        applied = [(by_id[envelope_id].content, signed.receipt) for envelope_id, signed in good.items()
                   if signed.receipt.status in APPLIED_STATUSES and has_hook(by_id[envelope_id].kind)]
        if applied:
            show_applied(session, applied)
        missing = [row for row in rows if row.id not in good]
        self._reschedule(session, missing, "no valid receipt in the peer's answer", now)
        link_answered(session, peer.party, now)
        return CycleResult(sent=len(rows), receipted=len(good))

    def _store_receipts(self, session: Session, party: str, good: dict[str, SignedReceipt],
                        now: dt.datetime) -> None:
        if not good:
            return
        connection = session.connection()
        connection.execute(insert(StoredReceipt), [
            {"envelope_id": envelope_id, "status": signed.receipt.status, "reason": signed.receipt.reason,
             "receiver_party": signed.receipt.receiver_party, "received_at": signed.receipt.received_at,
             "content_hash": signed.receipt.content_hash, "content": signed.content.decode("utf-8"),
             "key_id": signed.key_id, "signature": signed.signature, "stored_at": now}
            for envelope_id, signed in good.items()
        ])
        connection.execute(
            update(OUTBOX).where(OutboxEnvelope.id == bindparam("envelope_id"))
            .values(status=bindparam("new_status"), delivered_at=now, last_error=None),
            [{"envelope_id": envelope_id,
              "new_status": "refused" if signed.receipt.status == "rejected" else "delivered"}
             for envelope_id, signed in good.items()],
        )
        for envelope_id, signed in good.items():
            if signed.receipt.status == "rejected":
                log.error("the peer refused envelope %s: %s", envelope_id, signed.receipt.reason)
        messagelog.append(session, [
            messagelog.LogLine("receipt", party, envelope_id, f"receipt.{signed.receipt.status}",
                               sha256_hex(signed.content))
            for envelope_id, signed in good.items()
        ], now)

    def _reschedule(self, session: Session, rows: list[_Pending], error: str, now: dt.datetime) -> None:
        if not rows:
            return
        session.connection().execute(
            update(OUTBOX).where(OutboxEnvelope.id == bindparam("envelope_id"))
            .values(attempts=bindparam("new_attempts"), next_attempt_at=bindparam("retry_at"), last_error=error),
            [{"envelope_id": row.id, "new_attempts": row.attempts + 1,
              "retry_at": now + dt.timedelta(seconds=backoff_seconds(row.attempts + 1, self.limits))}
             for row in rows],
        )

    def _failed(self, session: Session, party: str, rows: list[_Pending], error: str,
                now: dt.datetime) -> CycleResult:
        failures = read_link(session, party).consecutive_failures + 1
        wait = backoff_seconds(failures, self.limits)
        log.warning("sending %d envelopes to %s failed (attempt %d, next in %.1f s): %s",
                    len(rows), party, failures, wait, error)
        session.connection().execute(update(LINKS).where(LINKS.c.party == party).values(
            consecutive_failures=failures, retry_at=now + dt.timedelta(seconds=wait), last_error=error[:2000]))
        session.connection().execute(
            update(OUTBOX).where(OutboxEnvelope.id == bindparam("envelope_id"))
            .values(attempts=bindparam("new_attempts"), last_error=error[:2000]),
            [{"envelope_id": row.id, "new_attempts": row.attempts + 1} for row in rows],
        )
        return CycleResult(sent=len(rows), wait_seconds=wait)


async def run(node: Node, transport: Transport | None = None) -> None:
    """The background task: loop until cancelled. It runs a round at once when an envelope is
    committed (in this process directly; from other processes through PostgreSQL's NOTIFY), back
    to back while there is work, and otherwise looks once per `idle_poll_seconds`."""
    dispatcher = Dispatcher(node, transport)
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def waker() -> None:
        loop.call_soon_threadsafe(wake.set)

    def one_round(_node: Node) -> float | None:
        result = dispatcher.cycle()
        if result.wait_seconds is not None:
            return result.wait_seconds
        # A full batch may have left more behind: the next round runs at once. After a smaller one
        # the outbox held no more than was sent, and an envelope committed since has woken the
        # loop already (the wake is cleared before a round, not after), so a round at once would
        # only find nothing, at the cost of a transaction.
        return 0.0 if result.sent >= dispatcher.limits.max_batch else None

    add_waker(waker)
    listener = (Listener(node.engine, OUTBOX_CHANNEL, waker).start()
                if node.engine.dialect.name == "postgresql" else None)
    # One line per POST from the HTTP client would drown the node's log; failures are logged here.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    log.info("dispatcher started for node %s", node.party)
    try:
        await jobs.run_periodically(node, jobs.Job("dispatcher", one_round, dispatcher.limits.idle_poll_seconds,
                                                   wake, gather=dispatcher.limits.gather_seconds))
    finally:
        remove_waker(waker)
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        dispatcher.close()


def install_on(node: Node) -> None:
    """Run the dispatcher as one of the node's background tasks (the exchange descriptor's node set-up)."""
    from borderlink.exchange import checkpoint

    bind(node)
    node.background_tasks.append(run)
    checkpoint.install_on(node)
