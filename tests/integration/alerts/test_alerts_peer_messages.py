"""What the receiving node refuses of the other side's alert messages, and how a refusal reaches the
sending side's alert."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.integration.alerts.conftest import headers
from tests.integration.alerts.test_alerts_flow import WANTED, issue
from tests.integration.conftest import START
from tests.integration.hotline.conftest import Pair

from borderlink.alerts import messages, publishing
from borderlink.alerts.contracts import AlertPublished, AlertUpdated, AlertWithdrawn
from borderlink.alerts.domain import DOMAIN
from borderlink.alerts.models import TIMELINE, Alert
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared import workfeed


def envelope(body: Any, sender: str = "CN", recipient: str = "VN") -> InboundEnvelope[Any]:
    return InboundEnvelope(id="00000000-0000-7000-8000-000000000001", kind="alerts.test", sender_party=sender,
                           recipient_party=recipient, sender_unit=None, recipient_unit=None, handling_code="H0",
                           created_at=START, stream="alerts:test", seq=1, body=body, received_at=START,
                           receipted=True)


def content_on_cn(pair: Pair, alert_id: str) -> AlertPublished:
    with pair.node("CN").transaction() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        return AlertPublished(alert=publishing.content_of(session, alert), events=[])


def test_an_alert_off_the_allow_list_or_from_a_non_owner_is_refused(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    published = content_on_cn(pair, created["id"])
    forged = published.alert.model_copy(update={"offence_code": "06011"})
    with pair.node("VN").transaction() as session, pytest.raises(Rejected, match="allow-list"):
        messages.apply_published(session, envelope(AlertPublished(alert=forged, events=[])))
    no_basis = published.alert.model_copy(update={"legal_basis": None})
    with pair.node("VN").transaction() as session, pytest.raises(Rejected, match="legal basis"):
        messages.apply_published(session, envelope(AlertPublished(alert=no_basis, events=[])))
    pair.pump()
    # Once held, only its owner changes or withdraws it.
    with pair.node("VN").transaction() as session, pytest.raises(Rejected, match="owner"):
        messages.apply_updated(session, envelope(AlertUpdated(alert=published.alert.model_copy(
            update={"version": 9}), event=None), sender="VN", recipient="VN"))


def test_a_refusal_by_the_peer_reaches_the_alert_and_its_unit(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    with pair.node("CN").transaction() as session:
        DOMAIN.refusal_hooks[AlertWithdrawn](session, "envelope-1", content_on_cn_session(session, created["id"]),
                                             "offence code 06012 is not on this node's allow-list")
        events = TIMELINE.events(session, created["id"])
        assert events[-1].kind == "refused_by_peer"
        assert "allow-list" in (TIMELINE.render(events[-1]) or "")
        entries = workfeed.entries_of(session, workfeed.ObjectRef("alerts.alert", created["id"]))
        assert [e.reason for e in entries] == ["refused"]
    assert clients["CN"].get(f"/api/v1/alerts/{created['id']}",
                             headers=headers(pair, "CN", "nia.analyst")).status_code == 200


def content_on_cn_session(session: Session, alert_id: str) -> AlertWithdrawn:
    alert = session.get(Alert, alert_id)
    assert alert is not None
    event = TIMELINE.events(session, alert_id)[0]
    return AlertWithdrawn(alert_id=alert.id, version=alert.version, event=publishing.event_part(event))
