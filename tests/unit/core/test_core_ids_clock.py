"""Global identifiers and the injectable clock."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
import uuid

from borderlink.clock import ManualClock, SystemClock
from borderlink.ids import new_id, uuid7


def _timestamp_ms(value: uuid.UUID) -> int:
    return value.int >> 80


def test_uuid7_has_version_7_and_the_rfc_variant() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_carries_the_current_unix_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    # Within one process the generator may run a few ms ahead when minting very fast; never behind.
    assert before <= _timestamp_ms(value) <= after + 5


def test_uuid7_is_strictly_increasing_and_unique_across_100k() -> None:
    values = [uuid7() for _ in range(100_000)]
    assert len(set(values)) == len(values)
    assert all(a < b for a, b in itertools.pairwise(values))
    assert all(v.version == 7 for v in values[::997])
    # The string form sorts in the same order, which is what the database indexes.
    texts = [str(v) for v in values[::101]]
    assert texts == sorted(texts)


def test_uuid7_from_several_threads_never_collides() -> None:
    results: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def mint(bucket: list[uuid.UUID]) -> None:
        bucket.extend(uuid7() for _ in range(5_000))

    threads = [threading.Thread(target=mint, args=(bucket,)) for bucket in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [v for bucket in results for v in bucket]
    assert len(set(everything)) == 20_000
    for bucket in results:
        assert bucket == sorted(bucket)


def test_new_id_is_the_canonical_string_form() -> None:
    text = new_id()
    assert len(text) == 36
    assert uuid.UUID(text).version == 7


def test_manual_clock_stands_still_until_advanced() -> None:
    start = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
    clock = ManualClock(start)
    assert clock.now() == start
    time.sleep(0.01)
    assert clock.now() == start
    clock.advance(dt.timedelta(minutes=15))
    assert clock.now() == start + dt.timedelta(minutes=15)
    later = dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC)
    clock.set(later)
    assert clock.now() == later


def test_manual_clock_defaults_to_an_aware_utc_now() -> None:
    clock = ManualClock()
    assert clock.now().tzinfo is not None
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_system_clock_is_aware_utc() -> None:
    moment = SystemClock().now()
    assert moment.utcoffset() == dt.timedelta(0)
