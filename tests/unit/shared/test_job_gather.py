"""A woken job waits its `gather` delay first, so that wakes arriving together start one pass."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from borderlink.shared import jobs


async def _passes_for_a_burst(gather: float) -> int:
    wake = asyncio.Event()
    passes = 0

    def one_pass(_node: Any) -> float | None:
        nonlocal passes
        passes += 1
        return None  # then wait for a wake (the interval is long)

    runner = asyncio.create_task(jobs.run_periodically(
        None, jobs.Job("burst", one_pass, interval=60.0, wake=wake, gather=gather)))  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0.2)  # the first pass has run and the job waits
        for _ in range(5):  # five commits, 50 ms apart
            wake.set()
            await asyncio.sleep(0.05)
        await asyncio.sleep(gather + 0.3)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    return passes


def test_wakes_within_the_gather_delay_start_one_pass() -> None:
    assert asyncio.run(_passes_for_a_burst(gather=0.5)) == 2


def test_without_a_gather_delay_each_wake_may_start_a_pass() -> None:
    assert asyncio.run(_passes_for_a_burst(gather=0.0)) > 2


async def _gap_after_a_wake_during_a_pass(gather: float) -> float:
    """How long after a pass the next began, when a wake came while that pass ran."""
    wake = asyncio.Event()
    began: list[float] = []
    ended: list[float] = []
    loop = asyncio.get_running_loop()

    def one_pass(_node: Any) -> float | None:
        began.append(time.monotonic())
        if len(began) == 1:
            loop.call_soon_threadsafe(wake.set)  # committed while this pass runs
            time.sleep(0.05)
        ended.append(time.monotonic())
        return None

    runner = asyncio.create_task(jobs.run_periodically(
        None, jobs.Job("busy", one_pass, interval=60.0, wake=wake, gather=gather)))  # type: ignore[arg-type]
    try:
        for _ in range(100):
            await asyncio.sleep(0.05)
            if len(began) >= 2:
                break
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
    assert len(began) >= 2
    return began[1] - ended[0]


def test_a_wake_during_a_pass_starts_the_next_without_the_gather_delay() -> None:
    assert asyncio.run(_gap_after_a_wake_during_a_pass(gather=2.0)) < 1.0
