"""Outbox to inbox between two real databases: transactional enqueue, receipts, de-duplication,
per-stream order with holding, handler verdicts, and the message log with its anchors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session
from tests.integration.exchange.exchange_pair import Pair, make_node

from borderlink.errors import InvalidInput
from borderlink.exchange import anchors, keys, messagelog, service, testtraffic
from borderlink.exchange.envelope import signature_valid
from borderlink.exchange.models import InboxEnvelope, LogEntry, OutboxEnvelope, StoredReceipt
from borderlink.exchange.registry import InboundEnvelope, Rejected, register_handler
from borderlink.shared.contracts import MessageBody

applied_order: list[tuple[str, int]] = []
failures_left = {"count": 0}


class OrderMessage(MessageBody, kind="test.order", version=1):
    n: int = 0
    reject: bool = False
    explode: bool = False


def _record(session: Session, envelope: InboundEnvelope[OrderMessage]) -> None:
    """Note what was applied once it commits (an inbox batch may be rolled back and redone)."""
    if envelope.body.reject:
        raise Rejected("not acceptable here")
    if envelope.body.explode and failures_left["count"] > 0:
        failures_left["count"] -= 1
        raise RuntimeError("a handler bug")
    pending = session.info.setdefault("applied_order", [])
    if not pending:
        event.listen(session, "after_commit", lambda s: applied_order.extend(s.info.pop("applied_order")),
                     once=True)
    pending.append((envelope.stream, envelope.seq))


register_handler(OrderMessage, _record)


def count(node: Any, model: Any, *where: Any) -> int:
    with node.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_enqueue_commits_with_the_callers_transaction_or_not_at_all(pair: Pair) -> None:
    def failing_domain_change() -> None:
        with pair.vn.transaction() as session:
            testtraffic.send_test(session, 3)
            raise RuntimeError("the domain change failed")

    with pytest.raises(RuntimeError):
        failing_domain_change()
    assert count(pair.vn, OutboxEnvelope) == 0
    assert count(pair.vn, LogEntry) == 0
    with pair.vn.transaction() as session:
        ids = testtraffic.send_test(session, 3)
    assert count(pair.vn, OutboxEnvelope, OutboxEnvelope.status == "pending") == 3
    with pair.vn.transaction() as session:
        seqs = session.scalars(select(OutboxEnvelope.seq).where(OutboxEnvelope.id.in_(ids))
                               .order_by(OutboxEnvelope.seq)).all()
    assert list(seqs) == [1, 2, 3]


def test_enqueue_without_a_peer_or_with_a_bad_body_is_refused(tmp_path: Any) -> None:
    lonely = make_node(tmp_path, "VN")
    with pytest.raises(InvalidInput, match="no peer"), lonely.transaction() as session:
        service.enqueue(session, kind="test.echo", body={}, sender_unit=None, recipient_unit=None)
    lonely.engine.dispose()


def test_enqueue_refuses_oversized_bodies_and_bad_codes(pair: Pair) -> None:
    with pytest.raises(InvalidInput, match="limit"), pair.vn.transaction() as session:
        service.enqueue(session, kind="test.echo", body={"x": "a" * 5000}, sender_unit=None, recipient_unit=None)
    with pytest.raises(InvalidInput, match="handling code"), pair.vn.transaction() as session:
        service.enqueue(session, kind="test.echo", body={}, sender_unit=None, recipient_unit=None,
                        handling_code="H7")


def test_envelopes_are_applied_once_and_receipts_are_stored_and_signed(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 40)
    assert pair.drain() == 40
    with pair.vn.transaction() as session:
        assert service.outbox_status(session) == {"sent": 40, "delivered": 40, "pending": 0, "refused": 0}
        receipts = list(session.scalars(select(StoredReceipt)))
    cn_public = keys.load_local(pair.cn.settings).signing_key.public_key()
    assert len(receipts) == 40
    assert all(r.status == "applied" and signature_valid(cn_public, r.content.encode(), r.signature)
               for r in receipts)
    with pair.cn.transaction() as session:
        assert service.received_counts(session, "test.echo") == {"distinct": 40, "duplicates_applied": 0}


def test_a_resent_batch_gets_duplicate_receipts_and_is_not_applied_again(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 5)
    pair.drain()
    with pair.vn.transaction() as session:
        # Each envelope applied has a time of its own, in the order applied.
        first = dict(session.execute(select(StoredReceipt.envelope_id, StoredReceipt.received_at)).tuples().all())
        assert len(set(first.values())) == 5
    # As if the sender crashed after the peer committed but before it stored the receipts.
    with pair.vn.transaction() as session:
        session.execute(update(OutboxEnvelope).values(status="pending"))
        session.execute(StoredReceipt.__table__.delete())
    assert pair.drain() == 5
    with pair.vn.transaction() as session:
        assert set(session.scalars(select(StoredReceipt.status))) == {"duplicate"}
        assert service.outbox_status(session)["delivered"] == 5
        # A duplicate's receipt states when the envelope was applied, as the lost one did.
        again = dict(session.execute(select(StoredReceipt.envelope_id, StoredReceipt.received_at)).tuples().all())
        assert again == first
    with pair.cn.transaction() as session:
        assert service.received_counts(session, "test.echo") == {"distinct": 5, "duplicates_applied": 0}


def _enqueue_order(pair: Pair, stream: str, bodies: list[dict[str, Any]]) -> list[str]:
    with pair.vn.transaction() as session:
        return [service.enqueue(session, kind="test.order", body=body, sender_unit=None, recipient_unit=None,
                                stream=stream) for body in bodies]


def _post_only(pair: Pair, ids: list[str]) -> list[dict[str, Any]]:
    with pair.vn.transaction() as session:
        rows = {row.id: row for row in session.scalars(select(OutboxEnvelope).where(OutboxEnvelope.id.in_(ids)))}
    import json

    items = [{"envelope": json.loads(rows[i].content), "key_id": rows[i].key_id, "signature": rows[i].signature}
             for i in ids]
    status, answer = pair.post(items)
    assert status == 200
    return [item["receipt"] for item in answer["receipts"]]


def test_out_of_order_envelopes_are_held_until_the_gap_fills(pair: Pair) -> None:
    applied_order.clear()
    ids = _enqueue_order(pair, "case-1", [{"n": n} for n in range(1, 6)])
    first = _post_only(pair, [ids[2], ids[4]])
    assert [r["status"] for r in first] == ["held", "held"]
    assert applied_order == []
    again = _post_only(pair, [ids[2]])  # a resend of a held envelope is still held, not duplicated
    assert again[0]["status"] == "held"
    second = _post_only(pair, [ids[0], ids[1], ids[3]])
    assert [r["status"] for r in second] == ["applied", "applied", "applied"]
    assert applied_order == [("case-1", n) for n in range(1, 6)]
    assert count(pair.cn, InboxEnvelope, InboxEnvelope.status == "applied") == 5


def test_a_handler_rejection_is_receipted_and_the_stream_moves_on(pair: Pair) -> None:
    applied_order.clear()
    _enqueue_order(pair, "case-2", [{"n": 1}, {"reject": True}, {"n": 3}])
    pair.drain()
    with pair.vn.transaction() as session:
        statuses = {row[0]: row[1] for row in session.execute(
            select(OutboxEnvelope.seq, OutboxEnvelope.status).where(OutboxEnvelope.stream == "case-2")).all()}
        reason = session.scalar(select(StoredReceipt.reason).where(StoredReceipt.status == "rejected"))
    assert statuses == {1: "delivered", 2: "refused", 3: "delivered"}
    assert reason == "handler_rejected: not acceptable here"
    assert applied_order == [("case-2", 1), ("case-2", 3)]


def test_a_failing_handler_gets_no_receipt_and_is_retried(pair: Pair) -> None:
    applied_order.clear()
    failures_left["count"] = 2  # the batch is tried once fast, then once with savepoints
    _enqueue_order(pair, "case-3", [{"explode": True}, {"n": 2}])
    dispatcher = pair.dispatcher()
    first = dispatcher.cycle()
    assert (first.sent, first.receipted) == (2, 1)  # seq 2 is held behind the failed seq 1
    assert applied_order == []
    with pair.vn.transaction() as session:
        session.execute(update(OutboxEnvelope).values(next_attempt_at=pair.vn.clock.now() - dt.timedelta(1)))
    pair.drain()
    assert applied_order == [("case-3", 1), ("case-3", 2)]


def test_message_logs_chain_and_anchors_are_countersigned(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 4)
    pair.drain()
    with pair.vn.transaction() as session:
        assert anchors.make_anchor(session) is not None
    pair.drain(pair.vn)
    pair.drain(pair.cn)  # the countersignature travels back
    with pair.vn.transaction() as session:
        lines, problems = messagelog.verify_chain(session)
        own, theirs, anchor_problems = anchors.verify_anchors(session)
    assert problems == []
    assert anchor_problems == []
    assert own == 1
    assert theirs == 0
    assert lines == 4 + 4 + 1 + 1 + 1  # sent, receipts, the anchor, its receipt, the countersignature
    with pair.cn.transaction() as session:
        assert messagelog.verify_chain(session)[1] == []
        assert anchors.verify_anchors(session)[1:] == (1, [])


def test_rewriting_the_log_is_detected_by_the_chain_and_by_the_anchor(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 3)
    pair.drain()
    with pair.vn.transaction() as session:
        anchors.make_anchor(session)
    pair.drain(pair.vn)
    pair.drain(pair.cn)
    with pair.vn.transaction() as session:
        session.execute(update(LogEntry).where(LogEntry.seq == 2).values(kind="forged"))
    with pair.vn.transaction() as session:
        _, problems = messagelog.verify_chain(session)
    assert [p.seq for p in problems] == [2]
    # Recomputing every hash after the edit makes the chain consistent again, but not the anchor.
    with pair.vn.transaction() as session:
        prev = messagelog.GENESIS
        for entry in session.scalars(select(LogEntry).order_by(LogEntry.seq)):
            fields = {c.key: getattr(entry, c.key) for c in LogEntry.__table__.columns}
            fields["prev_hash"] = prev
            entry.prev_hash = prev
            entry.entry_hash = prev = messagelog.entry_hash(fields)
        session.flush()
        session.execute(update(messagelog.LogHead).values(last_hash=prev))
    with pair.vn.transaction() as session:
        assert messagelog.verify_chain(session)[1] == []
        _, _, anchor_problems = anchors.verify_anchors(session)
    assert anchor_problems
    assert "countersigned" in anchor_problems[0].message


def test_an_envelope_too_far_ahead_of_its_stream_is_sent_again_later_not_dropped(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 30)
        # The first 15 are not due yet, so the next 15 overtake them: beyond the window of 10.
        session.execute(update(OutboxEnvelope).where(OutboxEnvelope.seq <= 15).values(
            next_attempt_at=pair.vn.clock.now() + dt.timedelta(hours=1)))
    result = pair.dispatcher().cycle()
    assert (result.sent, result.receipted) == (15, 0)
    with pair.vn.transaction() as session:
        assert service.outbox_status(session) == {"sent": 30, "delivered": 0, "pending": 30, "refused": 0}
        session.execute(update(OutboxEnvelope).values(next_attempt_at=pair.vn.clock.now() - dt.timedelta(1)))
    assert pair.drain() == 30
    with pair.cn.transaction() as session:
        assert service.received_counts(session, "test.echo") == {"distinct": 30, "duplicates_applied": 0}


@pytest.mark.postgres
def test_several_dispatchers_share_one_database_without_sending_anything_twice(pair: Pair) -> None:
    """PostgreSQL only: batches are claimed with SKIP LOCKED (SQLite runs one dispatcher per node)."""
    import dataclasses
    import threading
    import time

    from borderlink.exchange.context import bind, node_context

    if pair.vn.engine.dialect.name != "postgresql":
        pytest.skip("one dispatcher per node on SQLite")
    bind(pair.vn, dataclasses.replace(node_context(pair.vn).limits, max_batch=15))
    bind(pair.cn, dataclasses.replace(node_context(pair.cn).limits, stream_window=1000))
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 300)
    dispatchers = [pair.dispatcher() for _ in range(3)]
    sent = [0, 0, 0]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                result = dispatchers[index].cycle()
                sent[index] += result.receipted
                if result.sent == 0:
                    if count(pair.vn, OutboxEnvelope, OutboxEnvelope.status == "pending") == 0:
                        return
                    time.sleep(0.05)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(sent) == 300
    with pair.vn.transaction() as session:
        assert service.outbox_status(session) == {"sent": 300, "delivered": 300, "pending": 0, "refused": 0}
        # Batches overtake each other: early arrivals are held, then applied when the gap fills.
        assert set(session.scalars(select(StoredReceipt.status))) <= {"applied", "held"}
    with pair.cn.transaction() as session:
        assert service.received_counts(session, "test.echo") == {"distinct": 300, "duplicates_applied": 0}
    assert count(pair.cn, InboxEnvelope, InboxEnvelope.status == "held") == 0
