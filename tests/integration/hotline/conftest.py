"""The hotline's tests run on the two-node harness of tests/support/two_nodes.py, whose `pair`
and `clients` fixtures tests/conftest.py offers to every test; the names stay importable from
here for the suites that took them from this module."""

from __future__ import annotations

from tests.support.personas import PASSWORD
from tests.support.two_nodes import (
           Pair,
           browser,
           clients,
           pair,
           postgres_node_databases,
           template_database,
           token_headers,
)
from tests.support.two_nodes import empty as _empty

__all__ = ["PASSWORD", "Pair", "_empty", "browser", "clients", "pair", "postgres_node_databases", "template_database",
           "token_headers"]
