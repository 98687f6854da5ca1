"""Who sees an alert on the receiving node (distribution, hidden alerts), what it may do with it
(handling codes), and the receiving side's flags, which the owner sees."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.integration.alerts.conftest import headers
from tests.integration.alerts.test_alerts_flow import WANTED, check, issue
from tests.integration.hotline.conftest import Pair

from borderlink.alerts import expiry
from borderlink.shared import workfeed


def status(clients: dict[str, TestClient], pair: Pair, alert_id: str, user: str, party: str = "VN") -> int:
    return clients[party].get(f"/api/v1/alerts/{alert_id}", headers=headers(pair, party, user)).status_code


def test_listed_gates_and_the_units_above_them_see_the_alert_others_get_404(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    listed = issue(clients, pair, dict(WANTED, distribution=["VN-QN-MONGCAI"]))
    senior = issue(clients, pair, dict(WANTED, person={"names": ["李国强"], "birth_date": "1979-06-02"},
                                       distribution="provincial_and_central"))
    pair.pump()
    assert status(clients, pair, listed["id"], "mongcai.officer") == 200
    assert status(clients, pair, listed["id"], "qn.commander") == 200
    assert status(clients, pair, listed["id"], "bgc.analyst") == 200
    assert status(clients, pair, listed["id"], "laocai.officer") == 404
    assert status(clients, pair, senior["id"], "mongcai.officer") == 404
    assert status(clients, pair, senior["id"], "qn.commander") == 200
    # A check by an officer the alert is not distributed to finds nothing; one it is, finds it.
    assert check(clients, pair, {"name": "WANG XIAOHONG"}, user="laocai.officer") == []
    assert [m["alert_id"] for m in check(clients, pair, {"name": "WANG XIAOHONG"})] == [listed["id"]]
    page = clients["VN"].get("/api/v1/alerts", headers=headers(pair, "VN", "laocai.officer")).json()
    assert page["items"] == []


def test_a_hidden_alert_leaves_the_other_side_until_shown_again(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    pair.pump()
    nia = headers(pair, "CN", "nia.analyst")
    hidden = clients["CN"].patch(f"/api/v1/alerts/{created['id']}", json={"hidden": True}, headers=nia)
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["hidden"] is True
    pair.pump()
    assert status(clients, pair, created["id"], "mongcai.officer") == 404
    assert check(clients, pair, {"name": "王晓红"}) == []
    assert clients["CN"].get(f"/api/v1/alerts/{created['id']}", headers=nia).status_code == 200
    assert [m["alert_id"] for m in check(clients, pair, {"name": "王晓红"}, party="CN", user="dongxing.officer")] == [
        created["id"]]
    clients["CN"].patch(f"/api/v1/alerts/{created['id']}", json={"hidden": False}, headers=nia)
    pair.pump()
    assert status(clients, pair, created["id"], "mongcai.officer") == 200
    # Only the owner changes content, on both nodes.
    refused = clients["VN"].patch(f"/api/v1/alerts/{created['id']}", json={"description": "changed"},
                                  headers=headers(pair, "VN", "bgc.analyst"))
    assert refused.status_code == 422, refused.text


def test_the_other_side_flags_an_alert_and_the_owner_sees_the_flag(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    pair.pump()
    reason = {"reason": "The person holds a residence right here; we will not arrest on this basis."}
    post = clients["VN"].post(f"/api/v1/alerts/{created['id']}/flag", json=reason,
                              headers=headers(pair, "VN", "mongcai.commander"))
    assert post.status_code == 403
    owner = clients["CN"].post(f"/api/v1/alerts/{created['id']}/flag", json=reason,
                               headers=headers(pair, "CN", "nia.analyst"))
    assert owner.status_code == 422
    flagged = clients["VN"].post(f"/api/v1/alerts/{created['id']}/flag", json=reason,
                                 headers=headers(pair, "VN", "qn.commander"))
    assert flagged.status_code == 200, flagged.text
    pair.pump()
    seen = clients["CN"].get(f"/api/v1/alerts/{created['id']}", headers=headers(pair, "CN", "nia.analyst")).json()
    assert [(f["party"], f["unit_code"], f["reason"]) for f in seen["flags"]] == [("VN", "VN-QN", reason["reason"])]
    assert any(e["kind"] == "flagged" for e in seen["timeline"])
    listed = clients["CN"].get("/api/v1/alerts", params={"flagged": True},
                               headers=headers(pair, "CN", "nia.analyst")).json()
    assert [i["id"] for i in listed["items"]] == [created["id"]]


def test_handling_codes_bind_the_receiving_side(pair: Pair, clients: dict[str, TestClient]) -> None:
    h1 = issue(clients, pair, WANTED)  # H1: not for court without consent
    h2 = issue(clients, pair, dict(WANTED, person={"names": ["李国强"], "birth_date": "1979-06-02"},
                                   handling_code="H2"))
    pair.pump()
    vn = headers(pair, "VN", "bgc.analyst")
    assert clients["VN"].get(f"/api/v1/alerts/{h1['id']}/export", params={"purpose": "court"},
                             headers=vn).status_code == 403
    assert clients["VN"].get(f"/api/v1/alerts/{h1['id']}/export", params={"purpose": "investigation"},
                             headers=vn).status_code == 200
    assert clients["VN"].get(f"/api/v1/alerts/{h2['id']}/export", params={"purpose": "onward"},
                             headers=vn).status_code == 403
    assert clients["CN"].get(f"/api/v1/alerts/{h1['id']}/export", params={"purpose": "court"},
                             headers=headers(pair, "CN", "nia.analyst")).status_code == 200


def test_the_owner_unit_is_told_four_months_before_expiry_and_extending_needs_a_review(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, dict(WANTED, expires_at=(pair.clock.now() + dt.timedelta(days=200)).isoformat()))
    pair.clock.advance(dt.timedelta(days=81))
    with pair.node("CN").transaction() as session:
        assert expiry.run_validity(session, "CN", pair.clock.now())["noticed"] == 1
        entries = workfeed.entries_of(session, workfeed.ObjectRef("alerts.alert", created["id"]))
        assert any(e.deadline_at is not None and e.unread for e in entries)
    nia = headers(pair, "CN", "nia.analyst")
    until = (pair.clock.now() + dt.timedelta(days=365)).isoformat()
    short = clients["CN"].post(f"/api/v1/alerts/{created['id']}/extend", json={"expires_at": until, "review": "ok"},
                               headers=nia)
    assert short.status_code == 422
    assert short.json()["field"] == "review"
    extended = clients["CN"].post(f"/api/v1/alerts/{created['id']}/extend", headers=nia,
                                  json={"expires_at": until, "review": "Still at large; sighted in Dongxing in May."})
    assert extended.status_code == 200, extended.text
    pair.pump()
    replica = clients["VN"].get(f"/api/v1/alerts/{created['id']}", headers=headers(pair, "VN", "bgc.analyst")).json()
    assert replica["expires_at"].startswith(until[:10])
