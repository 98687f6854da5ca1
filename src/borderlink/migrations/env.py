"""Alembic environment: runs against the connection or URL given by borderlink.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from borderlink.db import make_engine
from borderlink.model_registry import Base

config = context.config
target_metadata = Base.metadata


def _for_this_database(dialect: str) -> Any:
    """Leave out of the comparison what the models create on other databases only (an index
    declared with `.ddl_if(dialect=...)`, e.g. PostgreSQL's text-search indexes)."""

    def include(item: Any, _name: str | None, _type: str, reflected: bool, _compare_to: Any) -> bool:
        only_on = getattr(getattr(item, "_ddl_if", None), "dialect", None)
        return reflected or only_on is None or only_on == dialect

    return include


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_for_this_database(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run 'borderlink db upgrade'")
run_online()
