"""Building objects for tests: valid inputs with only what a test cares about changed.

    body = request_body(priority="low", subject="Stolen motorbike")
    created = send_request(pair, clients, body)              # through the API, as a client would
    request = create_request(session, principal, now, kind="notification")   # through the service
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.support.two_nodes import Pair, token_headers

from borderlink.directory.permissions import Principal
from borderlink.hotline import service as hotline
from borderlink.hotline.models import HotlineRequest
from borderlink.hotline.schemas import RequestCreate

# An urgent alert from Móng Cái to Dongxing naming a person and a vehicle.
URGENT_REQUEST: dict[str, Any] = {
    "kind": "urgent_alert", "subject": "Heroin courier crossing at Móng Cái", "priority": "urgent",
    "body": "Suspect Nguyễn Văn Bình carrying 2 kg heroin, heading to Dongxing by motorbike.",
    "offence_code": "06012", "handling_code": "H0", "recipient_unit_code": "CN-GX-DONGXING",
    "references": [{"type": "person", "name": "Nguyễn Văn Bình", "birth_date": "1988-04-12", "nationality": "VNM"},
                   {"type": "vehicle", "plate": "14B1-234.56"}],
}


def request_body(**changes: Any) -> dict[str, Any]:
    """The API body of a hotline request: the urgent alert above with `changes`."""
    return {**URGENT_REQUEST, **changes}


def send_request(pair: Pair, clients: dict[str, TestClient], body: dict[str, Any] | None = None,
                 user: str = "mongcai.officer", party: str = "VN") -> dict[str, Any]:
    """Send a request through the API of `party`'s node; returns the answer's JSON."""
    response = clients[party].post("/api/v1/hotline/requests", json=body or URGENT_REQUEST,
                                   headers=token_headers(pair, party, user))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def create_request(session: Session, principal: Principal, now: dt.datetime, **changes: Any) -> HotlineRequest:
    """A request made through the hotline's service, in the caller's transaction."""
    return hotline.create_request(session, principal, RequestCreate.model_validate(request_body(**changes)), now)
