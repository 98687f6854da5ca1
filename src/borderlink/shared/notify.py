"""Wake-ups across processes on PostgreSQL: a committed change NOTIFYs a channel, and every node
process sharing the database LISTENs on it, so work another process committed starts at once
rather than at the next poll. (Within one process the wake-up after commit is direct.)

A notification is sent by the committing transaction itself, so it arrives only if and when that
transaction commits, and identical notifications of one transaction are delivered once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from borderlink.db import for_transaction

log = logging.getLogger("borderlink.shared.notify")
_NOTIFIED = "notified_channels"
RECONNECT_SECONDS = 2.0


def notify_on_commit(session: Session, channel: str) -> None:
    """On PostgreSQL, tell the channel's listeners once this transaction commits (once per
    transaction); elsewhere nothing."""
    if session.get_bind().dialect.name != "postgresql":
        return
    sent: set[str] | None = for_transaction(session, _NOTIFIED, set)
    if sent is None or channel in sent:
        return
    sent.add(channel)
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})


class Listener:
    """A thread holding one connection that LISTENs on `channel` and calls `callback()` for each
    notification (and once after every reconnect, in case one was missed meanwhile)."""

    def __init__(self, engine: Engine, channel: str, callback: Callable[[], None]) -> None:
        url = engine.url.set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._channel = channel
        self._callback = callback
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as connection:
                    connection.execute(f'LISTEN "{self._channel}"')
                    self._callback()
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self._callback()
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("listening on %s failed; reconnecting in %.0f s", self._channel, RECONNECT_SECONDS)
                self._stop.wait(RECONNECT_SECONDS)
