"""The owner alone takes the owner's steps, the replica side its own, and a contribution passes
the same screening on the side that applies it as on the side that wrote it."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.hotline.conftest import Pair, token_headers
from tests.integration.hotline.test_flow import send

from borderlink.exchange import service as exchange
from borderlink.exchange.models import OutboxEnvelope
from borderlink.ids import new_id


def _forge_from_cn(pair: Pair, kind: str, body: dict[str, object]) -> None:
    """An envelope the CN node signs, as a misbehaving peer implementation might."""
    with pair.cn.transaction() as session:
        exchange.enqueue(session, kind=kind, stream=f"forged:{new_id()}", sender_unit="CN-GX-DONGXING",
                         recipient_unit="VN-QN-MONGCAI", body=body)
    pair.pump()


def _forged_status(pair: Pair, kind: str) -> list[str]:
    with pair.cn.transaction() as session:
        return list(session.scalars(select(OutboxEnvelope.status).where(
            OutboxEnvelope.kind == kind, OutboxEnvelope.stream.startswith("forged:"))))


def test_the_replica_side_cannot_close_a_request_it_does_not_own(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()
    _forge_from_cn(pair, "hotline.event", {"request_id": created["id"], "event": {
        "id": new_id(), "kind": "closed", "at": pair.clock.now().isoformat(), "party": "CN",
        "unit_code": "CN-GX-DONGXING", "detail": None}})
    assert _forged_status(pair, "hotline.event") == ["refused"]
    view = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}",
                             headers=token_headers(pair, "VN", "mongcai.officer")).json()
    assert view["status"] == "delivered"
    assert "closed" not in [e["kind"] for e in view["timeline"]]


def test_a_reply_the_owner_would_screen_out_locally_is_refused_when_it_arrives(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients)
    pair.pump()
    _forge_from_cn(pair, "hotline.reply", {"request_id": created["id"], "event": None, "reply": {
        "id": new_id(), "author_party": "CN", "author_unit_code": "CN-GX-DONGXING", "author_name": "x",
        "body": "Nhóm biểu tình chính trị", "created_at": pair.clock.now().isoformat()}})
    assert _forged_status(pair, "hotline.reply") == ["refused"]
    view = clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}",
                             headers=token_headers(pair, "VN", "mongcai.officer")).json()
    assert view["replies"] == []


def test_repeating_a_request_envelope_changes_nothing(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    pair.pump()
    with pair.vn.transaction() as session:
        original = session.scalar(select(OutboxEnvelope).where(OutboxEnvelope.kind == "hotline.request"))
        assert original is not None
        body = json.loads(original.content)["body"]
    headers = token_headers(pair, "CN", "dongxing.officer")
    before = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=headers).json()
    with pair.vn.transaction() as session:  # the same request again, in a new envelope
        exchange.enqueue(session, kind="hotline.request", stream=f"again:{new_id()}",
                         sender_unit="VN-QN-MONGCAI", recipient_unit="CN-GX-DONGXING", body=body)
    assert pair.pump() == 1
    after = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=headers).json()
    assert after == before
