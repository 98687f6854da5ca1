"""Flags through the pages, across two nodes: the other side's provincial commander flags a replica
with a reason, and the issuing side sees the flag on its alert's page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from tests.integration.alerts.test_alerts_flow import WANTED, issue
from tests.integration.hotline.conftest import PASSWORD, Pair

from borderlink.app import create_app


@pytest.fixture
def browser(pair: Pair) -> Iterator[Callable[[str, str], TestClient]]:
    """`browser(party, username)`: a logged-in browser-like client of that node, asking for English."""
    opened: list[TestClient] = []

    def make(party: str, username: str) -> TestClient:
        client = TestClient(create_app(pair.node(party), run_background=False), follow_redirects=False)
        client.__enter__()
        opened.append(client)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        response = client.post("/login", data={"username": username, "password": PASSWORD,
                                               "csrf_token": token.group(1)})
        assert response.status_code == 303, response.text
        home = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
        assert home
        client.headers.update({"X-CSRF-Token": home.group(1), "Accept-Language": "en"})
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def test_the_other_side_flags_a_replica_and_the_owner_sees_why(
        pair: Pair, clients: dict[str, TestClient], browser: Callable[[str, str], TestClient]) -> None:
    alert_id = issue(clients, pair, WANTED)["id"]
    pair.pump()
    commander = browser("VN", "qn.commander")
    replica = commander.get(f"/alerts/{alert_id}")
    assert replica.status_code == 200
    actions = replica.text.split('aria-label="What you may do"')[1].split("</nav>")[0]
    assert 'href="#flag"' in actions
    assert f"/alerts/{alert_id}/edit" not in actions  # only the owner changes the alert
    # A post flags nothing for its side: the form is not offered to a gate officer.
    officer = browser("VN", "mongcai.officer")
    assert 'id="flag-reason"' not in officer.get(f"/alerts/{alert_id}").text

    empty = commander.post(f"/alerts/{alert_id}/flag", data={"reason": "  "})
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.text
    done = commander.post(f"/alerts/{alert_id}/flag", data={"reason": "Không có căn cứ trên lãnh thổ Việt Nam"})
    assert done.headers["location"] == f"/alerts/{alert_id}?done=flagged"
    assert "Your flag was recorded and sent to the issuing side." in commander.get(done.headers["location"]).text
    pair.pump()

    owner = browser("CN", "nia.analyst").get(f"/alerts/{alert_id}")
    assert "Không có căn cứ trên lãnh thổ Việt Nam" in owner.text
    assert 'title="VN-QN"' in owner.text
    listed = browser("CN", "nia.analyst").get("/alerts").text
    assert f'href="/alerts/{alert_id}"' in listed
    assert "flagged" in listed.split(f'href="/alerts/{alert_id}"')[1].split("</tr>")[0]
