"""Fixtures for end-to-end tests: two real node processes on loopback ports (see nodes.py).

Every test that takes `e2e_database_url` (directly or through `shared_pair` or
`node_pair_factory`) runs twice: on SQLite, and on PostgreSQL when BORDERLINK_TEST_DATABASE_URL is
set, each node then in a database of its own made beside that one for the run and dropped after it.

A module whose tests make their own objects (with data of their own) takes `shared_pair`: one
started pair per backend for the whole run, shared with the other such modules and the browser
tests. A module that needs nodes of its own (a special environment, a moved clock, nodes it
stops or kills) makes them with `node_pair_factory`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import pytest
from tests.conftest import postgres_url
from tests.e2e.nodes import NodePair, PairFactory, running_pair
from tests.support.two_nodes import SharedPairs

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def e2e_database_url(request: pytest.FixtureRequest) -> str | None:
    """None for SQLite nodes; the PostgreSQL server's base URL otherwise."""
    if request.param == "sqlite":
        return None
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    return url


@pytest.fixture(scope="module")
def node_pair_factory(tmp_path_factory: pytest.TempPathFactory, e2e_database_url: str | None
                      ) -> Iterator[PairFactory]:
    """`make(env={...})` sets up and starts a VN and a CN demo node on free ports, with the given
    extra environment (e.g. BORDERLINK_HOTLINE_ESCALATION_INTERVAL_SECONDS); every pair made is
    stopped when the test module ends, pass or fail. A failing test's node logs are kept in the
    pytest temporary directory (`<root>/vn/node.log`, `<root>/cn/node.log`)."""
    with contextlib.ExitStack() as stack:

        def make(env: Mapping[str, str] | None = None, name: str = "pair") -> NodePair:
            return stack.enter_context(running_pair(tmp_path_factory.mktemp(name), env, e2e_database_url,
                                                    preloaded=True))

        yield make


@pytest.fixture(scope="module")
def shared_pair(shared_node_pairs: SharedPairs, e2e_database_url: str | None) -> NodePair:
    """The started VN and CN demo nodes of this backend that every module taking this fixture (and
    the browser tests) shares; see `SharedPairs`. Its tests must not count on being alone on them."""
    return shared_node_pairs.get(e2e_database_url)
