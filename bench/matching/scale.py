"""Scale benchmark: build time, memory, batch throughput and latency on a large watchlist.

``main()`` runs the measurement in a fresh interpreter (``python -m bench.matching.scale
--measure``) so that the resident-memory figures are not polluted by the accuracy run, then
prints the figures. The watchlist size is ``BORDERLINK_BENCH_SCALE`` (default 1,000,000).
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from bench.matching.baseline import FuzzyBaseline
from bench.matching.dataset import (
    POSITIVE_CATEGORIES,
    applicable,
    record_rendering,
    render_pair,
)
from bench.matching.people import (
    PersonFactory,
    noisy_birth_date,
    precision_for_entry,
    precision_for_query,
)
from bench.matching.renderings import PersonName
from bench.matching.sources import load_sources
from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, WatchlistIndex

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_SCALE = 1_000_000
SEED = 4_242
# Each batch screens its own queries: the first right after the workers start, the second
# once they have screened one batch (steady state); no query is screened twice.
THROUGHPUT_QUERIES = 5_000
LATENCY_QUERIES = 2_000
BASELINE_QUERIES = 50
WORKERS = 2
# Caps so that a slow matcher still lets `make bench` finish; the output says when they bite.
THROUGHPUT_BUDGET_S = 120.0
LATENCY_BUDGET_S = 60.0
BASELINE_BUDGET_S = 120.0

MEMORY_GOAL_MB = 2048.0
THROUGHPUT_GOAL = 1000.0
P99_GOAL_MS = 20.0


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"  scale [{elapsed:6.0f} s]: {message}", file=sys.stderr, flush=True)


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def synthetic_watchlist(size: int, query_count: int) -> tuple[list[PersonRecord],
                                                                list[PersonRecord]]:
    """A mixed-script watchlist and queries: half of them spellings of listed people."""
    records, queries, _ = synthetic_watchlist_and_listed(size, query_count)
    return records, queries


def synthetic_watchlist_and_listed(size: int, query_count: int, query_precision: str | None = None,
                                   ) -> tuple[list[PersonRecord], list[PersonRecord], list[bool]]:
    """`synthetic_watchlist`, and for each query whether it is a spelling of a listed person
    (the queries are shuffled, so their order does not tell).

    `query_precision` ("day", "month", "year", "none") fixes how precisely every query gives its
    birth date (a traveller's passport always gives the full date); the watchlist and which
    people the queries are do not change with it.
    """
    rng = random.Random(SEED)
    factory = PersonFactory(load_sources(), rng)
    wanted = set(rng.sample(range(size), min(size, query_count // 2)))
    records = []
    kept = []
    for number in range(size):
        person = factory.person()
        name = record_rendering(person.name, rng)
        alt: tuple[str, ...] = ()
        if rng.random() < 0.3:
            other = record_rendering(person.name, rng)
            alt = (other,) if other != name else ()
        records.append(PersonRecord(
            id=f"S{number:07d}", name=name, alt_names=alt,
            birth_date=person.birth.render(precision_for_entry(rng)),
            gender=person.gender if rng.random() < 0.9 else None,
            nationality=person.nationality,
        ))
        if number in wanted:
            kept.append(person)
        if number and number % 200_000 == 0:
            _progress(f"generated {number:,} entries")

    def query_name(name: PersonName) -> str:
        categories = [c for c in POSITIVE_CATEGORIES if applicable(c, name)]
        return render_pair(rng.choice(categories), name, rng)[1]

    people = [(p, True) for p in kept] + [(factory.person(), False) for _ in range(query_count - len(kept))]
    rng.shuffle(people)
    queries = []
    for n, (p, _) in enumerate(people):
        name = query_name(p.name)
        drawn = precision_for_query(rng)
        queries.append(PersonRecord(id=f"SQ{n:05d}", name=name,
                                    birth_date=noisy_birth_date(p.birth, query_precision or drawn, rng),
                                    gender=p.gender, nationality=p.nationality))
    return records, queries, [listed for _, listed in people]


def _timed_until(budget: float, items: list[Any], run: Callable[[Any], object]) -> list[float]:
    durations = []
    started = time.perf_counter()
    for item in items:
        begin = time.perf_counter()
        run(item)
        durations.append(time.perf_counter() - begin)
        if time.perf_counter() - started > budget:
            break
    return durations


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _measure_library(records: list[PersonRecord], queries: list[PersonRecord],
                     figures: dict[str, Any]) -> None:
    """Library figures; the index is freed when this returns, before the baseline runs."""
    rss_before = _rss_mb()
    _progress("building the library index")
    started = time.perf_counter()
    index = WatchlistIndex.build(records)
    figures["build_s"] = time.perf_counter() - started
    gc.collect()
    rss_after = _rss_mb()
    figures["index_rss_mb"] = rss_after - rss_before
    figures["index_arrays_mb"] = index.nbytes / 2**20
    figures["process_rss_mb"] = rss_after

    # One screen_many call per batch, as a gate submits a manifest; a probe of 100 queries
    # starts the workers and sizes the batches so that a slow matcher stays within the cap.
    probe, fresh = queries[:100], queries[100:]
    started = time.perf_counter()
    index.screen_many(probe, threshold=DEFAULT_THRESHOLD, limit=10, workers=WORKERS)
    probe_rate = len(probe) / max(time.perf_counter() - started, 1e-9)
    batch_size = int(min(THROUGHPUT_QUERIES, len(fresh) // 2,
                         max(len(probe), probe_rate * THROUGHPUT_BUDGET_S / 2)))
    for label, batch in (("first", fresh[:batch_size]), ("steady", fresh[batch_size:2 * batch_size])):
        _progress(f"batch screening {len(batch):,} queries with workers={WORKERS} ({label} batch)")
        started = time.perf_counter()
        index.screen_many(batch, threshold=DEFAULT_THRESHOLD, limit=10, workers=WORKERS)
        figures[f"{label}_batch_checks_per_s"] = len(batch) / (time.perf_counter() - started)
    figures["batch_queries"] = batch_size

    _progress(f"single checks: up to {LATENCY_QUERIES:,} queries one at a time")
    latencies = _timed_until(LATENCY_BUDGET_S, queries[:LATENCY_QUERIES],
                             lambda q: index.screen(q, threshold=DEFAULT_THRESHOLD, limit=10))
    figures["latency_queries"] = len(latencies)
    figures["p50_ms"] = statistics.median(latencies) * 1000
    figures["p99_ms"] = _percentile(latencies, 0.99) * 1000


def measure(size: int) -> dict[str, Any]:
    """Run in a fresh interpreter; returns the figures as a JSON-able dict."""
    # Small runs (tests) use fewer queries; the full run uses the documented counts.
    query_count = min(2 * THROUGHPUT_QUERIES + 100, max(200, size // 5))
    figures: dict[str, Any] = {"size": size, "workers": WORKERS, "query_count": query_count}
    _progress(f"generating {size:,} synthetic watchlist entries")
    records, queries = synthetic_watchlist(size, query_count)
    gc.collect()
    _measure_library(records, queries, figures)
    gc.collect()

    _progress("building the fuzzy baseline")
    rss_before = _rss_mb()
    started = time.perf_counter()
    baseline = FuzzyBaseline(records)
    figures["baseline_build_s"] = time.perf_counter() - started
    figures["baseline_rss_mb"] = _rss_mb() - rss_before
    figures["baseline_names"] = len(baseline.names)
    _progress(f"baseline single checks on {BASELINE_QUERIES} queries (exhaustive scan)")
    latencies = _timed_until(BASELINE_BUDGET_S, queries[:BASELINE_QUERIES], baseline.screen)
    figures["baseline_queries"] = len(latencies)
    figures["baseline_checks_per_s"] = len(latencies) / sum(latencies)
    figures["baseline_p50_ms"] = statistics.median(latencies) * 1000
    figures["baseline_p99_ms"] = _percentile(latencies, 0.99) * 1000
    return figures


def _row(label: str, value: str, goal: str = "", verdict: str = "") -> str:
    return f"{label:<44}{value:>16}  {goal:<12}{verdict}"


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def format_figures(f: dict[str, Any]) -> str:
    size = f["size"]
    lines = [
        f"== matching scale: borderlink.matching, {size:,} synthetic entries (mixed scripts) ==",
        _row("measure", "value", "goal", "verdict"),
        _row("index build time", f"{f['build_s']:.1f} s"),
        _row("index resident memory (RSS after - before)", f"{f['index_rss_mb']:.0f} MB",
             f"<= {MEMORY_GOAL_MB:.0f} MB", _verdict(f["index_rss_mb"] <= MEMORY_GOAL_MB)),
        _row("index arrays and buffers (its own size)", f"{f['index_arrays_mb']:.0f} MB"),
        _row("process RSS after build (incl. input)", f"{f['process_rss_mb']:.0f} MB"),
        _row(f"batch throughput, workers={f['workers']}, first {f['batch_queries']:,}",
             f"{f['first_batch_checks_per_s']:,.0f} checks/s", f">= {THROUGHPUT_GOAL:,.0f}/s",
             _verdict(f["first_batch_checks_per_s"] >= THROUGHPUT_GOAL)),
        _row(f"batch throughput, workers={f['workers']}, next {f['batch_queries']:,}",
             f"{f['steady_batch_checks_per_s']:,.0f} checks/s", f">= {THROUGHPUT_GOAL:,.0f}/s",
             _verdict(f["steady_batch_checks_per_s"] >= THROUGHPUT_GOAL)),
        _row(f"single check p50 ({f['latency_queries']:,} queries)", f"{f['p50_ms']:.2f} ms"),
        _row(f"single check p99 ({f['latency_queries']:,} queries)", f"{f['p99_ms']:.2f} ms",
             f"<= {P99_GOAL_MS:.0f} ms", _verdict(f["p99_ms"] <= P99_GOAL_MS)),
    ]
    wanted = f["query_count"]
    if (f["batch_queries"] < min(THROUGHPUT_QUERIES, (wanted - 100) // 2)
            or f["latency_queries"] < min(LATENCY_QUERIES, wanted)):
        lines.append("NOTE: a time cap stopped a measurement early; figures are over the "
                     "queries screened")
    lines += [
        "",
        f"== matching scale: baseline (ASCII fold + rapidfuzz token_sort_ratio, exhaustive "
        f"process.extract over {f['baseline_names']:,} names), {size:,} entries ==",
        _row("measure", "value", "goal", "verdict"),
        _row("name list build time", f"{f['baseline_build_s']:.1f} s"),
        _row("name list resident memory", f"{f['baseline_rss_mb']:.0f} MB",
             f"<= {MEMORY_GOAL_MB:.0f} MB", _verdict(f["baseline_rss_mb"] <= MEMORY_GOAL_MB)),
        _row(f"throughput, 1 thread ({f['baseline_queries']} queries)",
             f"{f['baseline_checks_per_s']:,.1f} checks/s", f">= {THROUGHPUT_GOAL:,.0f}/s",
             _verdict(f["baseline_checks_per_s"] >= THROUGHPUT_GOAL)),
        _row(f"single check p50 ({f['baseline_queries']} queries)",
             f"{f['baseline_p50_ms']:.1f} ms"),
        _row(f"single check p99 ({f['baseline_queries']} queries)",
             f"{f['baseline_p99_ms']:.1f} ms", f"<= {P99_GOAL_MS:.0f} ms",
             _verdict(f["baseline_p99_ms"] <= P99_GOAL_MS)),
        f"(the baseline scans every name for every query, so it is measured on a sample of "
        f"{BASELINE_QUERIES} queries only)",
    ]
    return "\n".join(lines)


def scale_size() -> int:
    return int(os.environ.get("BORDERLINK_BENCH_SCALE", DEFAULT_SCALE))


def main() -> int:
    size = scale_size()
    if size <= 0:
        print("matching scale: skipped (BORDERLINK_BENCH_SCALE=0)")
        return 0
    _progress(f"starting a fresh interpreter for {size:,} entries")
    completed = subprocess.run(
        [sys.executable, "-m", "bench.matching.scale", "--measure", str(size)],
        stdout=subprocess.PIPE, text=True, check=False, cwd=PROJECT_ROOT)
    if completed.returncode != 0:
        print(f"matching scale: measurement failed with exit code {completed.returncode}")
        return completed.returncode
    print(format_figures(json.loads(completed.stdout.strip().splitlines()[-1])), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(int(sys.argv[2]))))
        raise SystemExit(0)
    raise SystemExit(main())
