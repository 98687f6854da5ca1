"""Global identifiers: UUIDv7 (RFC 9562), minted by the owner node, time-ordered."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> uuid.UUID:
    """A UUIDv7 that is strictly increasing within this process, even within one millisecond."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= _last_ms:
            _counter += 1
            if _counter >= 1 << 12:
                _last_ms += 1
                _counter = 0
            now_ms = _last_ms
        else:
            _last_ms = now_ms
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
        counter = _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (now_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)


def new_id() -> str:
    return str(uuid7())



def next_after(earlier: str) -> str:
    """The id that comes straight after `earlier`: for a record that both nodes make alike from
    one they both hold, without a message carrying its id (a step that a receipt states, after
    the step whose message it receipts). It sorts after `earlier` and before any id minted later.
    The low 62 bits of a UUIDv7 are random; one more stays within them but once in 2**62."""
    return str(uuid.UUID(int=uuid.UUID(earlier).int + 1))
