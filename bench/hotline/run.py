"""Hotline benchmark: how long from Móng Cái pressing send to the request showing up live in
Dongxing's inbox, across two real node processes and the federation exchange (mutual TLS), on
SQLite and on PostgreSQL side by side, at stepped rates.

Per database, two demo nodes are set up in a temporary directory on free loopback ports and
started with `borderlink serve`. At each rate, requests are POSTed to the VN API as
mongcai.officer on a fixed schedule; a thread follows the CN inbox stream (server-sent events) as
dongxing.officer. A request's latency is from the start of its POST on VN to the arrival of its
`request` event on the CN stream. The split into stages uses the nodes' own timestamps (same
machine, same clock): the request's `sent_at` on VN and the time it was put in Dongxing's inbox.

The saturation rate is the highest rate held with p99 <= 200 ms and no failed or lost request;
stepping stops after the first rate that is not held. Deadlocks are the PostgreSQL server's own
count for the two nodes' databases over the run; retries are the nodes' `/metrics` count of
transactions run again after a deadlock or serialisation failure (none may reach a user).

Environment overrides:
  BORDERLINK_BENCH_DATABASE_URL       PostgreSQL server to make the nodes' databases on
                                      (default postgresql://postgres@127.0.0.1:5432/test; each
                                      node gets a new database beside it, dropped afterwards)
  BORDERLINK_BENCH_HOTLINE_DATABASES  which to run: "sqlite,postgresql" (default)
  BORDERLINK_BENCH_HOTLINE_RATES      requests per second, in steps (default 10,25,50,75,100,150)
  BORDERLINK_BENCH_HOTLINE_SECONDS    how long each step sends (default 10; at least 50 requests)
  BORDERLINK_BENCH_HOTLINE_DIR        keep the node directories and logs here (default: a
                                      temporary directory, removed afterwards)
  BORDERLINK_BENCH_HOTLINE_CPU        requests of the CPU-per-request run before the steps, sent
                                      at 5/s (default 50; 0 leaves it out); see bench/hotline/cpu.py
  BORDERLINK_BENCH_HOTLINE_CPU_RATE   the rate of that run (default 5): a higher one shows the
                                      cost of a request once the nodes batch their work
  BORDERLINK_BENCH_HOTLINE_PROFILE    a folder: record both node processes with py-spy during the
                                      CPU run (speedscope files, one per node and database)
  BORDERLINK_BENCH_HOTLINE_VN_PROCESSES  on PostgreSQL, how many `serve` processes the VN node runs
                                      on its one database (default 1); the POSTs go to each in turn,
                                      as a load balancer would send them (README: several processes)
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # `python bench/hotline/run.py`
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.e2e.nodes import NodePair, NodeProcess, SseReader, running_pair  # noqa: E402

from bench.hotline import cpu  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
GOAL_P99_MS = 200.0  # a rate is held when its p99 is at most this
# The goals on two cores: PostgreSQL p99 at 10/s, and the saturation rate of each database.
GOAL_PG_P99_AT_10_MS = 100.0
GOAL_SATURATION = {"postgresql": 100.0, "sqlite": 50.0}
WARM_UP = 5  # requests sent and awaited first, not counted (first TLS connection, first queries)
SETTLE_SECONDS = 30.0  # how long to wait for stragglers after the last POST
POST_TIMEOUT = 10.0  # seconds; a POST taking longer counts as failed
MAX_FAILURES = 10  # stop sending once this many POSTs have failed
REQUEST = {
    "kind": "urgent_alert", "priority": "urgent", "offence_code": "06012", "handling_code": "H0",
    "recipient_unit_code": "CN-GX-DONGXING", "subject": "Heroin courier crossing at Móng Cái",
    "body": "Suspect carrying 2 kg heroin, heading to Dongxing by motorbike. 嫌疑人携带海洛因。",
    "references": [{"type": "vehicle", "plate": "14B1-234.56"}],
}


def progress(message: str) -> None:
    print(f"[hotline] {message}", file=sys.stderr, flush=True)


@dataclasses.dataclass
class Sample:
    index: int
    scheduled: float  # perf_counter time the POST was due
    started: float = 0.0  # perf_counter at the start of the POST
    started_wall: float = 0.0
    returned: float = 0.0
    status_code: int = 0
    request_id: str | None = None
    sent_at: float | None = None  # VN's timestamp of the request, epoch seconds
    error: str | None = None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def epoch(value: str) -> float:
    return dt.datetime.fromisoformat(value).timestamp()


def post(client: httpx.Client, sample: Sample, subject: str, abort: threading.Event | None = None) -> Sample:
    if abort is not None and abort.is_set():
        sample.error = "not sent: the run was stopped"
        return sample
    sample.started, sample.started_wall = time.perf_counter(), time.time()
    try:
        response = client.post("/api/v1/hotline/requests", json={**REQUEST, "subject": subject})
    except httpx.HTTPError as exc:
        sample.error = f"{type(exc).__name__}: {exc}"
        return sample
    finally:
        sample.returned = time.perf_counter()
    sample.status_code = response.status_code
    if response.status_code == 201:
        body = response.json()
        sample.request_id = body["id"]
        sample.sent_at = epoch(body["sent_at"])
    else:
        sample.error = f"HTTP {response.status_code}: {response.text[:200]}"
    return sample


@contextmanager
def node_root() -> Iterator[Path]:
    kept = os.environ.get("BORDERLINK_BENCH_HOTLINE_DIR")
    if kept:
        root = Path(kept).resolve()
        if root.exists() and any(root.iterdir()):
            raise SystemExit(f"{root} is not empty; give an empty or new directory")
        root.mkdir(parents=True, exist_ok=True)
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="borderlink-bench-hotline-") as tmp:
        yield Path(tmp)


def send_all(clients: Sequence[httpx.Client], count: int, rate: float) -> list[Sample]:
    """POST `count` requests on a fixed schedule (`rate` per second), concurrently when the
    server is slower than the schedule, so a slow answer does not delay the next send; to each
    of the VN node's processes in turn."""
    samples: list[Sample] = []
    interval = 1.0 / rate
    abort = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix="post") as pool:
        start = time.perf_counter() + 0.05
        for index in range(count):
            if sum(1 for s in samples if s.error) >= MAX_FAILURES:
                abort.set()  # queued POSTs are dropped too
                progress(f"{MAX_FAILURES} POSTs failed; stopped sending after {index}")
                break
            due = start + index * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sample = Sample(index, due)
            samples.append(sample)
            pool.submit(post, clients[index % len(clients)], sample, f"Courier {index} crossing at Móng Cái", abort)
            if (index + 1) % 100 == 0:
                progress(f"submitted {index + 1}/{count}")
        while not abort.is_set() and any(s.started == 0.0 and s.error is None for s in samples):
            if sum(1 for s in samples if s.error) >= MAX_FAILURES:
                abort.set()
                progress(f"{MAX_FAILURES} POSTs failed; dropping the POSTs still queued")
            time.sleep(0.05)
    return [s for s in samples if s.started]


def inbox_times(pair: NodePair) -> dict[str, float]:
    """When each request was put in Dongxing's inbox on the CN node (epoch seconds)."""
    try:
        with pair.cn.client("dongxing.officer", timeout=30) as client:
            response = client.get("/api/v1/hotline/inbox", params={"limit": 1000})
        response.raise_for_status()
    except httpx.HTTPError as exc:
        progress(f"could not read Dongxing's inbox for the stage figures: {exc}")
        return {}
    return {item["request_id"]: epoch(item["updated_at"]) for item in response.json()["items"]}


def stage_line(name: str, values_s: Sequence[float]) -> str:
    ms = [1000 * v for v in values_s]
    return (f"  {name:<44} p50 {percentile(ms, 50):7.1f}   p99 {percentile(ms, 99):7.1f}   "
            f"max {max(ms, default=math.nan):7.1f} ms")


@dataclasses.dataclass
class Step:
    rate: float
    sent: int = 0
    failed: int = 0
    missing: int = 0
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    load: float = math.nan  # the machine's 1-minute load average as the step began

    @property
    def held(self) -> bool:
        return self.failed == 0 and self.missing == 0 and self.sent > 0 and self.p99_ms <= GOAL_P99_MS


def warm_up(pair: NodePair) -> bool:
    stream_url = f"{pair.cn.url}/api/v1/hotline/inbox/stream"
    with SseReader(stream_url, pair.cn.headers("dongxing.officer")) as stream, \
            pair.vn.client("mongcai.officer", timeout=POST_TIMEOUT) as client:
        progress(f"warm-up: {WARM_UP} requests")
        for index in range(WARM_UP):
            sample = post(client, Sample(-1, time.perf_counter()), f"Warm-up {index}")
            if sample.request_id is None:
                progress(f"warm-up request refused: {sample.error}")
                return False
            stream.wait_for_request(sample.request_id, timeout=SETTLE_SECONDS)
    return True


@contextmanager
def vn_clients(vn: Sequence[NodeProcess]) -> Iterator[list[httpx.Client]]:
    """One client as mongcai.officer for each of the VN node's processes."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(process.client("mongcai.officer", timeout=POST_TIMEOUT)) for process in vn]


def run(pair: NodePair, vn: Sequence[NodeProcess], count: int, rate: float) -> Step:
    stream_url = f"{pair.cn.url}/api/v1/hotline/inbox/stream"
    with SseReader(stream_url, pair.cn.headers("dongxing.officer")) as stream, vn_clients(vn) as clients:
        progress(f"sending {count} requests at {rate:g}/s")
        load = load_average()
        began = time.perf_counter()
        samples = send_all(clients, count, rate)
        sent_for = time.perf_counter() - began
        ids = {s.request_id for s in samples if s.request_id}
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not ids <= stream.first_seen.keys():
            time.sleep(0.05)
        seen = dict(stream.first_seen)
        seen_wall = dict(stream.first_seen_wall)
        stream_error = stream.error
    inbox = inbox_times(pair)
    step = Step(rate, sent=len(samples), load=load)

    failed = [s for s in samples if s.request_id is None]
    received = [s for s in samples if s.request_id in seen]
    latencies = [seen[s.request_id] - s.started for s in received if s.request_id]
    print(f"hotline end-to-end (POST on VN -> request event on the CN inbox stream), "
          f"{len(samples)} of {count} requests sent at {rate:g}/s over {sent_for:.1f} s "
          f"(machine load average {load:.1f} as it began)")
    print(f"  received {len(received)}/{count}   refused or failed POSTs {len(failed)}   "
          f"in Dongxing's inbox {sum(1 for s in samples if s.request_id in inbox)}/{count}")
    if latencies:
        p50, p99, worst = (1000 * percentile(latencies, 50), 1000 * percentile(latencies, 99),
                           1000 * max(latencies))
        verdict = "PASS" if p99 <= GOAL_P99_MS else "MISS"
        step.p50_ms, step.p99_ms = p50, p99
        print(f"  end-to-end latency: p50 {p50:.1f} ms   p99 {p99:.1f} ms   max {worst:.1f} ms")
        print(f"  goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict}")
        staged = [s for s in received if s.request_id in inbox and s.sent_at is not None]
        print("  stages (node timestamps; same clock):")
        print(stage_line("POST round trip on VN (201 returned)", [s.returned - s.started for s in received]))
        print(stage_line("POST start -> sent_at on VN (API, queueing)",
                         [s.sent_at - s.started_wall for s in staged if s.sent_at]))
        print(stage_line("sent_at on VN -> in Dongxing's inbox on CN",
                         [inbox[s.request_id] - s.sent_at for s in staged if s.request_id and s.sent_at]))
        print(stage_line("in CN inbox -> event read from the stream",
                         [seen_wall[s.request_id] - inbox[s.request_id] for s in staged if s.request_id]))
        late = [s for s in samples if s.started - s.scheduled > 0.05]
        if late:
            print(f"  note: {len(late)} POSTs started more than 50 ms behind schedule (client or VN overloaded)")
    for sample in failed[:5]:
        print(f"  failed POST {sample.index}: {sample.error}")
    missing = [s.request_id for s in samples if s.request_id and s.request_id not in seen]
    if missing:
        print(f"  {len(missing)} requests never announced on the stream, e.g. {missing[:3]}; "
              f"stream error: {stream_error!r}")
    step.failed = len(failed) + (count - len(samples))
    step.missing = len(missing)
    return step


DEFAULT_CPU_RATE = 5.0


def cpu_rate() -> float:
    return float(os.environ.get("BORDERLINK_BENCH_HOTLINE_CPU_RATE", DEFAULT_CPU_RATE))


@contextmanager
def profiled(pair: NodePair, database: str) -> Iterator[None]:
    """py-spy records both nodes while the block runs, when BORDERLINK_BENCH_HOTLINE_PROFILE names a folder."""
    folder = os.environ.get("BORDERLINK_BENCH_HOTLINE_PROFILE")
    if not folder:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    recorders = []
    for node in pair.nodes:
        assert node.process is not None
        target = Path(folder) / f"{database}-{node.party.lower()}.speedscope.json"
        recorders.append(subprocess.Popen(
            [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(node.process.pid), "--rate", "200",
             "--format", "speedscope", "--output", str(target), "--nonblocking", "--gil"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(1.0)  # py-spy attaches
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
        for recorder in recorders:
            recorder.wait(timeout=60)
        progress(f"profiles written to {folder}")


def cpu_run(pair: NodePair, database: str, count: int) -> cpu.CpuPerRequest | None:
    """`count` requests at a fixed, low rate, with every process's CPU time read before and after."""
    stream_url = f"{pair.cn.url}/api/v1/hotline/inbox/stream"
    with SseReader(stream_url, pair.cn.headers("dongxing.officer")) as stream, \
            pair.vn.client("mongcai.officer", timeout=POST_TIMEOUT) as client, profiled(pair, database):
        rate = cpu_rate()
        progress(f"{database}: CPU per request, {count} requests at {rate:g}/s")
        load = cpu.load_average()
        backends = cpu.backend_pids(pair)
        cpu.settle()
        before = cpu.Snapshot.take(pair, backends)
        samples = send_all([client], count, rate)
        ids = {s.request_id for s in samples if s.request_id}
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline and not ids <= stream.first_seen.keys():
            time.sleep(0.05)
        cpu.settle()
        after = cpu.Snapshot.take(pair, backends)
    if len(ids) != count or not ids <= stream.first_seen.keys():
        progress(f"{database}: CPU run incomplete ({len(ids)} of {count} accepted); no CPU figure")
        return None
    return cpu.difference(database, before, after, count, rate, load)


@dataclasses.dataclass
class Run:
    database: str
    vn_processes: int = 1
    steps: list[Step] = dataclasses.field(default_factory=list)
    cpu: cpu.CpuPerRequest | None = None
    deadlocks: int | None = None  # None: not measurable (SQLite has no lock cycles to detect)
    retries: int = 0
    error: str | None = None

    @property
    def label(self) -> str:
        return self.database if self.vn_processes == 1 else f"{self.database}, {self.vn_processes} VN processes"

    @property
    def saturation(self) -> float | None:
        held = [step.rate for step in self.steps if step.held]
        return max(held) if held else None


def pg_deadlocks(urls: dict[str, str]) -> int:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from borderlink.db import make_engine

    total = 0
    for url in urls.values():
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                total += int(connection.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = :n"),
                                                {"n": make_url(url).database}).scalar_one())
        finally:
            engine.dispose()
    return total


def retries_counted(pair: NodePair) -> int:
    total = 0
    for node in pair.nodes:
        with node.client("admin", timeout=30) as client:
            text = client.get("/metrics").text
        for line in text.splitlines():
            if line.startswith("borderlink_transaction_retries_total"):
                total += int(float(line.rsplit(" ", 1)[1]))
    return total


def measure(database: str, root: Path, rates: list[float], seconds: float, cpu_requests: int,
            vn_processes: int = 1) -> Run:
    result = Run(database, vn_processes)
    url = None
    if database == "postgresql":
        url = os.environ.get("BORDERLINK_BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    progress(f"{database}: setting up the VN and CN nodes in {root}")
    started = time.perf_counter()
    extra: list[NodeProcess] = []
    with running_pair(root, database_url=url) as pair:
        progress(f"{database}: both nodes serving after {time.perf_counter() - started:.0f} s "
                 f"(VN {pair.vn.url}, CN {pair.cn.url})")
        try:
            if not warm_up(pair):
                result.error = "warm-up refused"
                return result
            if cpu_requests > 0:
                result.cpu = cpu_run(pair, database, cpu_requests)
            before = pg_deadlocks(pair.databases) if url else None
            vn = [pair.vn]
            for _ in range(vn_processes - 1):
                vn.append(pair.second_process("VN"))
                vn[-1].start(wait=True)
                extra.append(vn[-1])
            for rate in rates:
                print(f"--- {result.label}, {rate:g} requests/s")
                step = run(pair, vn, max(50, int(rate * seconds)), rate)
                result.steps.append(step)
                if not step.held:
                    break  # past saturation: higher rates only queue more
            if before is not None:
                result.deadlocks = pg_deadlocks(pair.databases) - before
            result.retries = retries_counted(pair)
        except Exception as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            for node in pair.nodes:
                progress(f"{node.party} node log (last lines):\n{node.log_tail(15)}")
        finally:
            for process in extra:
                process.stop()
    return result


def load_average() -> float:
    """The 1-minute load average: this machine may be busy with other work, which the figures show."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def _cell(step: Step | None) -> str:
    if step is None:
        return "-"
    text = f"{step.p50_ms:,.0f} / {step.p99_ms:,.0f} ms (load {step.load:.1f})"
    if step.failed or step.missing:
        text += f" ({step.failed} failed, {step.missing} lost)"
    return text + ("" if step.held else " *")


def report(runs: list[Run], rates: list[float]) -> None:
    print()
    print("hotline end-to-end latency (POST on VN -> event on CN's inbox stream), p50 / p99 "
          "(machine load average as the step began)")
    print(f"  {'rate':>8}  " + "  ".join(f"{run.label:<44}" for run in runs))
    for rate in rates:
        cells = [_cell(next((s for s in run.steps if s.rate == rate), None)) for run in runs]
        if all(cell == "-" for cell in cells):
            continue
        print(f"  {rate:>6g}/s  " + "  ".join(f"{cell:<44}" for cell in cells))
    print(f"  (* not held: p99 > {GOAL_P99_MS:.0f} ms, or requests failed or lost)")
    for run in runs:
        saturation = run.saturation
        print(f"  {run.label}: saturation {'none' if saturation is None else f'{saturation:g} requests/s'}"
              f" (highest rate held with p99 <= {GOAL_P99_MS:.0f} ms)   deadlocks "
              f"{'n/a' if run.deadlocks is None else run.deadlocks}   retries {run.retries}"
              + (f"   error: {run.error}" if run.error else ""))
    if hasattr(os, "getloadavg"):
        print("  machine load average (1, 5, 15 min): " + ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    print("goals (2 cores):")
    for run in runs:
        goal = GOAL_SATURATION.get(run.database)
        if goal is not None:
            reached = run.saturation is not None and run.saturation >= goal
            print(f"  {run.label} saturation >= {goal:g} requests/s: {'PASS' if reached else 'MISS'}")
        if run.database == "postgresql":
            at_10 = next((step for step in run.steps if step.rate == 10), None)
            if at_10 is not None:
                verdict = "PASS" if at_10.p99_ms <= GOAL_PG_P99_AT_10_MS and at_10.held else "MISS"
                print(f"  {run.label} p99 <= {GOAL_PG_P99_AT_10_MS:.0f} ms at 10/s: {verdict} "
                      f"({at_10.p99_ms:.0f} ms)")
        # A deadlock the node ran again is not seen by anyone; one that is shows as a failed POST.
        failed = sum(step.failed for step in run.steps)
        print(f"  {run.label} no deadlock reaching a user: {'PASS' if failed == 0 else 'CHECK'} "
              f"({'n/a' if run.deadlocks is None else run.deadlocks} deadlocks, {run.retries} transactions "
              f"run again, {failed} POSTs failed)")


def main() -> int:
    rates = [float(v) for v in os.environ.get("BORDERLINK_BENCH_HOTLINE_RATES", "10,25,50,75,100,150").split(",")]
    seconds = float(os.environ.get("BORDERLINK_BENCH_HOTLINE_SECONDS", "10"))
    cpu_requests = int(os.environ.get("BORDERLINK_BENCH_HOTLINE_CPU", "50"))
    databases = os.environ.get("BORDERLINK_BENCH_HOTLINE_DATABASES", "sqlite,postgresql").split(",")
    vn_processes = int(os.environ.get("BORDERLINK_BENCH_HOTLINE_VN_PROCESSES", "1"))
    if vn_processes < 1:
        raise SystemExit("BORDERLINK_BENCH_HOTLINE_VN_PROCESSES must be at least 1")
    runs = []
    with node_root() as root:
        for database in databases:
            name = database.strip()
            # One node's processes share a database on PostgreSQL only (SQLite's file is one process's).
            runs.append(measure(name, root / name, rates, seconds, cpu_requests,
                                vn_processes if name == "postgresql" else 1))
    report(runs, rates)
    cpu.report([run.cpu for run in runs if run.cpu is not None])
    broken = [run for run in runs if run.error or not run.steps or run.steps[0].failed or run.steps[0].missing]
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
