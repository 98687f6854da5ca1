"""Fixtures for end-to-end tests: two real node processes on loopback ports (see nodes.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import pytest
from tests.e2e.nodes import NodePair, PairFactory, running_pair


@pytest.fixture(scope="module")
def node_pair_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PairFactory]:
    """`make(env={...})` sets up and starts a VN and a CN demo node on free ports, with the given
    extra environment (e.g. BORDERLINK_HOTLINE_ESCALATION_INTERVAL_SECONDS); every pair made is
    stopped when the test module ends, pass or fail. A failing test's node logs are kept in the
    pytest temporary directory (`<root>/vn/node.log`, `<root>/cn/node.log`)."""
    with contextlib.ExitStack() as stack:

        def make(env: Mapping[str, str] | None = None, name: str = "pair") -> NodePair:
            return stack.enter_context(running_pair(tmp_path_factory.mktemp(name), env))

        yield make
