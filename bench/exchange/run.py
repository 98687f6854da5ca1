"""Two-node exchange benchmark: real node processes, mutual TLS on loopback, signed envelopes,
SQLite with WAL committed on both sides before a receipt counts.

1. Throughput: N envelopes are queued while the sender is stopped; once it starts, receipts are
   stored as fast as the link goes. Rate = receipts stored per second from the first to the last.
2. Latency at a steady 100 envelopes/s: one envelope per 10 ms, each committed on its own by this
   process (so the running dispatcher must find it by polling the database, the harder case);
   latency = receipt stored on the sender minus envelope created.

Usage: python -m bench.exchange.run [--count N] [--seconds S]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from tests.e2e.exchange_nodes import enqueue_echoes, opened, outbox_status, received_counts
from tests.e2e.nodes import NodeProcess, create_pair, poll

from borderlink.exchange import testtraffic
from borderlink.exchange.models import OutboxEnvelope, StoredReceipt

THROUGHPUT_GOAL = 1000.0  # envelopes per second
P99_GOAL_MS = 100.0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _receipt_times(node_process: NodeProcess) -> list[tuple[float, float]]:
    """(created, receipt stored) per delivered test envelope, as Unix seconds."""
    with opened(node_process) as node, node.transaction() as session:
        rows = session.execute(
            select(OutboxEnvelope.created_at, StoredReceipt.stored_at)
            .join(StoredReceipt, StoredReceipt.envelope_id == OutboxEnvelope.id)
            .where(OutboxEnvelope.kind == testtraffic.ECHO_KIND)
        ).all()
    return [(created.timestamp(), stored.timestamp()) for created, stored in rows]


def measure_throughput(root: Path, count: int) -> float:
    pair = create_pair(root / "throughput", demo=False)
    vn, cn = pair.nodes
    try:
        cn.start(wait=True)
        started = time.perf_counter()
        enqueue_echoes(vn, count, chunk=2000)
        enqueue_seconds = time.perf_counter() - started
        print(f"  queued {count} signed envelopes in {enqueue_seconds:.1f} s "
              f"({count / enqueue_seconds:,.0f}/s, sign + outbox + message log)")
        vn.start(wait=True)
        try:
            poll(lambda: outbox_status(vn)["delivered"] >= count, 600, interval=0.5, message="delivery")
        except AssertionError:
            print(f"  not all delivered: {outbox_status(vn)}")
            return 0.0
        stored = sorted(stored for _, stored in _receipt_times(vn))
        span = stored[-1] - stored[0]
        first_batch = sum(1 for moment in stored if moment == stored[0])
        rate = (count - first_batch) / span if span > 0 else float("inf")
        received = received_counts(cn)
        assert received == {"distinct": count, "duplicates_applied": 0}, received
        return rate
    finally:
        pair.stop()


def measure_latency(root: Path, seconds: float, rate: float = 100.0) -> list[float]:
    pair = create_pair(root / "latency", demo=False)
    vn, cn = pair.nodes
    try:
        cn.start(wait=True)
        vn.start(wait=True)
        total = int(seconds * rate)
        interval = 1.0 / rate
        with opened(vn) as node:
            next_at = time.perf_counter()
            for _ in range(total):
                with node.transaction() as session:
                    testtraffic.send_test(session, 1)
                next_at += interval
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
        with contextlib.suppress(AssertionError):  # the latencies of what did arrive still count
            poll(lambda: outbox_status(vn)["delivered"] >= total, 120, interval=0.5, message="delivery")
        return sorted((stored - created) * 1000.0 for created, stored in _receipt_times(vn))
    finally:
        pair.stop()


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(fraction * (len(values) - 1))))
    return values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000, help="envelopes for the throughput run")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the 100/s latency run")
    args = parser.parse_args(argv if argv is not None else [])
    load = os.getloadavg()[0]
    print(f"exchange benchmark: {os.cpu_count()} CPUs, load average {load:.1f}; SQLite WAL on both nodes")
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as folder:
        root = Path(folder)
        rate = measure_throughput(root, args.count)
        print(f"throughput: {rate:,.0f} envelopes/s delivered (signed, committed, receipted)"
              f"   goal >= {THROUGHPUT_GOAL:,.0f}/s   {_verdict(rate >= THROUGHPUT_GOAL)}")
        latencies = measure_latency(root, args.seconds)
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        print(f"latency at 100 envelopes/s ({len(latencies)} envelopes): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {latencies[-1] if latencies else float('nan'):.1f} ms"
              f"   goal p99 <= {P99_GOAL_MS:.0f} ms   {_verdict(p99 <= P99_GOAL_MS)}")
        if latencies:
            print(f"  mean {statistics.fmean(latencies):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
