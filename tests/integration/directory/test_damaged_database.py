"""A node whose database is damaged or gone says so in one line, refuses to serve, and its
`/health` answers 503 instead of "ok"."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from tests.conftest import postgres_url
from tests.integration.conftest import BACKENDS
from tests.integration.directory.test_node_cli import assert_one_line_error, invoke

from borderlink import migrate
from borderlink.app import create_app
from borderlink.config import load_settings, write_node_config
from borderlink.db import make_engine, normalise_url
from borderlink.exchange.setup import peer_each_other
from borderlink.node import open_node
from borderlink.shared.health import database_problem


def _overwrite(path: Path, offset: int, length: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\x5a" * length)


@pytest.fixture(params=["header", "pages"])
def damaged_node(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    node_dir = tmp_path / "vn"
    code, _, err = invoke("init", "--node-dir", str(node_dir), "--party", "vn")
    assert code == 0, err
    database = node_dir / "borderlink.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    if request.param == "header":
        _overwrite(database, 0, 100)  # the file no longer says it is a database
    else:
        _overwrite(database, 8192, database.stat().st_size - 16384)  # tables' pages overwritten
    return node_dir


@pytest.mark.parametrize("command", [["audit", "verify"], ["db", "upgrade"], ["serve"], ["exchange", "status"]])
def test_commands_on_a_damaged_database_print_one_line(damaged_node: Path, command: list[str]) -> None:
    code, out, err = invoke(*command, "--node-dir", str(damaged_node))
    assert_one_line_error(code, err, "the database is damaged")
    assert "restore it from a backup" in err
    assert "serving on" not in out + err


def test_health_of_a_damaged_database_is_503(damaged_node: Path) -> None:
    node = open_node(load_settings(damaged_node))
    with TestClient(create_app(node, run_background=False)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "node": "VN", "database": "unavailable"}
    node.engine.dispose()


def test_requests_on_a_damaged_database_answer_503_not_500(damaged_node: Path) -> None:
    node = open_node(load_settings(damaged_node))
    with TestClient(create_app(node, run_background=False), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/units", headers={"Authorization": "Bearer blk_anything"})
    node.engine.dispose()
    assert response.status_code == 503
    assert "database cannot be used" in response.json()["detail"]


@pytest.fixture(params=BACKENDS)
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """A migrated database of this test alone, and how to make it go away (file gone, database
    dropped)."""
    if request.param == "sqlite":
        path = tmp_path / "own.db"
        migrate.upgrade(f"sqlite:///{path}")

        def remove_file() -> None:
            path.unlink()
            path.mkdir()  # SQLite cannot open a directory: the node finds nothing it can use

        yield f"sqlite:///{path}", remove_file
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    name = f"borderlink_health_{os.getpid()}"
    url = make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)
    admin = make_engine(base, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    migrate.upgrade(url)
    yield url, drop
    drop()
    admin.dispose()


def test_health_reports_the_peer_links(own_database: tuple[str, Callable[[], None]], tmp_path: Path) -> None:
    url, _ = own_database
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO exchange_peer_links (party, consecutive_failures, last_contact_at) "
                          "VALUES ('CN', 3, :at)"), {"at": dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)})
    engine.dispose()
    node = open_node(write_node_config(tmp_path / "vn", "VN", {"database_url": url}))
    with TestClient(create_app(node, run_background=False)) as client:
        response = client.get("/health")
    node.engine.dispose()
    assert response.status_code == 200
    assert response.json()["peers"] == [{"party": "CN", "state": "failing", "consecutive_failures": 3,
                                         "last_contact_at": "2026-11-02T03:00:00+00:00"}]


def test_health_lists_the_configured_peer_before_first_contact(
        own_database: tuple[str, Callable[[], None]], tmp_path: Path) -> None:
    url, _ = own_database
    write_node_config(tmp_path / "cn", "CN", {})
    node = open_node(write_node_config(tmp_path / "vn", "VN", {"database_url": url}))
    peer_each_other(tmp_path / "vn", tmp_path / "cn")
    with TestClient(create_app(node, run_background=False)) as client:
        response = client.get("/health")
    node.engine.dispose()
    assert response.status_code == 200
    assert response.json()["peers"] == [{"party": "CN", "state": "unknown", "consecutive_failures": 0,
                                         "last_contact_at": None}]


def test_a_database_that_went_away_is_reported(own_database: tuple[str, Callable[[], None]], tmp_path: Path) -> None:
    url, remove = own_database
    settings = write_node_config(tmp_path / "vn", "VN", {"database_url": url})
    remove()
    assert database_problem(make_engine(url), thorough=True) is not None
    node = open_node(settings)
    with TestClient(create_app(node, run_background=False)) as client:
        assert client.get("/health").status_code == 503
    node.engine.dispose()
    code, _, err = invoke("serve", "--node-dir", str(settings.node_dir))
    assert code == 2
    assert err.startswith("error: not serving: ")
    assert err.count("\n") == 1, err


def test_a_sound_database_passes_the_thorough_check(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sound.db'}"
    migrate.upgrade(url)
    assert database_problem(make_engine(url), thorough=True) is None
    command.downgrade(migrate.alembic_config(url), "0004")
    assert "borderlink db upgrade" in (database_problem(make_engine(url), thorough=True) or "")
