"""The federation listener counts a body as it streams: a chunked request without a
Content-Length is cut off at the request ceiling, not read to its end."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.exchange.exchange_pair import Pair

from borderlink.exchange.context import bind, node_context
from borderlink.exchange.models import RefusalCount
from borderlink.exchange.transport import ENVELOPES_PATH, federation_app


def test_a_chunked_request_over_the_ceiling_is_refused_as_oversized(pair: Pair) -> None:
    bind(pair.cn, dataclasses.replace(node_context(pair.cn).limits, max_request_bytes=20_000))
    client = TestClient(federation_app(pair.cn))

    def chunks() -> Iterator[bytes]:
        yield b'{"sender": "VN", "envelopes": ["'
        for _ in range(40):
            yield b"7" * 1000

    answer = client.post(ENVELOPES_PATH, content=chunks())  # no Content-Length: sent chunked
    assert answer.status_code == 413
    assert answer.json()["refused"] == "oversized"
    assert "20000 bytes" in answer.json()["detail"]
    with pair.cn.transaction() as session:
        assert {row.reason: row.count for row in session.scalars(select(RefusalCount))} == {"oversized": 1}
