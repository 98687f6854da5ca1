"""Two national nodes in one process (the hotline's pair of nodes, exchanging real signed
envelopes), with PostgreSQL databases of their own for these tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, clients, pair, template_database, token_headers
from tests.support.two_nodes import postgres_databases

__all__ = ["clients", "pair", "template_database"]


@pytest.fixture(scope="session")
def postgres_node_databases() -> Iterator[dict[str, str]]:
    yield from postgres_databases("engagements")


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
