"""A batch of new requests from the other side is checked for ones stored before with one
statement for the whole batch, not one per request; a request named again is still applied once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.hotline.conftest import Pair
from tests.support.factories import request_body, send_request
from tests.support.statements import statements_sent

from borderlink.exchange import known_objects
from borderlink.hotline.models import HotlineRequest


def test_a_batch_of_new_requests_is_looked_up_in_one_statement(pair: Pair, clients: dict[str, TestClient]) -> None:
    sent = [send_request(pair, clients, request_body(subject=f"Courier {n}"))["id"] for n in range(5)]
    with statements_sent(pair.cn.engine) as statements:
        pair.pump()
    reads = [s for s in statements if s.startswith("SELECT") and "FROM hotline_requests" in s]
    # One look-up for the batch's five; none of them is read again on its own.
    assert len([s for s in reads if " IN " in s]) == 1, reads
    assert not [s for s in reads if "hotline_requests.id = " in s], reads
    with pair.cn.transaction() as session:
        stored = session.scalar(select(func.count()).select_from(HotlineRequest).where(HotlineRequest.id.in_(sent)))
    assert stored == 5


def test_what_the_batch_looked_up_answers_for_its_own_transaction_only(pair: Pair,
                                                                      clients: dict[str, TestClient]) -> None:
    stored = send_request(pair, clients)["id"]
    pair.pump()
    new = "01a2425c-0000-7000-8000-000000000001"
    items = [{"envelope": {"kind": "hotline.request", "body": {"id": stored}}},
             {"envelope": {"kind": "hotline.request", "body": {"id": new}}},
             {"envelope": {"kind": "hotline.request", "body": "not an object"}}, "not an envelope"]
    with pair.cn.transaction() as session:
        known_objects.look_up_batch(session, items)
        assert known_objects.existed(session, HotlineRequest, stored) is True
        assert known_objects.existed(session, HotlineRequest, new) is False
        assert known_objects.existed(session, HotlineRequest, "01a2425c-0000-7000-8000-000000000002") is None
    with pair.cn.transaction() as session:
        assert known_objects.existed(session, HotlineRequest, stored) is None
