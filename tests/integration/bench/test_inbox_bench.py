"""The inbox benchmark runs end to end at a small size (on SQLite: the benchmark empties the
database it is given) and reports every view at every size."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench import run_all
from bench.inbox import run as inbox_bench

pytestmark = pytest.mark.slow


def test_the_inbox_benchmark_is_registered() -> None:
    assert "inbox" in run_all.discover()


def test_seeded_rows_follow_the_layout() -> None:
    where = inbox_bench.Layout(main=("post", "facing", "province"), others=[("other", "far", "up")])
    requests, entries = inbox_bench.seed_rows(0, 20, where)
    assert len({r["id"] for r in requests}) == 20
    assert sum(1 for r in requests if "post" in (r["sender_unit_id"], r["recipient_unit_id"])) == 14
    assert {e["reason"] for e in entries} == {"sent", "received", "escalated"}
    escalated = [e for e in entries if e["reason"] == "escalated"]
    assert {e["unit_id"] for e in escalated} == {"province", "up"}


def test_a_small_run_measures_each_view_at_each_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = inbox_bench.run(f"sqlite:///{tmp_path / 'bench.db'}", [40, 80], samples=2)
    views = {f.view for f in figures}
    assert len(views) == 9
    assert sorted({f.size for f in figures}) == [40, 80]
    assert len(figures) == 18
    assert all(0 < f.p50 <= f.p95 for f in figures)
    inbox_bench.report(figures, "sqlite")
    printed = capsys.readouterr().out
    assert "goal p95 <= 300 ms" in printed
    assert "load average at the end: " in printed
    assert printed.count("API inbox, first 200") == 2
