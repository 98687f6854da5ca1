"""A domain hears of the peer applying its envelopes from the receipts: one call per kind and
answer with all of them, and a failing hook costs neither the receipts nor the others' steps."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.integration.exchange.exchange_pair import Pair

from borderlink.exchange import service
from borderlink.exchange.models import StoredReceipt
from borderlink.exchange.registry import AppliedEnvelope, InboundEnvelope, on_applied, register_handler
from borderlink.shared.contracts import MessageBody

calls: list[list[int]] = []


class NotedMessage(MessageBody, kind="test.noted", version=1):
    n: int = 0
    explode: bool = False


def _apply(_session: Session, _envelope: InboundEnvelope[NotedMessage]) -> None:
    pass


def _heard(_session: Session, applied: Sequence[AppliedEnvelope[NotedMessage]]) -> None:
    calls.append([envelope.body.n for envelope in applied])
    if any(envelope.body.explode for envelope in applied):
        raise RuntimeError("a hook bug")


register_handler(NotedMessage, _apply)
on_applied(NotedMessage, _heard)


def _send(pair: Pair, bodies: list[dict[str, object]]) -> None:
    with pair.vn.transaction() as session:
        for body in bodies:
            service.enqueue(session, kind="test.noted", body=body, sender_unit=None, recipient_unit=None,
                            stream="test:noted")


def test_the_hook_hears_of_a_whole_answer_at_once(pair: Pair) -> None:
    calls.clear()
    _send(pair, [{"n": n} for n in range(1, 6)])
    assert pair.drain() == 5
    assert calls == [[1, 2, 3, 4, 5]]


def test_a_failing_hook_is_run_again_for_each_envelope_and_the_receipts_are_kept(pair: Pair) -> None:
    calls.clear()
    _send(pair, [{"n": 1}, {"n": 2, "explode": True}, {"n": 3}])
    assert pair.drain() == 3
    assert calls == [[1, 2, 3], [1], [2], [3]]
    with pair.vn.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StoredReceipt)) == 3
