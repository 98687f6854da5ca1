"""Unanswered work of any type moves one tier up through the one shared mechanism: a hit on an
alert nobody answers rises as a hotline request does, and two processes on one PostgreSQL
database escalate each overdue request and hit exactly once."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.gates.conftest import HeldAlerts, held_alerts
from tests.integration.gates.test_gates_crossings import URL, WANG_MRZ, wanted_wang
from tests.support.factories import send_request
from tests.support.two_nodes import Pair, open_pair, token_headers

from borderlink.app import create_app
from borderlink.directory import service as directory
from borderlink.gates.escalation import HITS
from borderlink.gates.models import HIT_TIMELINE, Hit
from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.hotline.models import HotlineRequest
from borderlink.shared import escalation, workfeed

__all__ = ["held_alerts"]  # the gates' screen of alerts held in memory, as a fixture here


def _report_hits(pair: Pair, clients: dict[str, TestClient], held: HeldAlerts, alerts: int = 1) -> list[str]:
    """Hits at Móng Cái on wanted alerts of Quảng Ninh (this node's own alerts)."""
    for _ in range(alerts):
        wanted_wang(held, "VN-QN")
    response = clients["VN"].post(URL, headers=token_headers(pair, "VN", "mongcai.officer"),
                                  json={"direction": "entry", "mrz": WANG_MRZ})
    assert response.status_code == 201, response.text
    hits = [str(hit["id"]) for hit in response.json()["check"]["hits"]]
    assert len(hits) == alerts
    return hits


def _escalate_hits(pair: Pair) -> int:
    with pair.vn.transaction() as session:
        return escalation.run_pass(session, HITS, "VN", pair.clock.now())


def test_an_unanswered_hit_rises_one_tier_above_the_alert_s_unit_then_stays_overdue_at_the_top(
    pair: Pair, clients: dict[str, TestClient], held_alerts: HeldAlerts
) -> None:
    [hit_id] = _report_hits(pair, clients, held_alerts)
    assert _escalate_hits(pair) == 0  # not yet due
    pair.clock.advance(dt.timedelta(hours=2))
    assert _escalate_hits(pair) == 1
    with pair.vn.transaction() as session:
        hit = session.get(Hit, hit_id)
        assert hit is not None
        assert hit.escalation_level == 1
        assert hit.deadline_at is not None
        assert hit.deadline_at > pair.clock.now()
        entries = {directory.get_unit(session, e.unit_id).code: e
                   for e in workfeed.entries_of(session, workfeed.ObjectRef(HIT_TIMELINE.object_type, hit_id))}
        assert entries["VN-BGC"].reason == "escalated"
        assert entries["VN-BGC"].urgent
        assert {code: e.deadline_at for code, e in entries.items()} == dict.fromkeys(entries, hit.deadline_at)
        [escalated] = [e for e in HIT_TIMELINE.events(session, hit_id) if e.kind == "escalated"]
        assert HIT_TIMELINE.render(escalated) == "level 1: VN-BGC"
    pair.clock.advance(dt.timedelta(hours=2))
    # The centre holds it: nothing is above, so it stays overdue there and is not taken again.
    assert _escalate_hits(pair) == 0
    assert _escalate_hits(pair) == 0
    with pair.vn.transaction() as session:
        hit = session.get(Hit, hit_id)
        assert hit is not None
        assert hit.escalation_level == 1
        assert hit.escalation_done


@pytest.fixture
def postgres_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    made = open_pair(tmp_path, template=None, postgres=request.getfixturevalue("postgres_node_databases"))
    yield made
    for node in (made.vn, made.cn):
        node.engine.dispose()


# Each process opens the VN node on its own database connections, waits for the start signal, and
# runs escalation passes of both kinds back to back, at the real time (every object is overdue).
_PROCESS = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from borderlink.config import load_settings
    from borderlink.exchange.context import bind
    from borderlink.gates.escalation import HITS
    from borderlink.hotline.escalation import REQUESTS
    from borderlink.node import open_node
    from borderlink.shared import escalation
    node = open_node(load_settings(Path(sys.argv[1])))
    bind(node)
    while not Path(sys.argv[2]).exists():
        time.sleep(0.01)
    moved = sum(escalation.run_once(node, kind) for _ in range(15) for kind in (REQUESTS, HITS))
    print(moved)
""")


@pytest.mark.postgres
def test_two_processes_on_one_database_escalate_each_request_and_hit_exactly_once(
    postgres_pair: Pair, held_alerts: HeldAlerts, tmp_path: Path
) -> None:
    pair = postgres_pair
    with TestClient(create_app(pair.vn, run_background=False)) as client:
        clients = {"VN": client}
        requests = [str(send_request(pair, clients)["id"]) for _ in range(4)]
        hits = _report_hits(pair, clients, held_alerts, alerts=4)
    start = tmp_path / "start"
    processes = [subprocess.Popen([sys.executable, "-c", _PROCESS, str(tmp_path / "vn"), str(start)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    start.touch()
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _, err in outputs]
    assert sum(int(out) for out, _ in outputs) == len(requests) + len(hits)
    with pair.vn.transaction() as session:
        for model, timeline, ids in ((HotlineRequest, REQUEST_TIMELINE, requests), (Hit, HIT_TIMELINE, hits)):
            levels = list(session.scalars(select(model.escalation_level).where(model.id.in_(ids))))
            assert levels == [1] * len(ids)
            for object_id in ids:
                assert [e.kind for e in timeline.events(session, object_id)].count("escalated") == 1
