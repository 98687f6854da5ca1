"""Exchange limits and timings. Defaults suit a two-node deployment; the environment overrides
them (`BORDERLINK_EXCHANGE_MAX_BODY_BYTES=2097152`, ...)."""

from __future__ import annotations

import dataclasses
import os


@dataclasses.dataclass(frozen=True)
class ExchangeLimits:
    max_body_bytes: int = 1024 * 1024  # per envelope, canonical bytes of the body
    max_request_bytes: int = 64 * 1024 * 1024  # one federation POST
    max_batch: int = 500  # envelopes per POST
    max_clock_skew_seconds: float = 300.0
    stream_window: int = 1000  # how far ahead of the next expected seq an envelope may be held
    # How often an idle dispatcher looks for envelopes it was not woken for: committed by another
    # process on SQLite (on PostgreSQL those wake it too), or due again after a backoff.
    idle_poll_seconds: float = 1.0
    # Woken by a commit while idle, the dispatcher waits this long before it claims, so that envelopes
    # committed together travel in one batch: a round costs both nodes about as much for one as for many.
    gather_seconds: float = 0.02
    backoff_base_seconds: float = 0.25
    backoff_max_seconds: float = 5.0
    request_timeout_seconds: float = 15.0
    anchor_interval_seconds: float = 60.0
    max_handler_attempts: int = 5  # deliveries of an envelope whose handler keeps failing, then dead-lettered


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(f"BORDERLINK_EXCHANGE_{name.upper()}")
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"BORDERLINK_EXCHANGE_{name.upper()} must be a number, not {raw!r}") from exc


def load_limits() -> ExchangeLimits:
    defaults = ExchangeLimits()
    values: dict[str, float | int] = {}
    for field in dataclasses.fields(ExchangeLimits):
        default = getattr(defaults, field.name)
        number = _env_number(field.name, default)
        values[field.name] = int(number) if isinstance(default, int) else number
    return ExchangeLimits(**values)  # type: ignore[arg-type]
