"""Every refusal: a clear reason, a log line, a count by reason, and no change to the inbox,
the streams or anything a handler would write."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from tests.integration.exchange.exchange_pair import Pair

from borderlink.exchange import testtraffic
from borderlink.exchange.envelope import Envelope, format_time, truncate_ms
from borderlink.exchange.models import InboundStream, InboxEnvelope, RefusalCount, TestEcho
from borderlink.ids import new_id


def echo(pair: Pair, **changes: Any) -> Envelope:
    values: dict[str, Any] = {
        "id": new_id(), "sender_party": "VN", "recipient_party": "CN", "sender_unit": None,
        "recipient_unit": None, "kind": "test.echo", "handling_code": "H0",
        "created_at": truncate_ms(pair.cn.clock.now()), "stream": "refusals", "seq": 1, "body": {"n": 1},
    }
    values.update(changes)
    return Envelope(**values)


def state(pair: Pair) -> tuple[int, int, int]:
    with pair.cn.transaction() as session:
        return (
            int(session.scalar(select(func.count()).select_from(InboxEnvelope)) or 0),
            int(session.scalar(select(func.count()).select_from(TestEcho)) or 0),
            int(session.scalar(select(func.count()).select_from(InboundStream)) or 0),
        )


def refusals(pair: Pair) -> dict[str, int]:
    with pair.cn.transaction() as session:
        return {row.reason: row.count for row in session.scalars(select(RefusalCount))}


def post_one(pair: Pair, item: dict[str, Any]) -> dict[str, Any]:
    status, answer = pair.post([item])
    assert status == 200
    assert len(answer["receipts"]) == 1
    receipt: dict[str, Any] = answer["receipts"][0]["receipt"]
    return receipt


def assert_refused(pair: Pair, item: dict[str, Any], reason: str, caplog: pytest.LogCaptureFixture,
                   before: tuple[int, int, int] = (0, 0, 0)) -> None:
    with caplog.at_level(logging.WARNING, logger="borderlink.exchange.inbox"):
        receipt = post_one(pair, item)
    assert receipt["status"] == "rejected"
    assert receipt["reason"].startswith(f"{reason}: ")
    assert state(pair) == before
    assert refusals(pair).get(reason) == 1
    assert any(f": {reason} (" in message for message in caplog.messages), caplog.messages


def test_bad_signature(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair), key=Ed25519PrivateKey.generate())  # the peer's key id, another key
    assert_refused(pair, item, "bad_signature", caplog)


def test_tampered_body_breaks_the_signature(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair))
    item["envelope"]["body"]["n"] = 2
    assert_refused(pair, item, "bad_signature", caplog)


def test_unknown_key(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair), key=Ed25519PrivateKey.generate(), key_id="0123456789abcdef")
    assert_refused(pair, item, "unknown_key", caplog)


def test_wrong_recipient(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair, recipient_party="VN"))
    assert_refused(pair, item, "wrong_recipient", caplog)


def test_oversized_body(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair, body={"text": "x" * 5000}))  # the test limit is 4096 bytes
    assert_refused(pair, item, "oversized", caplog)


def test_malformed_envelope(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair))
    item["envelope"]["seq"] = "one"
    assert_refused(pair, item, "malformed", caplog)


def test_unknown_kind(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair, kind="nobody.handles.this"))
    assert_refused(pair, item, "unknown_kind", caplog)


def test_clock_skew_of_an_envelope_from_the_future(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair, created_at=truncate_ms(pair.cn.clock.now() + dt.timedelta(minutes=10))))
    assert_refused(pair, item, "clock_skew", caplog)


def test_stream_gap_beyond_the_window(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    item = pair.signed(echo(pair, seq=1 + 10 + 1))  # the test window is 10
    assert_refused(pair, item, "stream_gap", caplog)


def test_replay_with_different_content_is_refused_and_an_exact_resend_is_a_duplicate(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    original = echo(pair)
    assert post_one(pair, pair.signed(original))["status"] == "applied"
    before = state(pair)
    assert post_one(pair, pair.signed(original))["status"] == "duplicate"
    assert state(pair) == before
    changed = echo(pair, id=original.id, created_at=original.created_at, body={"n": 999})
    assert_refused(pair, pair.signed(changed), "replay", caplog, before)
    with pair.cn.transaction() as session:
        assert testtraffic.received_counts(session, "test.echo") == {"distinct": 1, "duplicates_applied": 0}


def test_a_new_envelope_reusing_a_consumed_sequence_number_is_a_replay(
        pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    assert post_one(pair, pair.signed(echo(pair)))["status"] == "applied"
    before = state(pair)
    assert_refused(pair, pair.signed(echo(pair)), "replay", caplog, before)


def test_a_request_that_is_not_json_is_refused_whole(pair: Pair) -> None:
    from borderlink.exchange.transport import InProcessTransport

    status, content = InProcessTransport(pair.cn).post(b"{not json")
    assert status == 400
    assert json.loads(content)["refused"] == "malformed"
    assert state(pair) == (0, 0, 0)
    assert refusals(pair) == {"malformed": 1}


def test_a_request_sent_with_a_skewed_clock_is_refused_whole(pair: Pair) -> None:
    late = format_time(pair.cn.clock.now() - dt.timedelta(minutes=6))
    status, answer = pair.post([pair.signed(echo(pair))], sent_at=late)
    assert status == 400
    assert answer["refused"] == "clock_skew"
    assert state(pair) == (0, 0, 0)
    assert refusals(pair) == {"clock_skew": 1}


def test_old_envelopes_that_waited_in_the_outbox_are_accepted(pair: Pair) -> None:
    """A peer that was offline for hours must still take what queued meanwhile."""
    old = echo(pair, created_at=truncate_ms(pair.cn.clock.now() - dt.timedelta(hours=6)))
    assert post_one(pair, pair.signed(old))["status"] == "applied"


def test_refusals_are_counted_by_reason(pair: Pair) -> None:
    pair.post([pair.signed(echo(pair, recipient_party="VN")), pair.signed(echo(pair, kind="x.y"))])
    pair.post([pair.signed(echo(pair, recipient_party="VN"))])
    assert refusals(pair) == {"wrong_recipient": 2, "unknown_kind": 1}


def test_the_federation_endpoint_answers_receipts_and_refuses_oversized_requests(pair: Pair) -> None:
    import dataclasses

    from fastapi.testclient import TestClient

    from borderlink.exchange.context import bind, node_context
    from borderlink.exchange.transport import ENVELOPES_PATH, federation_app

    bind(pair.cn, dataclasses.replace(node_context(pair.cn).limits, max_request_bytes=20_000))
    client = TestClient(federation_app(pair.cn))
    body = {"sender": "VN", "sent_at": format_time(pair.cn.clock.now()), "envelopes": [pair.signed(echo(pair))]}
    answer = client.post(ENVELOPES_PATH, content=json.dumps(body))
    assert answer.status_code == 200
    assert answer.json()["receipts"][0]["receipt"]["status"] == "applied"
    big = client.post(ENVELOPES_PATH, content=b" " * 20_001)
    assert big.status_code == 413
    assert big.json()["refused"] == "oversized"
    assert client.post(ENVELOPES_PATH, content=b"[").status_code == 400
    assert refusals(pair) == {"oversized": 1, "malformed": 1}
