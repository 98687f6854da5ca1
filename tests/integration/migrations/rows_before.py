"""A database migrated to an earlier revision and holding rows as they were stored then, for tests
that upgrade over existing data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from borderlink import migrate
from borderlink.db import make_engine

PARTIES = """INSERT INTO parties (code, name_vi, name_zh, name_en, is_local)
VALUES ('VN', 'a', 'b', 'c', true), ('CN', 'a', 'b', 'c', false)"""

Rows = tuple[str, Sequence[dict[str, Any]] | None]
"""An INSERT statement and its parameter sets (None for a statement with its values inline)."""


def stored_at(database_url: str, revision: str, rows: Sequence[Rows]) -> Engine:
    """Migrate to `revision`, store both parties and then `rows`, in order; the caller disposes of
    the engine returned."""
    migrate.upgrade(database_url, revision=revision)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(PARTIES))
        for statement, parameters in rows:
            if parameters is None:
                conn.execute(text(statement))
            else:
                conn.execute(text(statement), list(parameters))
    return engine
