"""Two real node processes talking mutual TLS on loopback, killed with SIGKILL while they work."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.e2e.exchange_nodes import enqueue_echoes, opened, outbox_status, received_counts
from tests.e2e.nodes import NodeProcess, create_pair, poll

from borderlink.exchange import anchors, messagelog
from borderlink.exchange.models import InboxEnvelope, OutboxEnvelope, StoredReceipt

pytestmark = pytest.mark.e2e

# Anchors every 2 s so that several are exchanged during a test; a short backoff ceiling so that
# recovery after each restart does not dominate the run time.
NODE_ENV = {"BORDERLINK_EXCHANGE_ANCHOR_INTERVAL_SECONDS": "2", "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}


@pytest.fixture
def nodes(tmp_path: Path, e2e_database_url: str | None) -> Iterator[tuple[NodeProcess, NodeProcess]]:
    pair = create_pair(tmp_path, NODE_ENV, demo=False, database_url=e2e_database_url, preloaded=True)
    try:
        yield pair.nodes
    finally:
        pair.stop()
        pair.drop_databases()


def _delivered(vn: NodeProcess, total: int) -> bool:
    return outbox_status(vn)["delivered"] >= total


def _verify_logs(node_process: NodeProcess) -> tuple[int, int]:
    with opened(node_process) as node, node.transaction() as session:
        lines, problems = messagelog.verify_chain(session)
        own, theirs, anchor_problems = anchors.verify_anchors(session)
    assert problems == []
    assert anchor_problems == []
    assert lines > 0
    return own, theirs


def test_5000_envelopes_survive_receiver_and_sender_kills_applied_exactly_once(
        nodes: tuple[NodeProcess, NodeProcess]) -> None:
    vn, cn = nodes
    total, rounds = 5000, 5
    rng = random.Random(8711)
    vn.start(wait=True)
    cn.start(wait=True)
    per_round = total // rounds
    for round_number in range(rounds):
        enqueue_echoes(vn, per_round)
        time.sleep(rng.uniform(0.05, 0.6))  # kill mid-stream: some batches in flight, some applied
        cn.stop(kill=True)  # SIGKILL: no clean-up, no flush, like a power cut of the process
        if round_number == 2:
            vn.stop(kill=True)  # the sender dies too, with envelopes queued and a batch maybe in flight
            vn.start(wait=True)
        time.sleep(rng.uniform(0.2, 1.0))
        cn.start(wait=True)
    poll(lambda: _delivered(vn, total), 240, interval=0.5, message=f"all {total} envelopes delivered")

    assert outbox_status(vn) == {"sent": total, "delivered": total, "pending": 0, "refused": 0}
    assert received_counts(cn) == {"distinct": total, "duplicates_applied": 0}
    with opened(vn) as vn_node, vn_node.transaction() as session:
        receipted = session.scalar(
            select(func.count()).select_from(OutboxEnvelope)
            .join(StoredReceipt, StoredReceipt.envelope_id == OutboxEnvelope.id)
            .where(OutboxEnvelope.kind == "test.echo"))
    with opened(cn) as cn_node, cn_node.transaction() as session:
        applied = session.scalar(select(func.count()).select_from(InboxEnvelope).where(
            InboxEnvelope.kind == "test.echo", InboxEnvelope.status == "applied"))
    assert receipted == total  # every envelope has its peer's signed receipt stored
    assert applied == total
    # Anchors flowed both ways during the run and both logs are intact.
    poll(lambda: _verify_logs(vn)[0] > 0, 30, interval=0.5, message="an anchor of its own in the VN log")
    own_vn, _ = _verify_logs(vn)
    own_cn, _ = _verify_logs(cn)
    assert own_vn > 0
    assert own_cn > 0


def test_envelopes_queue_while_the_peer_is_offline_and_drain_when_it_returns(
        nodes: tuple[NodeProcess, NodeProcess]) -> None:
    vn, cn = nodes
    vn.start(wait=True)
    enqueue_echoes(vn, 400)
    time.sleep(8)  # a long stretch for the dispatcher: many failed attempts, backoff at its ceiling
    assert outbox_status(vn) == {"sent": 400, "delivered": 0, "pending": 400, "refused": 0}
    assert httpx.get(f"{vn.url}/health", timeout=5).status_code == 200  # still serving
    enqueue_echoes(vn, 100)
    cn.start(wait=True)
    poll(lambda: _delivered(vn, 500), 60, interval=0.5, message="all 500 envelopes delivered")
    assert received_counts(cn) == {"distinct": 500, "duplicates_applied": 0}
