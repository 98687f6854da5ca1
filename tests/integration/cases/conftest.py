"""The cases tests run on the two-node harness of tests/support (real migrations, real signed
envelopes through the in-process transport; its `pair` and `clients` fixtures), with PostgreSQL
databases of their own, and build cases with tests/support/factories.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.support.factories import DRUG_CASE, open_case
from tests.support.factories import call_api as api
from tests.support.two_nodes import Pair, postgres_databases, token_headers

__all__ = ["DRUG_CASE", "Pair", "api", "open_case", "token_headers"]


@pytest.fixture(scope="session")
def postgres_node_databases() -> Iterator[dict[str, str]]:
    yield from postgres_databases("cases")
