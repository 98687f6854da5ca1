"""Screening-index benchmark: update latency, restart time and check latency with many alerts.

    python -m bench.alerts.run [--size N]      (default 1,000,000 alert persons)
    python -m bench.run_all alerts

The alert persons are the synthetic watchlist of the matching scale benchmark; every tenth alert
also carries a travel document and every twentieth a vehicle plate. Steps: build the index and
save its snapshot; time single checks; time updates (add, change, withdraw) from the moment the
source changes until a check sees it, with the index following the source; then start a fresh
interpreter that opens the snapshot and time it until its first check is answered. The machine
load (`os.getloadavg`) is printed beside the figures, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from bench.matching.scale import synthetic_watchlist
from borderlink.alerts.screening_entries import (
    AlertChange,
    AlertDocument,
    AlertEntry,
    AlertPerson,
    AlertVehicle,
    InMemoryAlertSource,
    ScreeningQuery,
)
from borderlink.alerts.screening_index import ScreeningIndex
from borderlink.matching import PersonRecord

DEFAULT_SIZE = 1_000_000
CHECK_QUERIES = 2_000
CHECK_BUDGET_S = 60.0
UPDATES = 150
POLL_INTERVAL = 0.2
VISIBILITY_GOAL_S = 1.0
RESTART_GOAL_S = 30.0
SEED = 1_212
PROJECT_ROOT = Path(__file__).resolve().parents[2]
_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    print(f"  alerts [{time.perf_counter() - _STARTED:6.0f} s]: {message}", file=sys.stderr, flush=True)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _entry(record: PersonRecord, number: int) -> AlertEntry:
    documents = (AlertDocument(f"E{number:08d}", "CHN" if number % 2 else "VNM"),) if number % 10 == 0 else ()
    vehicles = (AlertVehicle(f"29A-{number % 1000:03d}.{number // 1000 % 100:02d}"),) if number % 20 == 0 else ()
    person = AlertPerson((record.name, *record.alt_names), record.birth_date, record.gender, record.nationality)
    return AlertEntry(f"AL{number:07d}", persons=(person,), documents=documents, vehicles=vehicles)


def _query(record: PersonRecord) -> ScreeningQuery:
    return ScreeningQuery(
        names=(record.name,), birth_date=record.birth_date, gender=record.gender, nationality=record.nationality
    )


def _wait_visible(index: ScreeningIndex, query: ScreeningQuery, alert_id: str, present: bool, since: float) -> float:
    """Seconds from `since` until a check agrees with `present`; gives up after 10 s."""
    while True:
        found = any(hit.alert_id == alert_id for hit in index.check(query))
        now = time.perf_counter()
        if found == present or now - since > 10.0:
            return now - since
        time.sleep(0.001)


def _updates(
    index: ScreeningIndex, source: InMemoryAlertSource, size: int, updates: int, rng: random.Random
) -> tuple[list[float], list[float], list[AlertChange]]:
    """Latencies through the source (followed) and through `apply`, and the changes made."""
    followed: list[float] = []
    applied: list[float] = []
    changes: list[AlertChange] = []
    index.start_following(POLL_INTERVAL)
    try:
        for number in range(updates):
            kind = number % 3
            plate = f"88B-{number:05d}"
            query = ScreeningQuery(plate=plate)
            if kind == 0:  # a new alert
                change = AlertChange(
                    f"NEW{number:05d}", AlertEntry(f"NEW{number:05d}", vehicles=(AlertVehicle(plate),))
                )
            elif kind == 1:  # an alert of the base changed
                alert_id = f"AL{rng.randrange(size):07d}"
                change = AlertChange(alert_id, AlertEntry(alert_id, vehicles=(AlertVehicle(plate),)))
            else:  # the alert added two steps ago withdrawn
                change = AlertChange(f"NEW{number - 2:05d}", None)
                query = ScreeningQuery(plate=f"88B-{number - 2:05d}")
            started = time.perf_counter()
            if change.entry is None:
                source.remove(change.alert_id)
            else:
                source.put(change.entry)
            followed.append(_wait_visible(index, query, change.alert_id, change.entry is not None, started))
            changes.append(change)
            time.sleep(rng.random() * POLL_INTERVAL)  # changes do not arrive in step with the polling
    finally:
        index.close()
    for number in range(updates // 3):
        alert_id = f"AP{number:05d}"
        plate = f"77C-{number:05d}"
        started = time.perf_counter()
        entry = AlertEntry(alert_id, vehicles=(AlertVehicle(plate),))
        source.put(entry)
        index.apply([AlertChange(alert_id, entry)])
        applied.append(_wait_visible(index, ScreeningQuery(plate=plate), alert_id, True, started))
        changes.append(AlertChange(alert_id, entry))
    return followed, applied, changes


def _restart(snapshot: Path, token: str, changes_file: Path, probe: ScreeningQuery) -> tuple[float, str]:
    """Wall time from starting a fresh interpreter until its first check is answered."""
    with tempfile.NamedTemporaryFile("wb", suffix=".pickle", delete=False) as handle:
        pickle.dump(probe, handle)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "bench.alerts.restart", str(snapshot), token, str(changes_file), handle.name],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    Path(handle.name).unlink()
    return elapsed, child.stdout.strip()


def _row(label: str, value: str, goal: str = "", verdict: str = "") -> str:
    return f"{label:<46}{value:>18}  {goal:<10}{verdict}"


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="alert persons (default 1,000,000)")
    parser.add_argument("--updates", type=int, default=UPDATES, help=f"updates through the source (default {UPDATES})")
    args = parser.parse_args(list(argv) if argv is not None else [])
    size, updates = max(10, args.size), max(3, args.updates)
    rng = random.Random(SEED)
    print(f"screening index benchmark: {size:,} alert persons; load at start {_load()}")
    _progress(f"generating {size:,} alert persons")
    records, query_records = synthetic_watchlist(size, min(CHECK_QUERIES, max(50, size // 5)))
    source = InMemoryAlertSource([_entry(record, number) for number, record in enumerate(records)])
    del records
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as scratch:
        snapshot = Path(scratch) / "screening.idx"
        _progress("building the index and saving its snapshot")
        started = time.perf_counter()
        # The snapshot's token: nothing changes the source between this and the build.
        token = source.current_token()
        index = ScreeningIndex.build(source, snapshot)
        build_s = time.perf_counter() - started
        rss_mb = psutil.Process().memory_info().rss / 2**20

        _progress(f"single checks: up to {len(query_records):,} queries")
        latencies: list[float] = []
        checks_started = time.perf_counter()
        for record in query_records:
            begin = time.perf_counter()
            index.check(_query(record))
            latencies.append(time.perf_counter() - begin)
            if time.perf_counter() - checks_started > CHECK_BUDGET_S:
                break
        load_after_checks = _load()

        _progress(f"{updates} updates through the source, {updates // 3} through apply")
        followed, applied, changes = _updates(index, source, size, updates, rng)
        load_after_updates = _load()

        changes_file = Path(scratch) / "changes.pickle"
        changes_file.write_bytes(pickle.dumps(changes))
        _progress("restarting: a fresh interpreter opens the snapshot")
        # A person and a plate: the first check reads the loaded persons index too.
        probe = ScreeningQuery(names=(query_records[0].name,), plate=f"77C-{updates // 3 - 1:05d}")
        restart_s, child_report = _restart(snapshot, token, changes_file, probe)
        load_after_restart = _load()
        snapshot_mb = snapshot.stat().st_size / 2**20

    print(_row("metric", "value", "goal", "verdict"), flush=True)
    print(_row("alert persons indexed", f"{size:,}"))
    print(_row("build + snapshot save", f"{build_s:.1f} s"))
    print(_row("snapshot file", f"{snapshot_mb:.1f} MB"))
    print(_row("process resident memory after build", f"{rss_mb:.0f} MB"))
    print(_row(f"check p50 ({len(latencies):,} single checks)", f"{statistics.median(latencies) * 1000:.2f} ms"))
    print(_row("check p99", f"{_percentile(latencies, 0.99) * 1000:.2f} ms"))
    p99_followed = _percentile(followed, 0.99)
    print(
        _row(f"update visible via source, p50 (poll {POLL_INTERVAL} s)", f"{statistics.median(followed) * 1000:.0f} ms")
    )
    print(
        _row(
            "update visible via source, p99",
            f"{p99_followed * 1000:.0f} ms",
            "<= 1 s",
            _verdict(p99_followed <= VISIBILITY_GOAL_S),
        )
    )
    p99_applied = _percentile(applied, 0.99)
    print(_row("update visible via apply, p50", f"{statistics.median(applied) * 1000:.1f} ms"))
    print(
        _row(
            "update visible via apply, p99",
            f"{p99_applied * 1000:.1f} ms",
            "<= 1 s",
            _verdict(p99_applied <= VISIBILITY_GOAL_S),
        )
    )
    print(
        _row(
            "restart: process start to first check",
            f"{restart_s:.1f} s",
            "<= 30 s",
            _verdict(restart_s <= RESTART_GOAL_S),
        )
    )
    print(f"restarted process: {child_report}")
    print(
        f"load average (1, 5, 15 min): after checks {load_after_checks}; after updates {load_after_updates}; "
        f"after restart {load_after_restart}; {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
