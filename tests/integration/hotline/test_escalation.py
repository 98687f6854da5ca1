"""Unanswered requests rise from post to province to the centre, on both sides, by themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.integration.hotline.conftest import Pair, token_headers
from tests.integration.hotline.test_flow import URGENT, send

from borderlink.hotline import service
from borderlink.hotline.escalation import REQUESTS
from borderlink.hotline.models import Priority
from borderlink.shared import counters, escalation


def escalate(pair: Pair) -> int:
    with pair.vn.transaction() as session:
        return escalation.run_pass(session, REQUESTS, "VN", pair.clock.now())


def inbox_ids(pair: Pair, clients: dict[str, TestClient], party: str, user: str) -> list[str]:
    response = clients[party].get("/api/v1/hotline/inbox", headers=token_headers(pair, party, user))
    assert response.status_code == 200
    return [item["request_id"] for item in response.json()["items"]]


def test_unanswered_request_escalates_to_provinces_then_the_centre(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients)
    pair.pump()
    assert created["id"] not in inbox_ids(pair, clients, "CN", "gx.commander")
    assert created["id"] not in inbox_ids(pair, clients, "VN", "qn.commander")
    assert escalate(pair) == 0  # not yet due

    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 1
    pair.pump()
    assert created["id"] in inbox_ids(pair, clients, "VN", "qn.commander")
    assert created["id"] in inbox_ids(pair, clients, "CN", "gx.commander")
    assert created["id"] not in inbox_ids(pair, clients, "CN", "nia.analyst")
    cn_view = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}",
                                headers=token_headers(pair, "CN", "gx.commander")).json()
    assert cn_view["escalation_level"] == 1
    assert dt.datetime.fromisoformat(cn_view["deadline_at"]) == pair.clock.now() + dt.timedelta(hours=1)

    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 1
    pair.pump()
    assert created["id"] in inbox_ids(pair, clients, "VN", "bgc.analyst")
    assert created["id"] in inbox_ids(pair, clients, "CN", "nia.analyst")

    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 0  # the centre is the top
    vn_view = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}",
                                headers=token_headers(pair, "VN", "bgc.analyst")).json()
    assert vn_view["escalation_level"] == 2
    assert vn_view["overdue"]  # still shown as overdue at the top
    assert escalate(pair) == 0  # and not picked up again
    assert [e["kind"] for e in vn_view["timeline"]].count("escalated") == 2


def test_an_answered_request_does_not_escalate(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()
    clients["CN"].post(f"/api/v1/hotline/requests/{created['id']}/replies",
                       headers=token_headers(pair, "CN", "dongxing.officer"), json={"body": "Đã xử lý."})
    pair.pump()
    pair.clock.advance(dt.timedelta(hours=5))
    assert escalate(pair) == 0


def test_deadlines_are_set_by_the_node_admin(pair: Pair, clients: dict[str, TestClient]) -> None:
    denied = clients["VN"].put("/api/v1/hotline/deadlines", json={"urgent": 120},
                               headers=token_headers(pair, "VN", "qn.commander"))
    assert denied.status_code == 403
    saved = clients["VN"].put("/api/v1/hotline/deadlines", json={"urgent": 120},
                              headers=token_headers(pair, "VN", "vn.admin"))
    assert saved.status_code == 200
    assert saved.json()["urgent"] == 120
    assert saved.json()["normal"] == 3 * 86400
    created = send(pair, clients)
    assert dt.datetime.fromisoformat(str(created["deadline_at"])) == pair.clock.now() + dt.timedelta(seconds=120)


def test_escalations_made_while_the_peer_was_offline_arrive_in_order(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients)
    # The CN node is offline from here on: nothing is pumped while two escalations happen.
    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 1
    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 1
    assert created["id"] not in inbox_ids(pair, clients, "CN", "nia.analyst")
    # The CN node comes back a moment later (at the same instant the order of the steps would
    # only be their ids').
    pair.clock.advance(dt.timedelta(seconds=1))
    pair.pump()
    cn_view = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}",
                                headers=token_headers(pair, "CN", "nia.analyst")).json()
    assert cn_view["escalation_level"] == 2
    # In time order: the escalations happened on the VN side before the CN node came back.
    assert [e["kind"] for e in cn_view["timeline"]] == ["sent", "escalated", "escalated", "delivered"]
    assert created["id"] in inbox_ids(pair, clients, "CN", "gx.commander")
    assert created["id"] in inbox_ids(pair, clients, "CN", "nia.analyst")


def test_a_request_that_cannot_escalate_is_skipped_counted_and_the_others_still_escalate(
    pair: Pair, clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = send(pair, clients)  # urgent
    fine = send(pair, clients, body={**URGENT, "priority": "normal", "subject": "Routine check"})
    pair.clock.advance(dt.timedelta(days=4))  # both are overdue
    real_deadline_for = service.deadline_for

    def deadline_for(session: Session, priority: Priority) -> dt.timedelta:
        # A setting no date can hold: the urgent request's next deadline cannot be computed.
        if priority == Priority.URGENT:
            raise OverflowError("date value out of range")
        return real_deadline_for(session, priority)

    monkeypatch.setattr(service, "deadline_for", deadline_for)
    assert escalate(pair) == 1
    assert escalate(pair) == 0  # the broken one fails again, alone
    levels = {}
    for created in (broken, fine):
        view = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}",
                                 headers=token_headers(pair, "VN", "mongcai.officer")).json()
        levels[created["id"]] = view["escalation_level"]
    assert levels == {broken["id"]: 0, fine["id"]: 1}
    with pair.vn.transaction() as session:
        assert ("job_row_failures", "hotline escalation", 2) in counters.all_counts(session)
    metrics = clients["VN"].get("/metrics", headers=token_headers(pair, "VN", "vn.admin"))
    assert 'borderlink_job_row_failures_total{job="hotline escalation"} 2' in metrics.text
