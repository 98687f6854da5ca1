"""A request's life across the border: routing, delivery, acknowledgement, replies, timelines."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.hotline.conftest import Pair, token_headers
from tests.support.factories import URGENT_REQUEST, send_request

from borderlink.audit.models import AuditEntry
from borderlink.exchange import service as exchange
from borderlink.exchange.models import OutboxEnvelope
from borderlink.hotline.models import HotlineRequest

URGENT = URGENT_REQUEST  # the names other tests import from here
send = send_request


def test_urgent_request_reaches_the_facing_post_and_both_sides_share_one_timeline(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients)
    assert created["status"] == "sent"
    assert created["recipient_unit_code"] == "CN-GX-DONGXING"
    pair.pump()

    dongxing = token_headers(pair, "CN", "dongxing.officer")
    inbox = clients["CN"].get("/api/v1/hotline/inbox", headers=dongxing).json()
    assert inbox["unread"] == 1
    assert [i["request_id"] for i in inbox["items"]] == [created["id"]]
    assert inbox["items"][0]["status"] == "delivered"
    # Móng Cái learns of the delivery from the receipt of its request: no message of its own.
    mongcai = token_headers(pair, "VN", "mongcai.officer")
    delivered = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=mongcai).json()
    assert delivered["status"] == "delivered"
    on_cn = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=dongxing).json()
    assert [(e["id"], e["kind"], e["at"], e["unit_code"]) for e in delivered["timeline"]] == \
        [(e["id"], e["kind"], e["at"], e["unit_code"]) for e in on_cn["timeline"]]
    assert delivered["delivered_at"] == on_cn["delivered_at"] is not None
    with pair.node("CN").transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEnvelope)) == 0

    ack = clients["CN"].post(f"/api/v1/hotline/requests/{created['id']}/acknowledge", headers=dongxing)
    assert ack.status_code == 200, ack.text
    reply = clients["CN"].post(f"/api/v1/hotline/requests/{created['id']}/replies", headers=dongxing,
                               json={"body": "Đã nhận. 东兴站已布控，车辆已拦截。"})
    assert reply.status_code == 201, reply.text
    pair.pump()

    vn_view = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=mongcai).json()
    cn_view = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=dongxing).json()
    assert vn_view["status"] == cn_view["status"] == "answered"
    assert [r["body"] for r in vn_view["replies"]] == ["Đã nhận. 东兴站已布控，车辆已拦截。"]
    assert [(e["id"], e["kind"], e["at"]) for e in vn_view["timeline"]] == \
        [(e["id"], e["kind"], e["at"]) for e in cn_view["timeline"]]
    assert [e["kind"] for e in vn_view["timeline"]] == ["sent", "delivered", "acknowledged", "answered"]
    for field in ("sent_at", "delivered_at", "acknowledged_at", "answered_at"):
        assert vn_view[field] == cn_view[field] is not None or vn_view[field] == cn_view[field]
        assert vn_view[field] is not None

    closed = clients["VN"].post(f"/api/v1/hotline/requests/{created['id']}/close", headers=mongcai)
    assert closed.status_code == 200
    pair.pump()
    assert clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=dongxing).json()["status"] == "closed"


def test_the_directory_decides_the_recipient(pair: Pair, clients: dict[str, TestClient]) -> None:
    headers = token_headers(pair, "VN", "mongcai.officer")
    wrong = clients["VN"].post("/api/v1/hotline/requests", headers=headers,
                               json={**URGENT, "recipient_unit_code": "CN-YN-HEKOU"})
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "recipient_unit_code"
    assert "CN-YN-HEKOU" in wrong.json()["detail"]
    implied = clients["VN"].post("/api/v1/hotline/requests", headers=headers,
                                 json={**URGENT, "recipient_unit_code": None})
    assert implied.status_code == 201
    assert implied.json()["recipient_unit_code"] == "CN-GX-DONGXING"
    several = clients["CN"].post("/api/v1/hotline/requests", headers=token_headers(pair, "CN", "gx.commander"),
                                 json={**URGENT, "recipient_unit_code": None})
    assert several.status_code == 422
    assert several.json()["field"] == "recipient_unit_code"
    assert "VN-QN" in several.json()["detail"]  # the choices are named


def test_receiving_node_rejects_a_request_between_non_counterparts(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        exchange.enqueue(session, kind="hotline.request", body={"id": "forged"}, sender_unit="VN-LC-LAOCAI",
                         recipient_unit="CN-GX-DONGXING", stream="hotline:forged")
    pair.pump()
    with pair.cn.transaction() as session:
        assert session.scalar(select(func.count()).select_from(HotlineRequest)) == 0
    with pair.vn.transaction() as session:
        statuses = list(session.scalars(select(OutboxEnvelope.status).where(OutboxEnvelope.kind == "hotline.request")))
    assert statuses == ["refused"]


def test_offences_outside_the_allow_list_are_refused(pair: Pair, clients: dict[str, TestClient]) -> None:
    response = clients["VN"].post("/api/v1/hotline/requests", headers=token_headers(pair, "VN", "mongcai.officer"),
                                  json={**URGENT, "offence_code": "01011"})
    assert response.status_code == 422
    assert response.json()["field"] == "offence_code"
    assert "01011" in response.json()["detail"]


def test_attachments_cross_with_their_hash(pair: Pair, clients: dict[str, TestClient]) -> None:
    content = "Ảnh chụp hộ chiếu / 护照照片".encode() * 100
    created = send(pair, clients, {**URGENT, "attachments": [
        {"filename": "passport.txt", "content_type": "text/plain",
         "content_base64": base64.b64encode(content).decode()}]})
    pair.pump()
    cn = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}",
                           headers=token_headers(pair, "CN", "dongxing.officer")).json()
    assert cn["attachments"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert cn["attachments"][0]["size"] == len(content)
    too_big = clients["VN"].post("/api/v1/hotline/requests", headers=token_headers(pair, "VN", "mongcai.officer"),
                                 json={**URGENT, "attachments": [{"filename": "big.bin", "content_base64":
                                       base64.b64encode(b"x" * 300_000).decode()}]})
    assert too_big.status_code == 422


def test_reading_a_request_that_names_a_person_is_audited(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()

    def reads() -> int:
        with pair.cn.transaction() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "read", AuditEntry.object_id == created["id"])) or 0

    before = reads()
    clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}",
                      headers=token_headers(pair, "CN", "dongxing.officer"))
    assert reads() == before + 1


def test_an_offline_peer_gets_everything_in_order_when_it_returns(pair: Pair, clients: dict[str, TestClient]) -> None:
    ids = [send(pair, clients, {**URGENT, "subject": f"Courier {n}"})["id"] for n in range(5)]
    # Nothing is pumped: the CN node is "offline"; the VN node keeps queueing.
    with pair.vn.transaction() as session:
        assert exchange.outbox_status(session)["pending"] == 5
    pair.pump()
    inbox = clients["CN"].get("/api/v1/hotline/inbox", headers=token_headers(pair, "CN", "dongxing.officer")).json()
    assert sorted(i["request_id"] for i in inbox["items"]) == sorted(ids)
    with pair.vn.transaction() as session:
        assert exchange.outbox_status(session)["pending"] == 0
    # One answer held the five receipts: each request is delivered on VN, at the time CN applied it.
    mongcai = token_headers(pair, "VN", "mongcai.officer")
    dongxing = token_headers(pair, "CN", "dongxing.officer")
    for request_id in ids:
        on_vn = clients["VN"].get(f"/api/v1/hotline/requests/{request_id}", headers=mongcai).json()
        on_cn = clients["CN"].get(f"/api/v1/hotline/requests/{request_id}", headers=dongxing).json()
        assert on_vn["status"] == "delivered"
        assert on_vn["delivered_at"] == on_cn["delivered_at"] is not None
    vn_inbox = clients["VN"].get("/api/v1/hotline/inbox", headers=mongcai).json()
    assert {i["request_id"] for i in vn_inbox["items"] if i["status"] == "delivered"} == set(ids)
