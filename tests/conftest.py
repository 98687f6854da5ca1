"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from borderlink.config import NodeSettings, write_node_config

PG_URL_VAR = "BORDERLINK_TEST_DATABASE_URL"
# The two-node harness's fixtures (`pair`, `clients`), for every domain's tests.
pytest_plugins = ["tests.support.two_nodes"]


def postgres_url() -> str | None:
    return os.environ.get(PG_URL_VAR) or None


@pytest.fixture
def node_dir_factory(tmp_path: Path) -> object:
    """Make a node directory: `make(party, **settings)` returns its loaded settings."""
    counter = iter(range(1000))

    def make(party: str = "VN", **overrides: object) -> NodeSettings:
        return write_node_config(tmp_path / f"node-{party.lower()}-{next(counter)}", party, dict(overrides))

    return make


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests run last: Playwright's synchronous driver keeps an event loop running in the
    main thread until the session ends, and `asyncio.run` in any later test would meet it."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/browser/"))
