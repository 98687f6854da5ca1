"""A handler that keeps failing: its envelope is dead-lettered after a bounded number of attempts,
other streams keep flowing, and an operator's retry applies it exactly once (or reject drops it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session
from tests.integration.exchange.exchange_pair import LIMITS, Pair
from typer.testing import CliRunner

from borderlink.cli.main import app
from borderlink.exchange import dead_letters, metrics, service, testtraffic
from borderlink.exchange.models import InboxEnvelope, OutboxEnvelope, StoredReceipt
from borderlink.exchange.registry import InboundEnvelope, register_handler
from borderlink.shared.contracts import MessageBody

applied: list[int] = []
broken = {"on": True}


class CrashMessage(MessageBody, kind="test.crash", version=1):
    n: int


def _crash(session: Session, envelope: InboundEnvelope[CrashMessage]) -> None:
    if broken["on"] and envelope.body.n == 1:
        raise RuntimeError("the handler has a bug")
    pending = session.info.setdefault("crash_applied", [])
    if not pending:
        event.listen(session, "after_commit", lambda s: applied.extend(s.info.pop("crash_applied")), once=True)
    pending.append(envelope.body.n)


register_handler(CrashMessage, _crash)


def _send_crash(pair: Pair, stream: str) -> list[str]:
    with pair.vn.transaction() as session:
        return [service.enqueue(session, kind="test.crash", body={"n": n}, sender_unit=None, recipient_unit=None,
                                stream=stream) for n in (1, 2)]


def _due_now(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        session.execute(update(OutboxEnvelope).values(next_attempt_at=pair.vn.clock.now() - dt.timedelta(1)))


def _inbox_status(pair: Pair, envelope_id: str) -> str | None:
    with pair.cn.transaction() as session:
        row = session.get(InboxEnvelope, envelope_id)
        return row.status if row else None


def _echoes(pair: Pair) -> int:
    with pair.cn.transaction() as session:
        return service.received_counts(session, "test.echo")["distinct"]


def test_a_failing_handler_is_dead_lettered_while_other_streams_flow_and_retry_applies_it_once(
    pair: Pair, tmp_path: Any
) -> None:
    applied.clear()
    broken["on"] = True
    first, second = _send_crash(pair, "crash-1")
    dispatcher = pair.dispatcher()
    for attempt in range(1, LIMITS.max_handler_attempts + 1):
        with pair.vn.transaction() as session:
            testtraffic.send_test(session, 2, stream=f"echo-{attempt}")
        _due_now(pair)
        dispatcher.cycle()
        assert _echoes(pair) == 2 * attempt  # the other streams are not held up
        expected = "dead_letter" if attempt == LIMITS.max_handler_attempts else None
        assert _inbox_status(pair, first) == expected
    assert _inbox_status(pair, second) == "held"  # its stream waits for the operator
    assert applied == []
    with pair.vn.transaction() as session:
        assert service.outbox_status(session, "test.crash")["pending"] == 0  # the sender stopped resending
    with pair.cn.transaction() as session:
        letters = service.dead_letters(session)
        text = metrics.render(session, pair.cn.clock.now(), "CN")
    assert [(x.envelope_id, x.attempts) for x in letters] == [(first, LIMITS.max_handler_attempts)]
    assert letters[0].error == "RuntimeError: the handler has a bug"
    assert "borderlink_exchange_dead_letters 1" in text

    # Still broken: a retry changes nothing.
    assert dead_letters.resolve_dead_letter(pair.cn, first)[0] == "dead_letter"
    broken["on"] = False
    assert dead_letters.resolve_dead_letter(pair.cn, first) == ("applied", None)
    assert applied == [1, 2]  # and the envelope held behind it follows
    assert (_inbox_status(pair, first), _inbox_status(pair, second)) == ("applied", "applied")

    # A resend from the sender is a duplicate; a second retry finds nothing to do.
    with pair.vn.transaction() as session:
        session.execute(update(OutboxEnvelope).where(OutboxEnvelope.kind == "test.crash").values(status="pending"))
        session.execute(delete(StoredReceipt).where(StoredReceipt.envelope_id.in_([first, second])))
    _due_now(pair)
    pair.drain()
    assert applied == [1, 2]
    code, output = _cli("exchange", "retry", first, "--node-dir", str(pair.cn.settings.node_dir))
    assert code != 0
    assert "no dead-lettered envelope" in output


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_an_operator_lists_and_rejects_a_dead_letter_and_its_stream_moves_on(pair: Pair) -> None:
    applied.clear()
    broken["on"] = True
    first, second = _send_crash(pair, "crash-2")
    dispatcher = pair.dispatcher()
    for _ in range(LIMITS.max_handler_attempts):
        _due_now(pair)
        dispatcher.cycle()
    node_dir = str(pair.cn.settings.node_dir)
    code, output = _cli("exchange", "dead-letters", "--node-dir", node_dir)
    assert code == 0, output
    assert first in output
    assert "RuntimeError: the handler has a bug" in output
    code, output = _cli("exchange", "reject", first, "--reason", "sent by a faulty build", "--node-dir", node_dir)
    assert code == 0, output
    assert (_inbox_status(pair, first), _inbox_status(pair, second)) == ("rejected", "applied")
    assert applied == [2]
    with pair.cn.transaction() as session:
        reason = session.scalar(select(InboxEnvelope.reason).where(InboxEnvelope.id == first))
        assert service.dead_letters(session) == []
    assert reason == "rejected by an operator: sent by a faulty build"
    assert _cli("exchange", "dead-letters", "--node-dir", node_dir)[1].strip() == "no dead letters"
