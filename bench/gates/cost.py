"""What a crossing costs in CPU, robust to a busy machine: the node process's CPU time and its
PostgreSQL backends' CPU time (from /proc) before and after a step, and the SQL statements the
node sent (its /metrics), each divided by the crossings recorded in the step. The ceiling is what
the machine's cores would record if they did nothing else."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from tests.e2e.nodes import NodeProcess

from bench.hotline.cpu import process_cpu_seconds


def backend_pids(database_url: str) -> set[int]:
    """The PostgreSQL server processes connected to the node's database (not this query's own)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from borderlink.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :name "
                                           "AND pid <> pg_backend_pid()"),
                                      {"name": make_url(database_url).database})
            return {int(pid) for (pid,) in rows}
    finally:
        engine.dispose()


def statements_sent(node: NodeProcess) -> int:
    with node.client("admin", timeout=30) as client:
        text = client.get("/metrics").text
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
               if line.startswith("borderlink_db_statements_total"))


@dataclasses.dataclass(frozen=True)
class Reading:
    node: float
    backends: dict[int, float]
    statements: int

    @classmethod
    def take(cls, nodes: Sequence[NodeProcess], database_url: str) -> Reading:
        """The node's processes (one or several serving one database) and their backends."""
        statements = sum(statements_sent(node) for node in nodes)  # first: their own CPU falls before
        pids = backend_pids(database_url)
        return cls(sum(process_cpu_seconds(node.process.pid) for node in nodes if node.process is not None),
                   {pid: process_cpu_seconds(pid) for pid in pids}, statements)


@dataclasses.dataclass(frozen=True)
class CostPerCrossing:
    crossings: int
    node_ms: float
    database_ms: float
    statements: float

    @property
    def total_ms(self) -> float:
        return self.node_ms + self.database_ms

    def ceiling(self, cores: int | None = None) -> float:
        """Crossings per second the cores would record doing nothing else."""
        return (cores or os.cpu_count() or 1) * 1000.0 / self.total_ms if self.total_ms else float("inf")

    def line(self) -> str:
        return (f"CPU per crossing: node {self.node_ms:.1f} ms + PostgreSQL {self.database_ms:.1f} ms = "
                f"{self.total_ms:.1f} ms, ceiling {self.ceiling():.0f}/s on {os.cpu_count()} cores; "
                f"{self.statements:.1f} SQL statements per crossing")


def cost(before: Reading, after: Reading, crossings: int) -> CostPerCrossing:
    # A backend opened during the step counts from zero; one closed during it is lost (the node
    # keeps its pooled connections, so that is rare). The /metrics read and its statements count
    # once per step, spread over all of its crossings.
    database = sum(seconds - before.backends.get(pid, 0.0) for pid, seconds in after.backends.items())
    per = 1000.0 / max(crossings, 1)
    return CostPerCrossing(crossings, (after.node - before.node) * per, database * per,
                           (after.statements - before.statements) / max(crossings, 1))
