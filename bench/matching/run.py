"""Matching benchmark: accuracy on the labelled evaluation set, then the scale figures.

Environment overrides (for quick runs and tests):
  BORDERLINK_BENCH_EVAL_SIZE    watchlist entries of the accuracy run (default 25000)
  BORDERLINK_BENCH_TIME_BUDGET  seconds each accuracy screening may take (default 240)
  BORDERLINK_BENCH_SCALE        entries of the scale run (default 1000000; 0 skips it)
  BORDERLINK_BENCH_OUT          where the generated set is written (default bench/out/matching)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.matching import scale
from bench.matching.accuracy import Report, evaluate, format_misses, format_report
from bench.matching.baseline import DEFAULT_BASELINE_THRESHOLD, FuzzyBaseline
from bench.matching.dataset import (
    Entry,
    EvalSet,
    GenerationConfig,
    Query,
    generate,
    write_jsonl,
)
from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, WatchlistIndex

DEFAULT_EVAL_SIZE = 25_000
DEFAULT_OUT_DIR = Path(__file__).resolve().parents[1] / "out" / "matching"
SCREEN_LIMIT = 10
WORKERS = 2


def eval_config() -> GenerationConfig:
    size = int(os.environ.get("BORDERLINK_BENCH_EVAL_SIZE", DEFAULT_EVAL_SIZE))
    # Keep the share of targets in the watchlist constant, so small runs stay meaningful.
    per_category = max(20, round(300 * size / DEFAULT_EVAL_SIZE))
    return GenerationConfig(watchlist_size=size, positives_per_category=per_category,
                            negatives_per_category=per_category)


def time_budget() -> float:
    return float(os.environ.get("BORDERLINK_BENCH_TIME_BUDGET", "240"))


def to_record(item: Entry | Query) -> PersonRecord:
    return PersonRecord(
        id=item.id,
        name=item.name,
        alt_names=item.alt_names,
        birth_date=item.birth_date,
        gender=item.gender,
        nationality=item.nationality,
        document_number=item.document_number,
    )


def run_library(evalset: EvalSet) -> Report:
    print("building the library index over the evaluation watchlist", file=sys.stderr)
    started = time.perf_counter()
    index = WatchlistIndex.build(to_record(entry) for entry in evalset.watchlist)
    build_seconds = time.perf_counter() - started

    def screen(batch: Sequence[Query]) -> list[list[tuple[str, float]]]:
        results = index.screen_many([to_record(q) for q in batch], threshold=DEFAULT_THRESHOLD,
                                    limit=SCREEN_LIMIT, workers=WORKERS)
        return [[(match.id, match.score) for match in matches] for matches in results]

    title = (f"matching accuracy: borderlink.matching, threshold {DEFAULT_THRESHOLD}, "
             f"limit {SCREEN_LIMIT}, {len(evalset.watchlist):,} entries "
             f"(index built in {build_seconds:.1f} s)")
    return evaluate(title, evalset, screen, time_budget())


def run_baseline(evalset: EvalSet) -> Report:
    print("building the fuzzy baseline over the evaluation watchlist", file=sys.stderr)
    baseline = FuzzyBaseline(evalset.watchlist)

    def screen(batch: Sequence[Query]) -> list[list[tuple[str, float]]]:
        results = baseline.screen_many(batch, limit=SCREEN_LIMIT, workers=WORKERS)
        return [[(hit.id, hit.score) for hit in hits] for hits in results]

    title = (f"matching accuracy: baseline (ASCII fold + rapidfuzz token_sort_ratio >= "
             f"{DEFAULT_BASELINE_THRESHOLD}), limit {SCREEN_LIMIT}, "
             f"{len(evalset.watchlist):,} entries")
    return evaluate(title, evalset, screen, time_budget())


def main() -> int:
    config = eval_config()
    print(f"generating the evaluation set (seed {config.seed}, {config.watchlist_size:,} "
          "entries)", file=sys.stderr)
    evalset = generate(config)
    out_dir = Path(os.environ.get("BORDERLINK_BENCH_OUT", DEFAULT_OUT_DIR))
    write_jsonl(evalset, out_dir)
    counts = ", ".join(f"{category} {count}" for category, count in evalset.counts().items())
    print(f"evaluation set: {len(evalset.watchlist):,} watchlist entries, "
          f"{len(evalset.queries):,} queries ({counts}); written to {out_dir}")
    print()
    for report in (run_library(evalset), run_baseline(evalset)):
        print(format_report(report))
        misses = format_misses(report, evalset)
        if misses and "baseline" not in report.title:
            print(misses)
        print(flush=True)
    return scale.main()


if __name__ == "__main__":
    raise SystemExit(main())
