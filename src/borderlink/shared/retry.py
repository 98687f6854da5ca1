"""A transaction that lost a deadlock or a serialisation check is run again, once.

PostgreSQL breaks a lock cycle by failing one of its transactions (SQLSTATE 40P01) and may fail a
serialisable one (40001); in both cases nothing was written, and the same work done again normally
succeeds. The write path takes its locks in one order so cycles should not form; a retry here is
counted in `/metrics` (`transaction_retries`) so that one which still happens is seen, while the
caller (a user's request, a dispatch round, a job) never sees it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from borderlink.shared import counters

log = logging.getLogger("borderlink.shared.retry")
T = TypeVar("T")
RETRYABLE_SQLSTATES = {"40P01": "deadlock", "40001": "serialization"}
# SQLite: a transaction begun deferred (one meant to only read) that wrote after another writer
# had committed since its snapshot was taken; nothing was written.
SQLITE_BUSY_SNAPSHOT = 517
# A transaction begun as a read that then writes while another connection holds the write lock gets
# plain SQLITE_BUSY at once (waiting could deadlock the two); run again, it takes the lock first.
SQLITE_BUSY = 5
SNAPSHOT = "snapshot"
CAUSES = ("deadlock", "serialization", SNAPSHOT)


def retry_cause(exc: BaseException) -> str | None:
    """'deadlock' or 'serialization' when `exc` (or what caused it) is such a failure, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, getattr(current, "orig", None)):
            cause = RETRYABLE_SQLSTATES.get(str(getattr(candidate, "sqlstate", "") or ""))
            if cause is not None:
                return cause
            if getattr(candidate, "sqlite_errorcode", None) in (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY):
                return SNAPSHOT
        current = current.__cause__ or current.__context__
    return None


def note_retry(factory: sessionmaker[Session], cause: str, what: str, exc: BaseException) -> None:
    log.warning("%s lost a %s and is run again: %s", what, cause, str(exc).splitlines()[0][:300])
    counters.add_now(factory, counters.TRANSACTION_RETRIES, cause, f"{what}: {str(exc)[:1500]}")


def retry_once(factory: sessionmaker[Session], what: str, attempt: Callable[[], T]) -> T:
    """`attempt()` (which runs whole transactions); once more if it lost a deadlock."""
    try:
        return attempt()
    except Exception as exc:
        cause = retry_cause(exc)
        if cause is None:
            raise
        note_retry(factory, cause, what, exc)
    return attempt()


# Set in a request's state when it is run again because, begun as a read, it wrote.
WRITE_LOCK_FIRST = "write_lock_first"
# Set in a request's state when it is run again (see `passes_to_retry`).
RETRIED = "transaction_retried"


def passes_to_retry(request: Any, exc: BaseException) -> bool:
    """Whether an error handler should let `exc` through to `RetryLostTransactions` (a lost
    transaction of a request not yet run again) instead of answering it itself."""
    return retry_cause(exc) is not None and not getattr(request.state, RETRIED, False)


class RetryLostTransactions:
    """ASGI middleware: a request whose transaction lost a deadlock is run again, once, before any
    of its answer has been sent (the request's transaction commits before the response starts).
    The request body is replayed from memory when the app had read it; a body over
    `MAX_REPLAY_BYTES` is not kept and such a request is not retried."""

    MAX_REPLAY_BYTES = 1 << 20

    def __init__(self, app: Any, factory: sessionmaker[Session]) -> None:
        self.app = app
        self.factory = factory

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received: list[Any] = []
        sizes = [0]
        started = [False]

        async def recording_receive() -> Any:
            message = await receive()
            if message.get("type") == "http.request":
                sizes[0] += len(message.get("body", b""))
                if sizes[0] <= self.MAX_REPLAY_BYTES:
                    received.append(message)
            return message

        async def tracking_send(message: Any) -> None:
            if message.get("type") == "http.response.start":
                started[0] = True
            await send(message)

        state = dict(scope.get("state") or {})
        try:
            await self.app(scope, recording_receive, tracking_send)
            return
        except Exception as exc:
            cause = retry_cause(exc)
            if cause is None or started[0] or sizes[0] > self.MAX_REPLAY_BYTES:
                raise
            await asyncio.to_thread(note_retry, self.factory, cause, f"{scope['method']} {scope['path']}", exc)
        state[RETRIED] = True
        if cause == SNAPSHOT:
            state[WRITE_LOCK_FIRST] = True  # it does write: this time it takes the lock at its start
        replay = list(received)

        async def replaying_receive() -> Any:
            if replay:
                return replay.pop(0)
            return await receive()

        await self.app({**scope, "state": state}, replaying_receive, send)
