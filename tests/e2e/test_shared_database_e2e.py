"""One node served by two processes on one PostgreSQL database (two machines behind a load
balancer): everything is delivered once, each overdue request escalates once, and no deadlock
happens on either database."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from tests.e2e.nodes import NodePair, NodeProcess, PairFactory, poll
from tests.e2e.test_hotline_e2e import REQUEST, set_deadline, view

from borderlink.db import make_engine

pytestmark = pytest.mark.e2e
REQUESTS = 40
DEADLINE_SECONDS = 3
STATIC_CACHE_TTL = 5.0  # the default of shared.static_cache.StaticCache


@pytest.fixture(scope="module")
def shared(node_pair_factory: PairFactory, e2e_database_url: str | None) -> Iterator[tuple[NodePair, NodeProcess]]:
    if e2e_database_url is None:
        pytest.skip("several processes share a node's database on PostgreSQL only")
    pair = node_pair_factory(env={"BORDERLINK_HOTLINE_ESCALATION_INTERVAL_SECONDS": "0.2",
                                  "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}, name="shared")
    second = pair.second_process("VN")
    second.start(wait=True)
    try:
        yield pair, second
    finally:
        second.stop()


def _deadlocks(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = :name"),
                                          {"name": make_url(url).database}).scalar_one())
    finally:
        engine.dispose()


def _post(node: NodeProcess, index: int, **changes: Any) -> str:
    response = httpx.post(f"{node.url}/api/v1/hotline/requests", headers=node.headers("mongcai.officer"),
                          json={**REQUEST, "subject": f"Courier {index}", **changes}, timeout=30)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _post_many(processes: list[NodeProcess], count: int, **changes: Any) -> list[str]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(_post, processes[index % len(processes)], index, **changes) for index in range(count)]
        return [future.result() for future in futures]


def test_two_processes_of_one_node_deliver_every_request_once(shared: tuple[NodePair, NodeProcess]) -> None:
    pair, second = shared
    before = {party: _deadlocks(url) for party, url in pair.databases.items()}
    ids = _post_many([pair.vn, second], REQUESTS)
    for request_id in ids:
        poll(lambda request_id=request_id: view(pair.cn, "dongxing.officer", request_id), timeout=60,
             message=f"request {request_id} on CN")
    inbox = httpx.get(f"{pair.cn.url}/api/v1/hotline/inbox", headers=pair.cn.headers("dongxing.officer"),
                      params={"limit": 1000}, timeout=30).json()["items"]
    delivered = [item["request_id"] for item in inbox if item["request_id"] in set(ids)]
    assert sorted(delivered) == sorted(ids)  # each once
    for request_id in ids[:5]:
        found = view(second, "mongcai.officer", request_id)
        assert found is not None  # either process serves every request of the node
        assert [e["kind"] for e in found["timeline"]].count("sent") == 1
    assert {party: _deadlocks(url) for party, url in pair.databases.items()} == before


def test_two_processes_escalate_each_overdue_request_exactly_once(shared: tuple[NodePair, NodeProcess]) -> None:
    pair, second = shared
    before = {party: _deadlocks(url) for party, url in pair.databases.items()}
    for node in pair.nodes:
        set_deadline(node, "high", DEADLINE_SECONDS)
    # The other process reads the settings from its cache, which it refreshes after at most
    # static_cache's time to live.
    time.sleep(STATIC_CACHE_TTL + 1)
    ids = _post_many([pair.vn, second], 12, priority="high", kind="information")

    def all_at_the_top() -> list[dict[str, Any]] | None:
        found = [view(pair.vn, "analyst", request_id) for request_id in ids]
        if all(f is not None and f["escalation_level"] >= 2 for f in found):
            return [f for f in found if f is not None]
        return None

    # Two tiers up (post -> province -> centre), one deadline each, on both processes' passes.
    views = poll(all_at_the_top, timeout=90, interval=0.5, message="every request escalated to the centre")
    for found in views:
        assert found["escalation_level"] == 2
        assert [e["kind"] for e in found["timeline"]].count("escalated") == 2
    for request_id in ids:
        cn_view = poll(lambda request_id=request_id: _escalated_on_cn(pair, request_id), timeout=60,
                       message=f"both escalations of {request_id} on CN")
        assert [e["kind"] for e in cn_view["timeline"]].count("escalated") == 2
    assert {party: _deadlocks(url) for party, url in pair.databases.items()} == before


def _escalated_on_cn(pair: NodePair, request_id: str) -> dict[str, Any] | None:
    found = view(pair.cn, "analyst", request_id)
    if found is not None and found["escalation_level"] >= 2:
        return found
    return None
