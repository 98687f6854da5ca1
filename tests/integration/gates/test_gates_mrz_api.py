"""`POST /api/v1/gates/mrz/parse`: who may read a zone, and what the answer holds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import PASSWORD, Persona

from borderlink.directory import accounts
from borderlink.node import Node

Bearer = Callable[[str], dict[str, str]]
URL = "/api/v1/gates/mrz/parse"
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_an_officer_reads_a_zone(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer) -> None:
    response = app_client.post(URL, json={"mrz": TD3}, headers=bearer("mongcai.officer"))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "format": "TD3", "valid": True, "document_code": "P", "issuing_state": "UTO", "surname": "ERIKSSON",
        "given_names": "ANNA MARIA", "document_number": "L898902C3", "nationality": "UTO",
        "birth_date": "1974-08-12", "expiry_date": "2012-04-15", "sex": "F", "optional_data": "ZE184226B",
        "checks": {"document_number": True, "birth_date": True, "expiry_date": True, "optional_data": True,
                   "composite": True},
        "errors": [],
    }


def test_a_bad_zone_is_answered_with_the_failing_field(app_client: TestClient, personas: dict[str, Persona],
                                                       bearer: Bearer) -> None:
    typed = TD3.lower().replace("\n", " \r\n").replace("7408122f", "7408123f")
    response = app_client.post(URL, json={"mrz": typed}, headers=bearer("mongcai.commander"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is False
    assert body["checks"]["birth_date"] is False
    assert body["errors"][0].startswith("birth_date:")


def test_century_follows_the_node_clock(app_client: TestClient, node: Node, personas: dict[str, Persona],
                                        bearer: Bearer) -> None:
    # Born 2026-11-02 (the node's date): not in the future, so not 1926.
    zone = "P<UTOERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<\nL898902C36UTO2611022F3001019<<<<<<<<<<<<<<06"
    assert node.clock.now().date().isoformat() == "2026-11-02"
    body = app_client.post(URL, json={"mrz": zone}, headers=bearer("mongcai.officer")).json()
    assert body["valid"], body["errors"]
    assert body["birth_date"] == "2026-11-02"


def test_anonymous_callers_get_401(app_client: TestClient) -> None:
    response = app_client.post(URL, json={"mrz": TD3})
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_roles_without_gate_work_get_403(app_client: TestClient, node: Node, bearer: Bearer, role: str) -> None:
    with node.transaction() as session:
        accounts.create_user(session, username=f"mongcai.{role}", password=PASSWORD, unit_code="VN-QN-MONGCAI",
                             role=role, display_name=role, now=node.clock.now())
    response = app_client.post(URL, json={"mrz": TD3}, headers=bearer(f"mongcai.{role}"))
    assert response.status_code == 403


def test_browser_session_needs_its_csrf_token(login: Callable[..., TestClient],
                                              personas: dict[str, Persona]) -> None:
    client = login("mongcai.officer")
    assert client.post(URL, json={"mrz": TD3}).json()["valid"] is True
    del client.headers["X-CSRF-Token"]
    assert client.post(URL, json={"mrz": TD3}).status_code == 403


def test_oversized_or_missing_zone_is_refused(app_client: TestClient, personas: dict[str, Persona],
                                              bearer: Bearer) -> None:
    headers = bearer("mongcai.officer")
    assert app_client.post(URL, json={"mrz": "<" * 5000}, headers=headers).status_code == 422
    assert app_client.post(URL, json={}, headers=headers).status_code == 422
