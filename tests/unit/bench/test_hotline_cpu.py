"""The CPU-per-request figures of the hotline benchmark: read from /proc and divided per request."""

from __future__ import annotations

import os
import sys

import pytest
from bench.hotline import cpu


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_cpu_time_grows_as_it_works_and_a_gone_process_reads_zero() -> None:
    before = cpu.process_cpu_seconds(os.getpid())
    total = 0
    while cpu.process_cpu_seconds(os.getpid()) <= before:
        total += sum(i * i for i in range(10_000))
    assert total > 0
    assert cpu.process_cpu_seconds(2**22 + 1) == 0.0  # above the kernel's largest pid


def test_the_difference_is_per_request_and_counts_a_backend_started_meanwhile() -> None:
    before = cpu.Snapshot(vn=1.0, cn=2.0, backends={10: 0.5}, client=0.1, vn_statements=100, cn_statements=50)
    after = cpu.Snapshot(vn=1.5, cn=2.2, backends={10: 0.7, 11: 0.1}, client=0.2, vn_statements=300,
                         cn_statements=150)
    figure = cpu.difference("postgresql", before, after, requests=10, rate=5.0, load=1.0)
    assert figure.vn_ms == pytest.approx(50.0)
    assert figure.cn_ms == pytest.approx(20.0)
    assert figure.backends_ms == pytest.approx(30.0)
    assert figure.client_ms == pytest.approx(10.0)
    assert figure.total_ms == pytest.approx(110.0)
    assert (figure.vn_statements, figure.cn_statements) == (20.0, 10.0)
