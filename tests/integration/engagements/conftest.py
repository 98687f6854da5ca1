"""Two national nodes in one process (the hotline's pair of nodes, exchanging real signed
envelopes), with PostgreSQL databases of their own for these tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from tests.conftest import postgres_url
from tests.integration.hotline.conftest import Pair, clients, pair, template_database, token_headers

from borderlink import migrate
from borderlink.db import make_engine, normalise_url

__all__ = ["clients", "pair", "template_database"]


@pytest.fixture(scope="session")
def postgres_node_databases() -> Iterator[dict[str, str]]:
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    urls, names = {}, []
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for party in ("vn", "cn"):
            name = f"borderlink_engagements_{party}_{os.getpid()}"
            names.append(name)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)
            migrate.upgrade(url)
            urls[party.upper()] = url
    yield urls
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Api:
    """Calls on one node as one of its people, asserting the status code."""

    def __init__(self, pair: Pair, clients: dict[str, TestClient], party: str, username: str) -> None:
        self.client = clients[party]
        self.headers = token_headers(pair, party, username)

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.client.request(method, f"/api/v1{path}", headers=self.headers, **kwargs)
        assert response.status_code == expect, response.text
        return response.json() if response.headers.get("content-type", "").startswith("application/json") \
            else response.text

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, body: Any = None, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("POST", path, expect, json=body if body is not None else {}, **kwargs)


@pytest.fixture
def as_user(pair: Pair, clients: dict[str, TestClient]) -> Any:
    def make(party: str, username: str) -> Api:
        return Api(pair, clients, party, username)

    return make
