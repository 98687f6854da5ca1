"""A unit for work done many times a second: from the process's copy of the units table, with no
read once that copy is warm, and the session's own unit when it holds one already."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from borderlink.directory import service as directory
from borderlink.errors import NotFound
from borderlink.node import Node
from borderlink.shared import static_cache


@pytest.fixture
def cache_on() -> Iterator[None]:
    static_cache.enable()
    try:
        yield
    finally:
        static_cache.enable(False)
        for cache in static_cache._caches:
            cache.clear()


def test_a_cached_unit_is_the_unit_and_costs_no_read_once_warm(node: Node, cache_on: None) -> None:
    with node.transaction() as session:
        read = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        expected = (read.id, read.code, read.party_code, read.tier, read.parent_id, read.name_en)
    with node.transaction() as session:
        directory.cached_unit_by_code(session, "VN-QN-MONGCAI")  # warms the process's copies
    statements: list[str] = []

    def sent(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(node.engine, "before_cursor_execute", sent)
    try:
        with node.transaction() as session:
            unit = directory.cached_unit(session, expected[0])
            by_code = directory.cached_unit_by_code(session, "VN-QN-MONGCAI")
            found = [s for s in statements if "units" in s]
    finally:
        event.remove(node.engine, "before_cursor_execute", sent)
    assert (unit.id, unit.code, unit.party_code, unit.tier, unit.parent_id, unit.name_en) == expected
    assert by_code is unit
    assert found == []


def test_the_sessions_own_unit_is_given_back_as_it_is(node: Node) -> None:
    with node.transaction() as session:
        unit = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        unit.name_en = "Mong Cai gate (renamed in this transaction)"
        assert directory.cached_unit(session, unit.id) is unit
        with pytest.raises(NotFound):
            directory.cached_unit(session, "no-such-unit-id")
