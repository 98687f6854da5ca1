"""Migrated node databases for tests, copied from one migrated per test run.

Running every migration takes seconds per database (more on PostgreSQL), and the end-to-end and
integration tests make many databases. The first call migrates a template once for this process:
a SQLite file, or on PostgreSQL a database beside BORDERLINK_TEST_DATABASE_URL's; every database
after it is a copy (a file copy, or `CREATE DATABASE ... TEMPLATE`), at the same schema version as
a migration would leave it. Tests of the migrations themselves migrate for real.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from borderlink import migrate
from borderlink.db import make_engine, normalise_url

_lock = threading.Lock()
_sqlite_template: Path | None = None
_postgres_templates: dict[str, str] = {}  # server base URL -> its template database's name


def _database_url(base_url: str, name: str) -> str:
    return make_url(normalise_url(base_url)).set(database=name).render_as_string(hide_password=False)


def _run_on_server(base_url: str, *statements: str) -> None:
    """Statements outside any transaction (as CREATE and DROP DATABASE must be), on `base_url`'s server."""
    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


def migrated_sqlite_file(path: Path) -> str:
    """A migrated SQLite database at `path` (a copy of the template); returns its URL."""
    global _sqlite_template
    with _lock:
        if _sqlite_template is None:
            folder = Path(tempfile.mkdtemp(prefix="borderlink-template-"))
            atexit.register(shutil.rmtree, folder, True)
            template = folder / "borderlink.db"
            migrate.upgrade(f"sqlite:///{template}")
            _sqlite_template = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


def _postgres_template(base_url: str) -> str:
    with _lock:
        name = _postgres_templates.get(base_url)
        if name is None:
            base = make_url(normalise_url(base_url)).database or "borderlink"
            name = f"{base}_template_{os.getpid()}"[-63:]
            _run_on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
            engine = make_engine(_database_url(base_url, name))
            try:
                with engine.connect() as connection:
                    migrate.upgrade(_database_url(base_url, name), connection=connection)
                    connection.commit()
            finally:
                engine.dispose()  # a template must have no connections while it is copied
            atexit.register(drop_postgres_database, base_url, name)
            _postgres_templates[base_url] = name
        return name


def migrated_postgres_database(base_url: str, name: str) -> str:
    """A migrated PostgreSQL database `name` beside `base_url`'s (dropped first if left over),
    copied from the template; returns its URL."""
    template = _postgres_template(base_url)
    # The default strategy (WAL_LOG): FILE_COPY's two checkpoints cost more on a busy server.
    _run_on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                   f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return _database_url(base_url, name)


def drop_postgres_database(base_url: str, name: str) -> None:
    _run_on_server(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
