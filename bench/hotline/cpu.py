"""Where a hotline request's CPU goes: the CPU time of the VN node, the CN node, their PostgreSQL
backends and this client, read from `/proc` before and after a run at a fixed rate, divided by the
requests sent, and the SQL statements each node sent per request (their `/metrics`).

A rate well below saturation is used, so the figures are the cost of a request and not of queueing.
They are CPU times, not wall times: a busy machine slows the latencies but hardly these.
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from tests.e2e.nodes import NodePair, NodeProcess

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    # After the command name: state is field 3 of stat(5), utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backend_pids(pair: NodePair) -> set[int]:
    """The PostgreSQL server processes serving the two nodes' databases (none on SQLite)."""
    if not pair.databases:
        return set()
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from borderlink.db import make_engine

    names = [make_url(url).database for url in pair.databases.values()]
    engine = make_engine(next(iter(pair.databases.values())))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names) "
                                           "AND pid <> pg_backend_pid()"), {"names": names})
            return {int(pid) for (pid,) in rows}
    finally:
        engine.dispose()


def statements(node: NodeProcess) -> int:
    with node.client("admin", timeout=30) as client:
        text = client.get("/metrics").text
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("borderlink_db_statements_total"))


@dataclasses.dataclass
class Snapshot:
    vn: float
    cn: float
    backends: dict[int, float]
    client: float
    vn_statements: int
    cn_statements: int

    @classmethod
    def take(cls, pair: NodePair, known_backends: set[int]) -> Snapshot:
        assert pair.vn.process is not None
        assert pair.cn.process is not None
        vn_statements, cn_statements = statements(pair.vn), statements(pair.cn)
        pids = known_backends | backend_pids(pair)
        times = os.times()
        return cls(process_cpu_seconds(pair.vn.process.pid), process_cpu_seconds(pair.cn.process.pid),
                   {pid: process_cpu_seconds(pid) for pid in pids}, times.user + times.system,
                   vn_statements, cn_statements)


@dataclasses.dataclass(frozen=True)
class CpuPerRequest:
    database: str
    requests: int
    rate: float
    vn_ms: float
    cn_ms: float
    backends_ms: float
    client_ms: float
    vn_statements: float
    cn_statements: float
    load: float

    @property
    def total_ms(self) -> float:
        return self.vn_ms + self.cn_ms + self.backends_ms + self.client_ms


def difference(database: str, before: Snapshot, after: Snapshot, requests: int, rate: float,
               load: float) -> CpuPerRequest:
    # A backend started during the run counts from zero; one that ended during it is lost (rare:
    # the nodes keep their pooled connections).
    backends = sum(after.backends.get(pid, 0.0) - before.backends.get(pid, 0.0) for pid in after.backends)
    per = 1000.0 / requests
    return CpuPerRequest(
        database, requests, rate, (after.vn - before.vn) * per, (after.cn - before.cn) * per,
        backends * per, (after.client - before.client) * per,
        (after.vn_statements - before.vn_statements) / requests,
        (after.cn_statements - before.cn_statements) / requests, load)


def report(figures: list[CpuPerRequest]) -> None:
    if not figures:
        return
    print()
    print("CPU per hotline request (from /proc, over a run at a fixed rate; statements from each node's /metrics, "
          "the /metrics reads included)")
    print(f"  {'database':<11} {'requests':>8} {'rate':>6} {'VN':>8} {'CN':>8} {'PG':>8} {'client':>8} "
          f"{'total':>8}   {'stmts VN':>8} {'stmts CN':>8}  load")
    for f in figures:
        print(f"  {f.database:<11} {f.requests:>8} {f.rate:>5g}/s {f.vn_ms:>6.1f}ms {f.cn_ms:>6.1f}ms "
              f"{f.backends_ms:>6.1f}ms {f.client_ms:>6.1f}ms {f.total_ms:>6.1f}ms   {f.vn_statements:>8.1f} "
              f"{f.cn_statements:>8.1f}  {f.load:.1f}")


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def settle(seconds: float = 1.0) -> None:
    """Let the nodes finish the receipts and pushes of the last requests before reading the CPU."""
    time.sleep(seconds)
