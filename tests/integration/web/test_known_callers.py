"""A caller verified a moment ago is not looked up again, yet a revocation, a deactivation or a
logout committed on the node takes effect with the very next request."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from tests.integration.conftest import Persona

from borderlink.directory import accounts
from borderlink.node import Node
from borderlink.shared import static_cache

Bearer = Callable[[str], dict[str, str]]


@pytest.fixture
def caching() -> Iterator[None]:
    static_cache.enable()  # as in a serving node
    yield
    static_cache.enable(False)


def _token_lookups(node: Node) -> list[str]:
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM api_tokens" in statement:
            seen.append(statement)

    event.listen(node.engine, "before_cursor_execute", record)
    return seen


def test_a_verified_token_is_not_looked_up_again(
    node: Node, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, caching: None
) -> None:
    headers = bearer("mongcai.officer")
    lookups = _token_lookups(node)
    for _ in range(3):
        assert app_client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(lookups) == 1


def test_revoking_a_cached_token_makes_it_401_at_once(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, caching: None
) -> None:
    headers = bearer("mongcai.officer")
    assert app_client.get("/api/v1/me", headers=headers).status_code == 200
    (token,) = app_client.get("/api/v1/tokens", headers=headers).json()
    assert app_client.delete(f"/api/v1/tokens/{token['id']}", headers=headers).status_code == 200
    assert app_client.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivating_a_cached_caller_makes_their_token_401_at_once(
    node: Node, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, caching: None
) -> None:
    headers = bearer("mongcai.officer")
    assert app_client.get("/api/v1/me", headers=headers).status_code == 200
    with node.transaction() as session:
        accounts.find_user(session, "mongcai.officer").is_active = False
    assert app_client.get("/api/v1/me", headers=headers).status_code == 401
