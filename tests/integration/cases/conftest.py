"""The cases tests run on the two-node pair of the hotline's tests (real migrations, real signed
envelopes through the in-process transport), with helpers for the cases API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.integration.hotline import conftest as two_nodes
from tests.integration.hotline.conftest import Pair, token_headers

# The two-node fixtures of the hotline's tests, for the tests here.
template_database = two_nodes.template_database
postgres_node_databases = two_nodes.postgres_node_databases
pair = two_nodes.pair
clients = two_nodes.clients

DRUG_CASE: dict[str, Any] = {
    "title": "Heroin route Móng Cái – Dongxing / 东兴海洛因通道",
    "case_type": "drug_trafficking", "offence_codes": ["06012", "09051"],
    "summary": "Couriers carry heroin across the Ka Long river by night.",
    "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"],
    "legal_basis": "2001 agreement on crime prevention between the two ministries",
    "jit_reference": "JIT-QN-GX-2026-01", "jit_starts_on": "2026-11-01", "jit_ends_on": "2027-04-30",
}


def api(pair: Pair, clients: dict[str, TestClient], party: str, user: str, method: str, path: str,
        expect: int = 200, **kwargs: Any) -> Any:
    response = clients[party].request(method, f"/api/v1{path}", headers=token_headers(pair, party, user), **kwargs)
    assert response.status_code == expect, response.text
    return response.json() if response.headers.get("content-type", "").startswith("application/json") else response


def open_case(pair: Pair, clients: dict[str, TestClient], **changes: Any) -> dict[str, Any]:
    created: dict[str, Any] = api(pair, clients, "VN", "qn.commander", "POST", "/cases", 201,
                                  json={**DRUG_CASE, **changes})
    pair.pump()
    return created
