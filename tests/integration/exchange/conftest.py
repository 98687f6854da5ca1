"""Fixtures of the exchange's integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.exchange.exchange_pair import Pair, make_node

from borderlink.exchange import keys


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    vn, cn = make_node(tmp_path, "VN"), make_node(tmp_path, "CN")
    keys.import_peer(vn.settings, keys.export_identity(cn.settings))
    keys.import_peer(cn.settings, keys.export_identity(vn.settings))
    yield Pair(vn, cn)
    vn.engine.dispose()
    cn.engine.dispose()
