"""An open alert page follows the alert live: the other side's steps arrive through the exchange,
and a gate's hit on the alert is heard in the owning unit, each pushed to the page's stream."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.testclient import TestClient
from tests.integration.alerts.conftest import headers
from tests.integration.alerts.test_alerts_flow import WANTED, issue
from tests.integration.hotline.conftest import Pair
from tests.support.live_streams import frames_after
from tests.support.two_nodes import browser

from borderlink import domains
from borderlink.alerts import live_index
from borderlink.alerts.pages import alert_page_stream
from borderlink.app import create_app
from borderlink.directory import accounts
from borderlink.gates.alert_screen import replace_alert_screen

WANG_MRZ = "P<CHNWANG<<XIAOHONG<<<<<<<<<<<<<<<<<<<<<<<<<\nE123456782CHN8803148F3005017<<<<<<<<<<<<<<08"


def _heard_after(pair: Pair, party: str, username: str, alert_id: str, action: Callable[[], Any]) -> list[str]:
    """Open the alert page's stream as `username` (through the route itself), run `action` (blocking)
    in a thread, and return the frames heard within a few seconds of it."""
    node = pair.node(party)
    with node.transaction() as session:
        user = accounts.find_user(session, username)
        _, secret = accounts.create_token(session, user, "stream", node.clock.now())
        principal = accounts.principal_for(session, user, via_token=True, default_timezone="UTC")
    request = Request({"type": "http", "method": "GET", "path": f"/alerts/{alert_id}/stream",
                       "app": create_app(node, run_background=False),
                       "headers": [(b"authorization", f"Bearer {secret}".encode())]})
    with node.transaction() as session:
        response = alert_page_stream(alert_id, request, session, principal)

    return frames_after(response.body_iterator, action)  # type: ignore[attr-defined]


def _frame(alert_id: str) -> str:
    return f"event: alert\ndata: {json.dumps({'alert_id': alert_id})}\n\n"


def test_a_withdrawal_by_the_issuing_side_is_pushed_to_the_open_replica_page(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    alert = issue(clients, pair, {**WANTED, "person": {**WANTED["person"], "names": ["李明"]}})
    pair.pump()
    withdrawn = clients["CN"].post(f"/api/v1/alerts/{alert['id']}/withdraw", json={"note": "arrest cancelled"},
                                   headers=headers(pair, "CN", "nia.analyst"))
    assert withdrawn.status_code == 200, withdrawn.text

    assert _heard_after(pair, "VN", "mongcai.officer", alert["id"], pair.pump) == [_frame(alert["id"])]
    page = browser(pair, "VN", "mongcai.officer").get(f"/alerts/{alert['id']}")
    assert f'data-live-stream="/alerts/{alert["id"]}/stream"' in page.text
    assert 'id="alert-timeline" data-live' in page.text
    assert page.text.index('src="/static/request-live.js"') > page.text.index("</title>")


def test_a_step_on_the_same_node_is_pushed_to_the_page_too(pair: Pair, clients: dict[str, TestClient]) -> None:
    alert = issue(clients, pair, {**WANTED, "person": {**WANTED["person"], "names": ["赵强"]}})

    def fulfil() -> None:
        done = clients["CN"].post(f"/api/v1/alerts/{alert['id']}/withdraw",
                                  json={"note": "arrested", "fulfilled": True},
                                  headers=headers(pair, "CN", "nia.analyst"))
        assert done.status_code == 200, done.text

    assert _heard_after(pair, "CN", "gx.analyst", alert["id"], fulfil) == [_frame(alert["id"])]


def test_a_hit_at_the_other_sides_gate_is_pushed_to_the_issuing_units_page(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    alert = issue(clients, pair, WANTED)
    pair.pump()
    gate_node = pair.node("VN")
    previous = replace_alert_screen(None)
    domains.setup(gate_node)  # the gate's node screens crossings against the alerts it holds
    screening = live_index.registered(gate_node.engine)
    assert screening is not None
    screening.follow()
    try:
        _hit_is_pushed(pair, clients, alert["id"])
    finally:
        screening.close()
        replace_alert_screen(previous)


def _hit_is_pushed(pair: Pair, clients: dict[str, TestClient], alert_id: str) -> None:
    crossing = clients["VN"].post("/api/v1/gates/crossings", json={"direction": "entry", "mrz": WANG_MRZ},
                                  headers=headers(pair, "VN", "mongcai.officer"))
    assert crossing.status_code == 201, crossing.text
    assert [hit["alert_id"] for hit in crossing.json()["check"]["hits"]] == [alert_id]

    assert _heard_after(pair, "CN", "nia.analyst", alert_id, pair.pump) == [_frame(alert_id)]
    page = browser(pair, "CN", "nia.analyst").get(f"/alerts/{alert_id}")
    assert 'id="alert-hits" data-live' in page.text
    assert "VN-QN-MONGCAI" in page.text.split('id="alert-hits"')[1].split('id="alert-timeline"')[0]


def test_an_alert_stream_is_not_found_for_whoever_may_not_see_the_alert(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    draft = issue(clients, pair, {**WANTED, "person": {**WANTED["person"], "names": ["孙丽"]}, "draft": True})
    pair.pump()
    for party, outsider in (("CN", "hekou.officer"), ("VN", "mongcai.officer")):
        assert browser(pair, party, outsider).get(f"/alerts/{draft['id']}/stream").status_code == 404
    assert TestClient(create_app(pair.node("CN"), run_background=False),
                      follow_redirects=False).get(f"/alerts/{draft['id']}/stream").status_code in (303, 401)
