"""The operations page and the Prometheus endpoint: who may see them, and what they show."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from borderlink.exchange.inbox import count_refusal
from borderlink.node import Node


def test_metrics_need_a_token_with_exchange_read(
        app_client: TestClient, personas: dict[str, object], bearer: Callable[[str], dict[str, str]]) -> None:
    assert app_client.get("/metrics").status_code == 401
    assert app_client.get("/metrics", headers=bearer("mongcai.officer")).status_code == 403
    response = app_client.get("/metrics", headers=bearer("central.analyst"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    for name in ("borderlink_exchange_queue_depth 0", "borderlink_exchange_oldest_pending_age_seconds 0",
                 "borderlink_exchange_sent_total 0", "borderlink_exchange_received_total 0",
                 'borderlink_exchange_refused_total{reason="bad_signature"} 0',
                 "# TYPE borderlink_exchange_refused_total counter"):
        assert name in text, name


def test_metrics_count_refusals_by_reason(
        node: Node, app_client: TestClient, personas: dict[str, object],
        bearer: Callable[[str], dict[str, str]]) -> None:
    with node.transaction() as session:
        count_refusal(session, "replay", "an example", node.clock.now(), 3)
    text = app_client.get("/metrics", headers=bearer("node.admin")).text
    assert 'borderlink_exchange_refused_total{reason="replay"} 3' in text


def _statements(text: str) -> int:
    line = next(line for line in text.splitlines() if line.startswith("borderlink_db_statements_total{"))
    return int(line.rsplit(" ", 1)[1])


def test_metrics_count_the_statements_this_process_sent(
        app_client: TestClient, personas: dict[str, object], bearer: Callable[[str], dict[str, str]]) -> None:
    before = _statements(app_client.get("/metrics", headers=bearer("node.admin")).text)
    assert app_client.get("/api/v1/hotline/inbox", headers=bearer("mongcai.officer")).status_code == 200
    after = _statements(app_client.get("/metrics", headers=bearer("node.admin")).text)
    assert after > before  # the inbox read and the /metrics read itself


def test_exchange_page_for_admins_and_analysts_only(
        node: Node, personas: dict[str, object], login: Callable[[str], TestClient]) -> None:
    with node.transaction() as session:
        count_refusal(session, "bad_signature", "envelope x: does not verify", node.clock.now())
    page = login("node.admin").get("/exchange")
    assert page.status_code == 200
    assert "bad_signature" in page.text
    assert 'id="pending">0<' in page.text
    assert login("central.analyst").get("/exchange").status_code == 200
    assert login("mongcai.officer").get("/exchange").status_code == 403


def test_dead_letters_are_listed_with_their_error_and_counted(
        node: Node, personas: dict[str, object], login: Callable[[str], TestClient],
        bearer: Callable[[str], dict[str, str]], app_client: TestClient) -> None:
    from borderlink.exchange.models import HandlerFailure, InboxEnvelope
    from borderlink.ids import new_id

    envelope_id, now = new_id(), node.clock.now()
    with node.transaction() as session:
        session.add(InboxEnvelope(id=envelope_id, sender_party="CN", stream="hotline:x", seq=1, kind="hotline.reply",
                                  content_hash="0" * 64, content="{}", key_id="k", signature="s",
                                  status="dead_letter", reason="KeyError: 'x'", received_at=now))
        session.add(HandlerFailure(envelope_id=envelope_id, sender_party="CN", kind="hotline.reply",
                                   stream="hotline:x", seq=1, attempts=5, last_error="KeyError: 'x'",
                                   first_failed_at=now, last_failed_at=now))
    page = login("node.admin").get("/exchange")
    assert envelope_id in page.text
    assert "KeyError: &#39;x&#39;" in page.text
    assert "borderlink_exchange_dead_letters 1" in app_client.get("/metrics", headers=bearer("node.admin")).text
