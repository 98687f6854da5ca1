"""Two real node processes talking mutual TLS on loopback, killed with SIGKILL while they work."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.e2e.exchange_nodes import NodeProcess, enqueue_echoes, make_pair, wait_for

from borderlink.exchange import anchors, messagelog
from borderlink.exchange.models import InboxEnvelope, OutboxEnvelope, StoredReceipt

pytestmark = pytest.mark.e2e

# Anchors every 2 s so that several are exchanged during a test; a short backoff ceiling so that
# recovery after each restart does not dominate the run time.
NODE_ENV = {"BORDERLINK_EXCHANGE_ANCHOR_INTERVAL_SECONDS": "2", "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[NodeProcess, NodeProcess]]:
    vn, cn = make_pair(tmp_path, NODE_ENV)
    try:
        yield vn, cn
    finally:
        for node in (vn, cn):
            node.stop()


def _delivered(vn: NodeProcess, total: int) -> bool:
    return vn.status()["delivered"] >= total


def _verify_logs(node_process: NodeProcess) -> tuple[int, int]:
    node = node_process.open()
    try:
        with node.transaction() as session:
            lines, problems = messagelog.verify_chain(session)
            own, theirs, anchor_problems = anchors.verify_anchors(session)
    finally:
        node.engine.dispose()
    assert problems == []
    assert anchor_problems == []
    assert lines > 0
    return own, theirs


def test_5000_envelopes_survive_receiver_and_sender_kills_applied_exactly_once(
        nodes: tuple[NodeProcess, NodeProcess]) -> None:
    vn, cn = nodes
    total, rounds = 5000, 5
    rng = random.Random(8711)
    vn.start()
    cn.start()
    per_round = total // rounds
    for round_number in range(rounds):
        enqueue_echoes(vn, per_round)
        time.sleep(rng.uniform(0.05, 0.6))  # kill mid-stream: some batches in flight, some applied
        cn.kill()
        if round_number == 2:
            vn.kill()  # the sender dies too, with envelopes queued and a batch maybe in flight
            vn.start()
        time.sleep(rng.uniform(0.2, 1.0))
        cn.start()
    assert wait_for(lambda: _delivered(vn, total), timeout=240), vn.status()

    assert vn.status() == {"sent": total, "delivered": total, "pending": 0, "refused": 0}
    assert cn.received() == {"distinct": total, "duplicates_applied": 0}
    vn_node, cn_node = vn.open(), cn.open()
    try:
        with vn_node.transaction() as session:
            receipted = session.scalar(
                select(func.count()).select_from(OutboxEnvelope)
                .join(StoredReceipt, StoredReceipt.envelope_id == OutboxEnvelope.id)
                .where(OutboxEnvelope.kind == "test.echo"))
        with cn_node.transaction() as session:
            applied = session.scalar(select(func.count()).select_from(InboxEnvelope).where(
                InboxEnvelope.kind == "test.echo", InboxEnvelope.status == "applied"))
    finally:
        vn_node.engine.dispose()
        cn_node.engine.dispose()
    assert receipted == total  # every envelope has its peer's signed receipt stored
    assert applied == total
    # Anchors flowed both ways during the run and both logs are intact.
    wait_for(lambda: _verify_logs(vn)[0] > 0, timeout=30)
    own_vn, _ = _verify_logs(vn)
    own_cn, _ = _verify_logs(cn)
    assert own_vn > 0
    assert own_cn > 0


def test_envelopes_queue_while_the_peer_is_offline_and_drain_when_it_returns(
        nodes: tuple[NodeProcess, NodeProcess]) -> None:
    vn, cn = nodes
    vn.start()
    enqueue_echoes(vn, 400)
    time.sleep(8)  # a long stretch for the dispatcher: many failed attempts, backoff at its ceiling
    assert vn.status() == {"sent": 400, "delivered": 0, "pending": 400, "refused": 0}
    assert httpx.get(f"http://127.0.0.1:{vn.web_port}/health", timeout=5).status_code == 200  # still serving
    enqueue_echoes(vn, 100)
    cn.start()
    assert wait_for(lambda: _delivered(vn, 500), timeout=60), vn.status()
    assert cn.received() == {"distinct": 500, "duplicates_applied": 0}
