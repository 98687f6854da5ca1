"""Many writers at once on both nodes: sends, replies from either side, escalation passes and
dispatch rounds in both directions, all committing for real. Whatever locks they take, no caller
sees a deadlock: every request is answered with success, every chain still verifies, and every
request arrives on the other side."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.hotline.conftest import Pair, token_headers
from tests.integration.hotline.test_flow import URGENT, send

from borderlink.app import create_app
from borderlink.audit.service import derive_audit_key, verify
from borderlink.exchange import messagelog
from borderlink.exchange.dispatcher import Dispatcher
from borderlink.exchange.transport import InProcessTransport
from borderlink.hotline.escalation import REQUESTS
from borderlink.hotline.models import HotlineRequest
from borderlink.node import Node
from borderlink.shared import escalation

ROUNDS = 12


def _chains_intact(node: Node) -> None:
    with node.transaction() as session:
        assert verify(session, derive_audit_key(node.settings.secret_key))[1] == []
        assert messagelog.verify_chain(session)[1] == []


def test_concurrent_sends_replies_escalations_and_deliveries_reach_no_caller_as_errors(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    seeded = [str(send(pair, clients)["id"]) for _ in range(3)]  # replied to from both sides
    unanswered = [str(send(pair, clients)["id"]) for _ in range(3)]  # escalated meanwhile
    pair.pump()
    pair.clock.advance(dt.timedelta(minutes=61))  # the seeded requests are overdue: escalation runs
    headers = {name: token_headers(pair, party, name) for party, name in
               (("VN", "mongcai.officer"), ("CN", "dongxing.officer"), ("VN", "mongcai.commander"))}
    failures: list[str] = []
    created: list[str] = []
    stop = threading.Event()

    def worker(party: str, body: Callable[[TestClient], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                with TestClient(create_app(pair.node(party), run_background=False)) as client:
                    body(client)
            except BaseException as exc:
                failures.append(f"{party}: {type(exc).__name__}: {exc}")
        return run

    def expect(response: object, status: int, what: str) -> None:
        code = getattr(response, "status_code", None)
        if code != status:
            failures.append(f"{what}: HTTP {code} {getattr(response, 'text', '')[:300]}")

    def sends(client: TestClient) -> None:
        for index in range(ROUNDS):
            response = client.post("/api/v1/hotline/requests", headers=headers["mongcai.officer"],
                                   json={**URGENT, "subject": f"Courier {index}"})
            expect(response, 201, "send")
            if response.status_code == 201:
                created.append(response.json()["id"])

    def replies(user: str) -> Callable[[TestClient], None]:
        def body(client: TestClient) -> None:
            for index in range(ROUNDS):
                for request_id in seeded:
                    response = client.post(f"/api/v1/hotline/requests/{request_id}/replies",
                                           headers=headers[user], json={"body": f"{user} {index}"})
                    expect(response, 201, f"reply by {user}")
        return body

    def escalations() -> None:
        try:
            while not stop.is_set():
                escalation.run_once(pair.vn, REQUESTS)
        except BaseException as exc:
            failures.append(f"escalation: {type(exc).__name__}: {exc}")

    def deliveries(sender: Node, receiver: Node) -> Callable[[], None]:
        def run() -> None:
            dispatcher = Dispatcher(sender, InProcessTransport(receiver))
            try:
                while not stop.is_set():
                    dispatcher.cycle()
            except BaseException as exc:
                failures.append(f"dispatch from {sender.party}: {type(exc).__name__}: {exc}")
        return run

    writers = [threading.Thread(target=worker("VN", sends)),
               threading.Thread(target=worker("CN", replies("dongxing.officer"))),
               threading.Thread(target=worker("VN", replies("mongcai.commander")))]
    background = [threading.Thread(target=escalations),
                  threading.Thread(target=deliveries(pair.vn, pair.cn)),
                  threading.Thread(target=deliveries(pair.cn, pair.vn))]
    for thread in writers + background:
        thread.start()
    for thread in writers:
        thread.join(timeout=600)
    stop.set()
    for thread in background:
        thread.join(timeout=120)

    assert failures == []
    assert len(created) == ROUNDS
    pair.pump(rounds=50)
    with pair.cn.transaction() as session:
        arrived = session.scalar(select(func.count()).select_from(HotlineRequest)
                                 .where(HotlineRequest.id.in_(created + seeded + unanswered)))
    assert arrived == len(created) + len(seeded) + len(unanswered)
    with pair.vn.transaction() as session:
        levels = list(session.scalars(select(HotlineRequest.escalation_level)
                                      .where(HotlineRequest.id.in_(unanswered))))
    assert levels == [1, 1, 1]  # escalated once each, though passes ran all the time
    for node in (pair.vn, pair.cn):
        _chains_intact(node)
