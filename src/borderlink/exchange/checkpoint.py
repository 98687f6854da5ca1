"""SQLite WAL checkpoints off the exchange's hot path.

By default the connection whose commit crosses 1,000 WAL pages copies the WAL back into the
database file and syncs it, and the dispatcher or the inbox would sit behind that sync with a batch
in flight. In `borderlink serve` on SQLite the node's own connections leave that work to this
background task, which checkpoints once a second without blocking writers (PASSIVE).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from sqlalchemy import event

from borderlink.node import Node
from borderlink.shared import jobs

log = logging.getLogger("borderlink.exchange.checkpoint")
INTERVAL_SECONDS = 1.0


def _no_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _checkpoint(database: str) -> None:
    # A connection of its own in autocommit mode: a checkpoint cannot run inside a transaction.
    connection = sqlite3.connect(database, isolation_level=None, timeout=5)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        connection.close()


async def run(node: Node) -> None:
    database = node.engine.url.database
    if not database:
        return

    def one_pass(_node: Node) -> None:
        _checkpoint(database)

    await asyncio.sleep(INTERVAL_SECONDS)
    await jobs.run_periodically(node, jobs.Job("WAL checkpoint", one_pass, INTERVAL_SECONDS))


def install_on(node: Node) -> None:
    """For a serving SQLite node: turn off inline checkpoints and run them in the background."""
    if node.engine.dialect.name != "sqlite":
        return
    node.engine.dispose()  # connections made before this point would keep the inline default
    event.listen(node.engine, "connect", _no_autocheckpoint)
    node.background_tasks.append(run)
