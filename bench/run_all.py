"""Run every benchmark: each ``bench/<name>/run.py`` exposing ``main() -> int``, by name.

``make bench`` calls ``python -m bench.run_all``. A benchmark prints its own figures; this runner
adds a header per benchmark, keeps going when one fails and exits non-zero if any did.
Pass benchmark names (``python -m bench.run_all matching``) to run only those.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent


def discover() -> list[str]:
    """Names of the benchmark packages that have a run.py, in alphabetical order."""
    return sorted(path.parent.name for path in BENCH_DIR.glob("*/run.py")
                  if not path.parent.name.startswith(("_", ".")))


def run(name: str) -> int:
    print(f"######## bench/{name} ########", flush=True)
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.{name}.run")
        status = int(module.main())
    except Exception:
        traceback.print_exc()
        status = 1
    outcome = "done" if status == 0 else f"FAILED (exit {status})"
    print(f"######## bench/{name}: {outcome} in {time.perf_counter() - started:.0f} s ########\n",
          flush=True)
    return status


def main(argv: list[str] | None = None) -> int:
    # Allow `python bench/run_all.py` as well as `python -m bench.run_all`.
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    names = (sys.argv[1:] if argv is None else argv) or discover()
    unknown = [n for n in names if n not in discover()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(discover())}")
        return 2
    failures = [name for name in names if run(name) != 0]
    if failures:
        print(f"benchmarks failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
