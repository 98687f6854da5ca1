"""Fixtures of the exchange's integration tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import postgres_url
from tests.integration.exchange.exchange_pair import Pair, make_node
from tests.support.databases import drop_postgres_database, migrated_postgres_database

from borderlink import domains
from borderlink.exchange import keys


def _postgres_databases(server_url: str, *, create: bool) -> tuple[str, str]:
    """Two migrated databases (copies of the run's template) of this test run's own on the test
    server (nodes never share one; the process id keeps concurrent test runs apart)."""
    base = server_url.rsplit("/", 1)[0]
    names = [f"borderlink_exchange_{os.getpid()}_{party}" for party in ("vn", "cn")]
    for name in names:
        if create:
            migrated_postgres_database(server_url, name)
        else:
            drop_postgres_database(server_url, name)
    return f"{base}/{names[0]}", f"{base}/{names[1]}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    urls: tuple[str | None, str | None] = (None, None)
    if request.param == "postgresql":
        server = postgres_url()
        if server is None:
            pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
        urls = _postgres_databases(server, create=True)
    domains.register_message_handlers()  # what a serving node does first (test traffic's echo among them)
    vn, cn = make_node(tmp_path, "VN", urls[0]), make_node(tmp_path, "CN", urls[1])
    keys.import_peer(vn.settings, keys.export_identity(cn.settings))
    keys.import_peer(cn.settings, keys.export_identity(vn.settings))
    yield Pair(vn, cn)
    vn.engine.dispose()
    cn.engine.dispose()
    if request.param == "postgresql":
        _postgres_databases(str(postgres_url()), create=False)
