"""Building objects for tests: valid inputs with only what a test cares about changed.

    body = request_body(priority="low", subject="Stolen motorbike")
    created = send_request(pair, clients, body)              # through the API, as a client would
    request = create_request(session, principal, now, kind="notification")   # through the service
    case = open_case(pair, clients, title="Cross-border fraud ring")   # a joint case, through the API
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


def call_api(pair: Pair, clients: dict[str, TestClient], party: str, user: str, method: str, path: str,
             expect: int = 200, **kwargs: Any) -> Any:
    """One call of `party`'s JSON API as `user`, asserting the status; the answer's JSON (or the response)."""
    response = clients[party].request(method, f"/api/v1{path}", headers=token_headers(pair, party, user), **kwargs)
    assert response.status_code == expect, response.text
    return response.json() if response.headers.get("content-type", "").startswith("application/json") else response


# A joint drug case of Quảng Ninh with Guangxi, Dongxing and Móng Cái.
DRUG_CASE: dict[str, Any] = {
    "title": "Heroin route Móng Cái – Dongxing / 东兴海洛因通道",
    "case_type": "drug_trafficking", "offence_codes": ["06012", "09051"],
    "summary": "Couriers carry heroin across the Ka Long river by night.",
    "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"],
    "legal_basis": "2001 agreement on crime prevention between the two ministries",
    "jit_reference": "JIT-QN-GX-2026-01", "jit_starts_on": "2026-11-01", "jit_ends_on": "2027-04-30",
}


def open_case(pair: Pair, clients: dict[str, TestClient], **changes: Any) -> dict[str, Any]:
    """The drug case above with `changes`, opened by Quảng Ninh's commander and delivered to the other side."""
    created: dict[str, Any] = call_api(pair, clients, "VN", "qn.commander", "POST", "/cases", 201,
                                       json={**DRUG_CASE, **changes})
    pair.pump()
    return created
