"""The neutrality hold, handling codes enforced by the receiving node, and who sees what."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, token_headers
from tests.integration.hotline.test_flow import URGENT, send

from borderlink.exchange import service as exchange

POLITICAL = {**URGENT, "subject": "Đối tượng tham gia biểu tình",
             "body": "Yêu cầu xác minh người tổ chức biểu tình chính trị."}


def test_a_flagged_request_is_held_until_a_supervisor_of_the_sending_unit_releases_it(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    held = send(pair, clients, POLITICAL)
    assert held["status"] == "held"
    assert {f["ground"] for f in held["screening_flags"]} == {"political"}
    with pair.vn.transaction() as session:
        assert exchange.outbox_status(session)["sent"] == 0  # it has not left the node
    assert pair.pump() == 0

    officer = clients["VN"].post(f"/api/v1/hotline/requests/{held['id']}/release?note=ok",
                                 headers=token_headers(pair, "VN", "mongcai.officer"))
    assert officer.status_code == 403
    outsider = clients["VN"].post(f"/api/v1/hotline/requests/{held['id']}/release?note=ok",
                                  headers=token_headers(pair, "VN", "laocai.officer"))
    assert outsider.status_code in (403, 404)
    queue = clients["VN"].get("/hotline/held", headers=token_headers(pair, "VN", "mongcai.commander"))
    assert queue.status_code == 200
    assert held["subject"] in queue.text

    released = clients["VN"].post(
        f"/api/v1/hotline/requests/{held['id']}/release?note=Smuggling%20case%2C%20not%20political",
        headers=token_headers(pair, "VN", "mongcai.commander"))
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "sent"
    pair.pump()
    cn = clients["CN"].get(f"/api/v1/hotline/requests/{held['id']}",
                           headers=token_headers(pair, "CN", "dongxing.officer"))
    assert cn.status_code == 200
    assert cn.json()["status"] == "delivered"
    assert [e["kind"] for e in cn.json()["timeline"]] == ["sent", "delivered"]  # the hold stays on the VN side


def test_a_withdrawn_request_never_leaves(pair: Pair, clients: dict[str, TestClient]) -> None:
    held = send(pair, clients, POLITICAL)
    withdrawn = clients["VN"].post(f"/api/v1/hotline/requests/{held['id']}/withdraw?note=Out%20of%20scope",
                                   headers=token_headers(pair, "VN", "qn.commander"))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert pair.pump() == 0


def test_the_facing_post_sees_only_what_was_sent_to_it(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()
    url = f"/api/v1/hotline/requests/{created['id']}"
    assert clients["CN"].get(url, headers=token_headers(pair, "CN", "dongxing.officer")).status_code == 200
    assert clients["CN"].get(url, headers=token_headers(pair, "CN", "gx.commander")).status_code == 200
    assert clients["CN"].get(url, headers=token_headers(pair, "CN", "hekou.officer")).status_code == 404
    assert clients["VN"].get(url, headers=token_headers(pair, "VN", "laocai.officer")).status_code == 404
    assert clients["VN"].get(url, headers=token_headers(pair, "VN", "qn.commander")).status_code == 200
    hekou_inbox = clients["CN"].get("/api/v1/hotline/inbox", headers=token_headers(pair, "CN", "hekou.officer"))
    assert hekou_inbox.json()["items"] == []
    ack = clients["CN"].post(f"{url}/acknowledge", headers=token_headers(pair, "CN", "hekou.officer"))
    assert ack.status_code == 404
    viewer = clients["VN"].post("/api/v1/hotline/requests", json=URGENT, headers=token_headers(pair, "VN", "vn.viewer"))
    assert viewer.status_code == 403
    assert clients["VN"].get("/api/v1/hotline/inbox").status_code == 401


def test_handling_codes_are_enforced_by_the_receiving_node(pair: Pair, clients: dict[str, TestClient]) -> None:
    no_sharing = send(pair, clients, {**URGENT, "handling_code": "H2"})
    not_for_court = send(pair, clients, {**URGENT, "handling_code": "H1"})
    plain = send(pair, clients, {**URGENT, "handling_code": "H0"})
    pair.pump()
    dongxing = token_headers(pair, "CN", "dongxing.officer")

    refused = clients["CN"].post(f"/api/v1/hotline/requests/{no_sharing['id']}/forward", headers=dongxing,
                                 json={"unit_code": "CN-YN-HEKOU"})
    assert refused.status_code == 403
    assert "H2" in refused.json()["detail"]
    shared = clients["CN"].post(f"/api/v1/hotline/requests/{plain['id']}/forward", headers=dongxing,
                                json={"unit_code": "CN-YN-HEKOU"})
    assert shared.status_code == 200
    hekou = token_headers(pair, "CN", "hekou.officer")
    assert clients["CN"].get(f"/api/v1/hotline/requests/{plain['id']}", headers=hekou).status_code == 200
    assert clients["CN"].get(f"/api/v1/hotline/requests/{no_sharing['id']}", headers=hekou).status_code == 404

    court = clients["CN"].get(f"/api/v1/hotline/requests/{not_for_court['id']}/export?purpose=court", headers=dongxing)
    assert court.status_code == 403
    investigation = clients["CN"].get(f"/api/v1/hotline/requests/{not_for_court['id']}/export?purpose=investigation",
                                      headers=dongxing)
    assert investigation.status_code == 200
    own = clients["VN"].get(f"/api/v1/hotline/requests/{not_for_court['id']}/export?purpose=court",
                            headers=token_headers(pair, "VN", "mongcai.officer"))
    assert own.status_code == 200


def test_inbox_filters_search_and_unread_counts(pair: Pair, clients: dict[str, TestClient]) -> None:
    urgent = send(pair, clients)
    send(pair, clients, {**URGENT, "priority": "low", "offence_code": "07019", "kind": "information",
                         "subject": "Telecom fraud ring", "body": "Tổ lừa đảo qua mạng ở Đông Hưng", "references": []})
    pair.pump()
    headers = token_headers(pair, "CN", "dongxing.officer")

    def items(query: str) -> list[str]:
        response = clients["CN"].get(f"/api/v1/hotline/inbox{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [i["subject"] for i in response.json()["items"]]

    assert items("?priority=urgent") == [URGENT["subject"]]
    assert items("?offence=07019") == ["Telecom fraud ring"]
    assert items("?q=lua%20dao") == ["Telecom fraud ring"]  # diacritics-insensitive
    assert items("?q=nguyen%20binh") == [URGENT["subject"]]  # finds the person reference
    assert items("?counterpart=VN-QN-MONGCAI") != []
    assert items("?overdue=true") == []
    assert clients["CN"].get("/api/v1/hotline/inbox", headers=headers).json()["unread"] == 2
    clients["CN"].get(f"/api/v1/hotline/requests/{urgent['id']}", headers=headers)
    assert clients["CN"].get("/api/v1/hotline/inbox", headers=headers).json()["unread"] == 1
    import datetime as dt

    pair.clock.advance(dt.timedelta(hours=2))
    assert items("?overdue=true") == [URGENT["subject"]]


def test_a_commander_sees_the_units_below_on_request(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    headers = token_headers(pair, "VN", "qn.commander")
    own = clients["VN"].get("/api/v1/hotline/inbox", headers=headers).json()
    below = clients["VN"].get("/api/v1/hotline/inbox?include_below=true", headers=headers).json()
    assert created["id"] not in [i["request_id"] for i in own["items"]]
    assert created["id"] in [i["request_id"] for i in below["items"]]
    outsider = clients["VN"].get("/api/v1/hotline/inbox?include_below=true",
                                 headers=token_headers(pair, "VN", "laocai.officer")).json()
    assert outsider["items"] == []


@pytest.mark.parametrize(("subject", "body", "handling_note"), [
    ("Biểu tình", "Nhóm biểu tình chính trị", None),
    ("Xác minh", "Đối tượng là nhà hoạt động pol\u200bitical", None),  # zero-width space
    ("Xác minh", "Đối tượng là một p\u043elitical activist", None),  # Cyrillic о
    ("Xác minh", "Đối tượng cần xác minh", "\uff50\uff52\uff4f\uff54\uff45\uff53\uff54 organiser"),  # fullwidth
])
def test_the_receiving_node_refuses_flagged_text_that_no_supervisor_released(
    pair: Pair, subject: str, body: str, handling_note: str | None
) -> None:
    from sqlalchemy import select

    from borderlink.exchange.models import OutboxEnvelope

    with pair.vn.transaction() as session:
        exchange.enqueue(session, kind="hotline.request", stream="hotline:bypass", sender_unit="VN-QN-MONGCAI",
                         recipient_unit="CN-GX-DONGXING", body={
                             "id": "01a20000-0000-7000-8000-000000000001", "kind": "information",
                             "assistance_type": None, "subject": subject, "body": body,
                             "priority": "normal", "offence_code": "09051", "handling_code": "H0",
                             "handling_note": handling_note, "references": [], "author_name": "x",
                             "created_at": pair.clock.now().isoformat(), "deadline_seconds": 3600,
                             "deadline_at": None, "attachments": [], "release_note": None,
                             "sent_event": {"id": "01a20000-0000-7000-8000-000000000002", "kind": "sent",
                                            "at": pair.clock.now().isoformat(), "party": "VN",
                                            "unit_code": "VN-QN-MONGCAI", "detail": None}})
    pair.pump()
    with pair.vn.transaction() as session:
        assert list(session.scalars(select(OutboxEnvelope.status))) == ["refused"]
