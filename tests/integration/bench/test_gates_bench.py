"""The gates benchmark runs end to end at a tiny size on PostgreSQL, and a second run reuses the
database and node directory the first one seeded, after taking out what the first one recorded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench import run_all
from bench.gates import run as gates_bench
from bench.gates import seed

pytestmark = pytest.mark.slow


def test_the_gates_benchmark_is_registered() -> None:
    assert "gates" in run_all.discover()


def test_a_tiny_run_seeds_measures_and_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    base_url = os.environ.get("BORDERLINK_TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    monkeypatch.setenv("BORDERLINK_BENCH_DATABASE_URL", base_url)
    monkeypatch.setenv("BORDERLINK_BENCH_GATES_DIR", str(tmp_path / "seeded"))
    arguments = ["--persons", "40", "--seconds", "1", "--clients", "2", "--samples", "5"]
    try:
        assert gates_bench.main(arguments) == 0
        first = capsys.readouterr().out
        assert "seeding: " in first
        assert "COPY 40 alerts" in first
        for label in ("single crossing latency", "goal p99 <= 100 ms", "POST /api/v1/gates/crossings, 2 concurrent",
                      "POST /api/v1/gates/crossings/batch of 20", "goal >= 200/s", "load average",
                      "CPU per crossing: node", "SQL statements per crossing"):
            assert label in first
        url = seed.seeded_node(base_url, 40, 20, tmp_path / "seeded").database_url
        recorded = _counts(url)
        assert recorded["crossings"] > 0
        assert recorded["feed"] >= recorded["hits"] > 0
        assert seed.settle_earlier_runs(url) == (recorded["crossings"], recorded["hits"])
        assert _counts(url) == {"crossings": 0, "hits": 0, "feed": 0, "timeline": 0}
        assert gates_bench.main(arguments) == 0
        assert "reused the seeded database" in capsys.readouterr().out
    finally:
        seed.drop_database(base_url, 40)


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from borderlink.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text(
                "SELECT (SELECT count(*) FROM gate_crossings), (SELECT count(*) FROM gate_hits), "
                "(SELECT count(*) FROM work_feed WHERE object_type = 'gates.hit'), "
                "(SELECT count(*) FROM timeline_events WHERE object_type = 'gates.hit')")).one()
    finally:
        engine.dispose()
    return dict(zip(("crossings", "hits", "feed", "timeline"), (int(value) for value in row), strict=True))
