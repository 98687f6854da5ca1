"""The screening-index benchmark runs end to end on a small set and prints its figures."""

from __future__ import annotations

import pytest
from bench import run_all
from bench.alerts import run as alerts_run


def test_alerts_benchmark_is_discovered() -> None:
    assert "alerts" in run_all.discover()


@pytest.mark.slow  # a real, if small, benchmark run
def test_alerts_benchmark_small_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert alerts_run.main(["--size", "200", "--updates", "6"]) == 0
    out = capsys.readouterr().out
    for label in (
        "check p50",
        "check p99",
        "update visible via source, p99",
        "update visible via apply, p99",
        "restart: process start to first check",
        "load average",
    ):
        assert label in out
    # The restarted process answered its first check from the snapshot and found the alert.
    assert "the updated plate among them" in out
