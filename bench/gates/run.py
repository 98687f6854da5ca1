"""Gates benchmark: crossings recorded and checked per second over HTTP, and one crossing's
latency, on a real node process with PostgreSQL and N alert persons in the screening index.

    python -m bench.gates.run [--persons N] [--seconds S] [--clients C]
    python -m bench.run_all gates                       (part of `make bench`)

The node is Vietnam's demo node (`borderlink serve`) on a database of its own beside the server's
base database, holding N active alerts of VN units (default 1,000,000; the synthetic watchlist of
`bench/matching/scale.py`: wanted, missing and person-of-interest alerts, every tenth with a
passport and every twentieth with a plate). The seeded database and node directory (screening
snapshot included) are kept and reused by the next run with the same N (see seed.py); the seeding
time is printed when it happens.

Travellers are recorded at Móng Cái as mongcai.officer with a typed person (name in any script,
birth date, sex, nationality) and a passport; one in 25 is a spelling of a listed person, so hits
are raised and go to the owning unit's work feed like a gate's real ones. Steps:
  1. start the node and time it until the first crossing is answered (the index opens or builds);
  2. latency: single `POST /api/v1/gates/crossings`, one at a time: p50 and p99;
  3. throughput: C concurrent clients posting single `POST /api/v1/gates/crossings` for S seconds;
  4. throughput: C/2 concurrent clients posting `POST /api/v1/gates/crossings/batch` of 20.
Only 201 answers count; every other answer is counted as failed and printed.

Environment overrides:
  BORDERLINK_BENCH_DATABASE_URL   PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/test;
                                  the node's database is made beside it and kept)
  BORDERLINK_BENCH_GATES_PERSONS  alert persons (default 1,000,000; --persons wins)
  BORDERLINK_BENCH_GATES_SECONDS  how long each throughput step sends (default 30)
  BORDERLINK_BENCH_GATES_CLIENTS  concurrent clients (default 8)
  BORDERLINK_BENCH_GATES_DIR      where the seeded node directory is kept (default: a folder in the
                                  system's temporary directory named after the database and N)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import itertools
import math
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # `python bench/gates/run.py`
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.gates.cost import CostPerCrossing, Reading, cost  # noqa: E402
from bench.gates.seed import SeededNode, progress, seeded_node, settle_earlier_runs  # noqa: E402
from borderlink.matching import PersonRecord  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_PERSONS = 1_000_000
GOAL_RATE = 200.0  # crossings per second
GOAL_P99_MS = 100.0
TRAVELLERS = 4_000
LISTED_EVERY = 25  # one traveller in this many is a spelling of a listed person
BATCH_SIZE = 20
LATENCY_SAMPLES = 300
FIRST_ANSWER_TIMEOUT = 1_800.0  # building the index of a million alerts on a busy machine
CROSSINGS = "/api/v1/gates/crossings"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


class Travellers:
    """Crossing bodies in a fixed order, each with a document number of its own."""

    def __init__(self, queries: Sequence[PersonRecord], listed: int) -> None:
        self.listed = list(queries[:listed])
        self.others = list(queries[listed:]) or list(queries)
        self._next = 0
        self._lock = threading.Lock()

    def body(self) -> dict[str, Any]:
        with self._lock:
            number = self._next
            self._next += 1
        if self.listed and number % LISTED_EVERY == 0:
            record = self.listed[number // LISTED_EVERY % len(self.listed)]
        else:
            record = self.others[number % len(self.others)]
        person: dict[str, Any] = {"names": [record.name]}
        if record.birth_date:
            person["birth_date"] = record.birth_date
        if record.gender in ("M", "F"):
            person["sex"] = record.gender
        if record.nationality:
            person["nationality"] = record.nationality
        state = record.nationality or "CHN"
        return {"direction": "entry" if number % 2 == 0 else "exit", "person": person,
                "document": {"type": "passport", "number": f"G{os.getpid() % 1000:03d}{number:07d}",
                             "issuing_state": state, "expiry": "2031-06-30"},
                "purpose": "trade" if number % 3 else "tourism"}


@dataclasses.dataclass
class Tally:
    recorded: int = 0
    hits: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)
    latencies: list[float] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, response: httpx.Response | None, elapsed: float, error: str | None = None) -> None:
        with self.lock:
            if response is not None and response.status_code == 201:
                body = response.json()
                items = body.get("crossings", [body])
                self.recorded += len(items)
                self.hits += sum(1 for item in items if item["check"]["result"] == "hit")
                self.latencies.append(elapsed)
            else:
                self.failures.append(error or f"HTTP {response.status_code if response else '?'}: "
                                     f"{response.text[:200] if response else ''}")


def post(client: httpx.Client, path: str, body: dict[str, Any], tally: Tally) -> None:
    began = time.perf_counter()
    try:
        response = client.post(path, json=body)
    except httpx.HTTPError as exc:
        tally.add(None, 0.0, f"{type(exc).__name__}: {exc}")
        return
    tally.add(response, time.perf_counter() - began)


def sustained(make_client: Any, travellers: Travellers, clients: int, seconds: float,
              batch: int) -> tuple[Tally, float]:
    """`clients` threads posting for `seconds`: single crossings, or batches of `batch`."""
    tally = Tally()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        with make_client() as client:
            while time.perf_counter() < stop_at and len(tally.failures) < 20:
                if batch > 1:
                    post(client, f"{CROSSINGS}/batch", {"crossings": [travellers.body() for _ in range(batch)]}, tally)
                else:
                    post(client, CROSSINGS, travellers.body(), tally)

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(worker) for _ in range(clients)]:
            future.result()
    return tally, time.perf_counter() - began


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def run(seeded: SeededNode, seconds: float, clients: int, samples: int, processes: int = 1) -> int:
    from tests.e2e.nodes import NodeProcess, _tokens, another_process, free_port

    listen, federation = free_port(), free_port()
    env = {"BORDERLINK_LISTEN_PORT": str(listen), "BORDERLINK_FEDERATION_PORT": str(federation)}
    node = NodeProcess("VN", seeded.node_dir, listen, federation, _tokens(seeded.node_dir), env)
    travellers = Travellers(seeded.queries, seeded.listed_queries)

    def make_client() -> httpx.Client:
        return node.client("mongcai.officer", timeout=60.0)

    taken = settle_earlier_runs(seeded.database_url)
    if any(taken):
        progress(f"took out {taken[0]:,} crossings and {taken[1]:,} hits of earlier runs")
    progress("starting the node")
    began = time.perf_counter()
    more = [another_process(node, number) for number in range(2, processes + 1)]  # copied before it starts
    node.start()
    try:
        failed = _measure(node, travellers, make_client, seconds, clients, samples, seeded, began)
        if more and not failed:
            failed = _several_processes([node, *more], travellers, seconds, max(1, clients // 2), seeded)
        print(f"  load average (1, 5, 15 min) at the end: {load()}")
        return failed
    finally:
        for process in more:
            if process.running:
                process.stop()
        node.stop()


def _ready(node: Any) -> bool:
    # No peer is imported, so the node listens only for the web: ready once /health answers.
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(f"{node.url}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if not node.running or time.monotonic() > deadline:
            print(f"the node did not start:\n{node.log_tail()}")
            return False
        time.sleep(0.1)


def _several_processes(nodes: list[Any], travellers: Travellers, seconds: float, clients: int,
                       seeded: SeededNode) -> int:
    """Batches posted to several `serve` processes of the one node on its one database (as behind a
    load balancer), the clients spread over them in turn."""
    progress(f"throughput: {len(nodes)} node processes, {clients} clients, batches of {BATCH_SIZE}, {seconds:g} s")
    for process in nodes[1:]:
        process.start()
    if not all(_ready(process) for process in nodes[1:]):
        return 1
    for process in nodes[1:]:  # its screening index opened before the step starts
        with process.client("mongcai.officer", timeout=FIRST_ANSWER_TIMEOUT) as client:
            if client.post(CROSSINGS, json=travellers.body()).status_code != 201:
                print(f"the first crossing on {process.url} was refused")
                return 1
    turn = itertools.count()
    lock = threading.Lock()

    def make_client() -> httpx.Client:
        with lock:
            process = nodes[next(turn) % len(nodes)]
        return process.client("mongcai.officer", timeout=60.0)

    before = Reading.take(nodes, seeded.database_url)
    tally, took = sustained(make_client, travellers, clients, seconds, BATCH_SIZE)
    spent = cost(before, Reading.take(nodes, seeded.database_url), tally.recorded)
    rate = tally.recorded / took if took else 0.0
    for failure in tally.failures[:3]:
        print(f"  failed in the several-processes step: {failure}")
    print(f"  crossings recorded and checked per second, POST /api/v1/gates/crossings/batch of {BATCH_SIZE}, "
          f"{len(nodes)} serve processes of the node on its one database, {clients} concurrent clients spread "
          f"over them: {rate:.0f}/s ({tally.recorded} in {took:.1f} s, {tally.hits} hits, {len(tally.failures)} "
          f"failed; request p50 {1000 * percentile(tally.latencies, 50):.0f} ms, "
          f"p99 {1000 * percentile(tally.latencies, 99):.0f} ms)   goal >= {GOAL_RATE:.0f}/s: "
          f"{verdict(rate >= GOAL_RATE and not tally.failures)}   (load average {load()})")
    print(f"    {spent.line()}")
    return 1 if tally.failures else 0


def _measure(node: Any, travellers: Travellers, make_client: Any, seconds: float, clients: int, samples: int,
             seeded: SeededNode, began: float) -> int:
    if not _ready(node):
        return 1
    with node.client("mongcai.officer", timeout=FIRST_ANSWER_TIMEOUT) as client:
        first = client.post(CROSSINGS, json=travellers.body())
    first_s = time.perf_counter() - began
    if first.status_code != 201:
        print(f"the first crossing was refused: HTTP {first.status_code} {first.text[:300]}")
        return 1
    progress(f"first crossing answered {first_s:.1f} s after the start; warming up")
    warm, _ = sustained(make_client, travellers, 2, 3.0, 1)
    progress(f"latency: {samples} single crossings one at a time")
    single = Tally()
    before = Reading.take([node], seeded.database_url)
    with make_client() as client:
        for _ in range(samples):
            post(client, CROSSINGS, travellers.body(), single)
    cost_latency = cost(before, Reading.take([node], seeded.database_url), single.recorded)
    load_latency = load()
    progress(f"throughput: {clients} clients, single crossings, {seconds:g} s")
    before = Reading.take([node], seeded.database_url)
    rate_single, took_single = sustained(make_client, travellers, clients, seconds, 1)
    cost_single = cost(before, Reading.take([node], seeded.database_url), rate_single.recorded)
    load_single = load()
    batch_clients = max(1, clients // 2)
    progress(f"throughput: {batch_clients} clients, batches of {BATCH_SIZE}, {seconds:g} s")
    before = Reading.take([node], seeded.database_url)
    rate_batch, took_batch = sustained(make_client, travellers, batch_clients, seconds, BATCH_SIZE)
    cost_batch = cost(before, Reading.take([node], seeded.database_url), rate_batch.recorded)
    load_batch = load()

    print(f"gates benchmark: {seeded.persons:,} alert persons in the screening index, PostgreSQL, "
          f"one node process ({os.cpu_count()} cores)")
    if seeded.reused:
        print("  seeding: reused the seeded database and node directory of an earlier run")
    else:
        print(f"  seeding: {seeded.seed_seconds:.1f} s (generate, migrate, COPY {seeded.persons:,} alerts)")
    print(f"  node start to first crossing answered (index opened or built): {first_s:.1f} s")
    for name, tally in (("warm-up", warm), ("latency", single), ("single", rate_single), ("batch", rate_batch)):
        for failure in tally.failures[:3]:
            print(f"  failed in the {name} step: {failure}")
    p50, p99 = 1000 * percentile(single.latencies, 50), 1000 * percentile(single.latencies, 99)
    print(f"  single crossing latency, one at a time ({len(single.latencies)} crossings, {single.hits} hits): "
          f"p50 {p50:.1f} ms  p99 {p99:.1f} ms   goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict(p99 <= GOAL_P99_MS)}"
          f"   (load average {load_latency})")
    print(f"    {cost_latency.line()}")
    failed = bool(single.failures or warm.failures)
    steps: tuple[tuple[str, Tally, float, str, CostPerCrossing], ...] = (
        (f"POST /api/v1/gates/crossings, {clients} concurrent clients", rate_single, took_single, load_single,
         cost_single),
        (f"POST /api/v1/gates/crossings/batch of {BATCH_SIZE}, {batch_clients} concurrent clients", rate_batch,
         took_batch, load_batch, cost_batch))
    for label, tally, took, load_at, spent in steps:
        rate = tally.recorded / took if took else 0.0
        failed = failed or bool(tally.failures)
        print(f"  crossings recorded and checked per second, {label}: {rate:.0f}/s "
              f"({tally.recorded} in {took:.1f} s, {tally.hits} hits, {len(tally.failures)} failed; "
              f"request p50 {1000 * percentile(tally.latencies, 50):.0f} ms, "
              f"p99 {1000 * percentile(tally.latencies, 99):.0f} ms)   goal >= {GOAL_RATE:.0f}/s: "
              f"{verdict(rate >= GOAL_RATE and not tally.failures)}   (load average {load_at})")
        print(f"    {spent.line()}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int,
                        default=int(os.environ.get("BORDERLINK_BENCH_GATES_PERSONS", DEFAULT_PERSONS)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BORDERLINK_BENCH_GATES_SECONDS", 30)))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BORDERLINK_BENCH_GATES_CLIENTS", 8)))
    parser.add_argument("--samples", type=int, default=LATENCY_SAMPLES, help="single crossings timed one at a time")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("BORDERLINK_BENCH_GATES_PROCESSES", 2)),
                        help="serve processes of the node in the last batch step (1: that step is left out)")
    args = parser.parse_args(list(argv) if argv is not None else [])
    base_url = os.environ.get("BORDERLINK_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    print(f"gates benchmark: {args.persons:,} alert persons; load average at start {load()}", flush=True)
    kept = os.environ.get("BORDERLINK_BENCH_GATES_DIR")
    seeded = seeded_node(base_url, max(10, args.persons), min(TRAVELLERS, max(20, args.persons)),
                         Path(kept) if kept else None)
    return run(seeded, max(1.0, args.seconds), max(1, args.clients), max(1, args.samples), max(1, args.processes))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
