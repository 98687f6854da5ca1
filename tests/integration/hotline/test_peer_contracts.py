"""What the other node may send about a request: bodies checked against their contracts, and only
steps that are the sender's own to take, in its own name. Forgeries are signed with the peer's real
key (they travel through the peer's outbox), so only these checks stand in their way."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.hotline.conftest import Pair, browser, token_headers
from tests.integration.hotline.test_flow import URGENT, send

from borderlink.errors import InvalidInput
from borderlink.exchange.models import StoredReceipt
from borderlink.hotline.models import OBJECT_TYPE, HotlineRequest
from borderlink.hotline.service import REQUEST_KIND
from borderlink.ids import new_id
from borderlink.shared import replicated
from borderlink.shared.timeline import TimelineEvent
from borderlink.shared.workfeed import FeedEntry

CN_POST, VN_POST = "CN-GX-DONGXING", "VN-QN-MONGCAI"


def forge(pair: Pair, kind: str, body: dict[str, Any], request_id: str) -> StoredReceipt:
    """CN sends `body` on the request's stream, signed with its own key; VN's receipt comes back."""
    return pair.forge(kind, body, stream=REQUEST_KIND.stream(request_id), sender_unit=CN_POST, recipient_unit=VN_POST)


def event(kind: str, party: str = "CN", unit_code: str | None = CN_POST) -> dict[str, Any]:
    return {"id": new_id(), "kind": kind, "at": "2026-03-02T08:00:00Z", "party": party, "unit_code": unit_code,
            "detail": None}


def vn_request(pair: Pair, request_id: str) -> tuple[str, list[str]]:
    with pair.vn.transaction() as session:
        request = session.get(HotlineRequest, request_id)
        assert request is not None
        kinds = list(session.scalars(select(TimelineEvent.kind).where(TimelineEvent.object_id == request_id)))
        return request.status.value, kinds


def test_the_receiving_side_cannot_close_the_owners_request(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()
    before = vn_request(pair, str(created["id"]))
    receipt = forge(pair, "hotline.event", {"request_id": created["id"], "event": event("closed")},
                    str(created["id"]))
    assert receipt.status == "rejected"
    assert "'closed' on a request is taken by the owner side" in (receipt.reason or "")
    assert vn_request(pair, str(created["id"])) == before


@pytest.mark.parametrize("party", ["VN", "CN"])
def test_the_peer_cannot_act_in_the_name_of_a_local_unit(pair: Pair, clients: dict[str, TestClient],
                                                         party: str) -> None:
    created = send(pair, clients)
    pair.pump()
    before = vn_request(pair, str(created["id"]))
    forged = event("acknowledged", party=party, unit_code=VN_POST)
    receipt = forge(pair, "hotline.event", {"request_id": created["id"], "event": forged}, str(created["id"]))
    assert receipt.status == "rejected"
    assert vn_request(pair, str(created["id"])) == before
    assert before[0] == "delivered"


def test_an_escalation_cannot_hand_a_request_to_an_unrelated_local_post(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    response = clients["CN"].post("/api/v1/hotline/requests", headers=token_headers(pair, "CN", "dongxing.officer"),
                                  json={**URGENT, "recipient_unit_code": VN_POST})
    assert response.status_code == 201, response.text
    request_id = response.json()["id"]
    pair.pump()
    body = {"request_id": request_id, "level": 1, "deadline_at": "2026-03-03T08:00:00Z",
            "recipient_side_unit": "VN-LC-LAOCAI", "event": event("escalated", unit_code="CN-GX")}
    receipt = forge(pair, "hotline.escalation", body, request_id)
    assert receipt.status == "rejected"
    assert "VN-LC-LAOCAI is not above" in (receipt.reason or "")
    with pair.vn.transaction() as session:
        holders = set(session.scalars(select(FeedEntry.unit_id).where(
            FeedEntry.object_type == OBJECT_TYPE, FeedEntry.object_id == request_id)))
    assert len(holders) == 1
    outsider = clients["VN"].get(f"/api/v1/hotline/requests/{request_id}",
                                 headers=token_headers(pair, "VN", "laocai.officer"))
    assert outsider.status_code == 404
    # Up the receiving post's own chain it is accepted.
    receipt = forge(pair, "hotline.escalation", {**body, "recipient_side_unit": "VN-QN",
                                                 "event": event("escalated", unit_code="CN-GX")}, request_id)
    assert receipt.status == "applied", receipt.reason


@pytest.mark.parametrize(("kind", "body", "field"), [
    ("hotline.event", {"event": "x"}, "body.request_id: field required"),
    ("hotline.event", {"request_id": "REQ", "event": {"kind": "closed"}}, "body.event.id: field required"),
    ("hotline.reply", {"request_id": "REQ", "reply": {}}, "body.reply.id: field required"),
    ("hotline.escalation", {"request_id": "REQ", "level": "2", "deadline_at": "2026-03-03T08:00:00Z",
                            "event": event("escalated")}, "body.level: input should be a valid integer"),
    ("hotline.request", {"id": "REQ"}, "body.offence_code: field required"),
])
def test_a_malformed_body_of_each_kind_is_rejected_naming_the_field(
    pair: Pair, clients: dict[str, TestClient], kind: str, body: dict[str, Any], field: str
) -> None:
    created = send(pair, clients)
    pair.pump()
    filled = {key: created["id"] if value == "REQ" else value for key, value in body.items()}
    if kind == "hotline.request":
        filled["id"] = new_id()
    receipt = forge(pair, kind, filled, str(created["id"]) if kind != "hotline.request" else str(filled["id"]))
    assert receipt.status == "rejected"
    assert receipt.reason is not None
    assert receipt.reason.startswith("invalid_body: ")
    assert field in receipt.reason


def _cn_request_body(request_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "id": request_id, "kind": "information", "assistance_type": None, "subject": "Cigarette smuggling",
        "body": "Two trucks of cigarettes expected tonight.", "priority": "normal", "offence_code": "06012",
        "handling_code": "H0", "handling_note": None, "references": [], "author_name": "dongxing.officer",
        "created_at": "2026-03-02T08:00:00Z", "deadline_seconds": 3600, "deadline_at": None,
        "sent_event": event("sent"), "release_note": None, "attachments": [], **changes,
    }


def test_a_received_request_is_screened_on_the_same_fields_as_a_local_one(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    request_id = new_id()
    body = _cn_request_body(request_id, handling_note="Người tổ chức biểu tình chính trị", handling_code="H3")
    receipt = forge(pair, "hotline.request", body, request_id)
    assert receipt.status == "rejected"
    assert "political" in (receipt.reason or "")
    with pair.vn.transaction() as session:
        assert session.get(HotlineRequest, request_id) is None
    # The same body without the political note is accepted: only the screening refused it.
    other = new_id()
    assert forge(pair, "hotline.request", _cn_request_body(other), other).status == "applied"


def test_an_offence_code_typed_with_spaces_is_stored_normalised_and_delivered(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients, {**URGENT, "offence_code": " 06012 "})
    assert created["offence_code"] == "06012"
    pair.pump()
    for node in (pair.vn, pair.cn):
        with node.transaction() as session:
            request = session.get(HotlineRequest, created["id"])
            assert request is not None
            assert request.offence_code == "06012"
            assert request.status.value == "delivered"


def test_a_refusal_by_the_peer_shows_on_the_request_and_in_the_senders_feed(
    pair: Pair, clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    def nothing_allowed(code: str) -> None:
        raise InvalidInput(f"offence code {code} is not allowed here")

    # The check of what the peer sends only: the receiving node's list.
    monkeypatch.setattr(replicated, "require_allowed", nothing_allowed)
    created = send(pair, clients)
    headers = token_headers(pair, "VN", "mongcai.officer")
    clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=headers)  # read: not unread now
    pair.pump()
    inbox = clients["VN"].get("/api/v1/hotline/inbox", headers=token_headers(pair, "VN", "mongcai.commander"))
    item = next(i for i in inbox.json()["items"] if i["request_id"] == created["id"])
    assert item["unread"]
    assert "refused" in item["reasons"]
    detail = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=headers).json()
    refused = [e for e in detail["timeline"] if e["kind"] == "refused_by_peer"]
    assert len(refused) == 1
    assert "not on this node's allow-list" in refused[0]["detail"]
    assert refused[0]["party"] == "CN"
    with pair.vn.transaction() as session:
        request = session.get(HotlineRequest, created["id"])
        assert request is not None
        assert request.escalation_done
        entry = session.scalar(select(FeedEntry).where(
            FeedEntry.object_type == OBJECT_TYPE, FeedEntry.object_id == created["id"]))
        assert entry is not None
        assert entry.reason == "refused"
    page = browser(pair, "VN", "mongcai.officer").get(f"/hotline/requests/{created['id']}")
    assert page.status_code == 200
    assert "bị phía bên kia từ chối" in page.text  # the user's language is Vietnamese


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "assistance"}, "body.assistance_type: an assistance request needs an assistance type"),
    ({"assistance_type": "locate_person"}, "body.assistance_type: an assistance type is only for assistance requests"),
    ({"handling_code": "H3"}, "body.handling_note: handling code H3 needs a note"),
])
def test_a_received_request_is_held_to_the_rules_of_the_sending_form(
    pair: Pair, changes: dict[str, Any], field: str
) -> None:
    request_id = new_id()
    receipt = forge(pair, "hotline.request", _cn_request_body(request_id, **changes), request_id)
    assert receipt.status == "rejected"
    assert receipt.reason is not None
    assert receipt.reason.startswith("invalid_body: ")
    assert field in receipt.reason
    with pair.vn.transaction() as session:
        assert session.get(HotlineRequest, request_id) is None
