"""Node-wide settings and operations belong to the central node administrator; a provincial admin
manages the users of its own subtree only. The deadlines page is bounded exactly like the API."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import Persona

from borderlink.directory import accounts
from borderlink.directory.permissions import Permission
from borderlink.errors import InvalidInput
from borderlink.hotline import service
from borderlink.hotline.schemas import MAX_DEADLINE_SECONDS
from borderlink.node import Node

Login = Callable[..., TestClient]
Bearer = Callable[[str], dict[str, str]]
HTML = {"Accept": "text/html"}
MINUTES = {"urgent": "30", "high": "600", "normal": "2880", "low": "10080"}
NODE_WIDE_PAGES = ["/hotline/deadlines", "/exchange", "/metrics"]


@pytest.mark.parametrize("path", NODE_WIDE_PAGES)
def test_provincial_admin_may_not_open_node_wide_pages(personas: dict[str, Persona], login: Login, path: str) -> None:
    assert login("qn.admin").get(path, headers=HTML).status_code == 403


@pytest.mark.parametrize("path", ["/hotline/deadlines", "/metrics"])
def test_central_admin_opens_node_wide_pages(personas: dict[str, Persona], login: Login, path: str) -> None:
    assert login("node.admin").get(path, headers=HTML).status_code == 200


def test_provincial_admin_may_not_change_deadlines(
    node: Node, personas: dict[str, Persona], login: Login, app_client: TestClient, bearer: Bearer
) -> None:
    before = app_client.get("/api/v1/hotline/deadlines", headers=bearer("qn.admin")).json()
    assert login("qn.admin").post("/hotline/deadlines", data=MINUTES).status_code == 403
    refused = app_client.put("/api/v1/hotline/deadlines", json={"urgent": 60}, headers=bearer("qn.admin"))
    assert refused.status_code == 403
    assert app_client.get("/api/v1/hotline/deadlines", headers=bearer("qn.admin")).json() == before
    with node.transaction() as session:
        principal = accounts.principal_for(session, accounts.find_user(session, "qn.admin"))
        assert not principal.can(Permission.HOTLINE_CONFIGURE)


def test_provincial_admin_sees_no_node_wide_links_or_permissions(
    personas: dict[str, Persona], login: Login, app_client: TestClient, bearer: Bearer
) -> None:
    home = login("qn.admin").get("/").text
    assert 'href="/exchange"' not in home
    assert 'href="/hotline/deadlines"' not in home
    me = app_client.get("/api/v1/me", headers=bearer("qn.admin")).json()
    assert "hotline.configure" not in me["permissions"]
    assert "exchange.read" not in me["permissions"]
    assert "users.manage" in me["permissions"]
    central = app_client.get("/api/v1/me", headers=bearer("node.admin")).json()
    assert {"hotline.configure", "exchange.read", "users.manage"} <= set(central["permissions"])


def test_central_admin_changes_deadlines_from_the_page(
    personas: dict[str, Persona], login: Login, app_client: TestClient, bearer: Bearer
) -> None:
    saved = login("node.admin").post("/hotline/deadlines", data=MINUTES)
    assert saved.status_code == 303
    assert app_client.get("/api/v1/hotline/deadlines", headers=bearer("node.admin")).json()["urgent"] == 30 * 60


def test_deadlines_page_is_bounded_like_the_api(
    personas: dict[str, Persona], login: Login, app_client: TestClient, bearer: Bearer
) -> None:
    client = login("node.admin")
    limit = MAX_DEADLINE_SECONDS // 60
    assert f'max="{limit}"' in client.get("/hotline/deadlines").text
    huge = client.post("/hotline/deadlines?lang=en", data={**MINUTES, "urgent": "99999999999"})
    assert huge.status_code == 422
    page = html.unescape(huge.text)
    assert f'id="urgent-error" role="alert">Enter a number of at most {limit}.' in page
    assert 'value="99999999999"' in page  # what was typed is shown again
    assert client.post("/hotline/deadlines", data={**MINUTES, "urgent": str(limit)}).status_code == 303
    over = app_client.put("/api/v1/hotline/deadlines", json={"urgent": MAX_DEADLINE_SECONDS + 1},
                          headers=bearer("node.admin"))
    assert over.status_code == 422
    assert over.json()["field"] == "urgent"


def test_the_service_refuses_a_deadline_beyond_the_bound(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        admin = accounts.principal_for(session, accounts.find_user(session, "node.admin"))
        with pytest.raises(InvalidInput) as caught:
            service.DEADLINES.change(session, admin, {"urgent": MAX_DEADLINE_SECONDS * 1000})
    assert caught.value.field == "urgent"


def test_provincial_admin_manages_users_of_its_subtree_only(personas: dict[str, Persona], login: Login) -> None:
    client = login("qn.admin")
    user = {"username": "qn.post.officer", "display_name": "Post Officer", "role": "officer",
            "password": "a-long-password-1"}
    assert client.post("/users", data={**user, "unit_code": "VN-QN-MONGCAI"}).status_code == 303
    outside = client.post("/users", data={**user, "username": "lc.officer.two", "unit_code": "VN-LC-LAOCAI"})
    assert outside.status_code == 404
