"""Who sees and changes what through the HTML pages (session cookie and CSRF token)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.conftest import Persona

from borderlink.directory.models import ApiToken, User
from borderlink.node import Node

Login = Callable[..., TestClient]
HTML = {"Accept": "text/html"}


def form_user(unit_code: str, username: str = "page.officer") -> dict[str, str]:
    return {
        "username": username,
        "display_name": "Page Officer",
        "unit_code": unit_code,
        "role": "officer",
        "password": "a-long-password-1",
    }


def user_exists(node: Node, username: str) -> bool:
    with node.transaction() as session:
        return session.scalar(select(User.id).where(User.username == username)) is not None


@pytest.mark.parametrize("path", ["/", "/units", "/users", "/tokens", "/preferences"])
def test_unauthenticated_pages_redirect_to_login(app_client: TestClient, path: str) -> None:
    response = app_client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_unauthenticated_form_post_redirects_to_login(app_client: TestClient) -> None:
    response = app_client.post("/users", data=form_user("VN-QN-MONGCAI"), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_post_officer_gets_403_on_the_users_page(personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    response = client.get("/users", headers=HTML)
    assert response.status_code == 403
    assert "<html" in response.text
    assert "mongcai.commander" not in response.text
    assert 'href="/users"' not in client.get("/").text


def test_provincial_commander_sees_post_users_not_other_provinces(personas: dict[str, Persona], login: Login) -> None:
    page = login("qn.commander").get("/users")
    assert page.status_code == 200
    for visible in ("mongcai.officer", "mongcai.commander", "qn.commander", "qn.admin"):
        assert visible in page.text
    for hidden in ("laocai.officer", "ls.commander", "node.admin", "central.analyst"):
        assert hidden not in page.text
    assert "New user" not in page.text  # commanders read accounts, they do not manage them


def test_outsider_commander_sees_only_their_own_province(personas: dict[str, Persona], login: Login) -> None:
    page = login("ls.commander").get("/users")
    assert page.status_code == 200
    assert "ls.commander" in page.text
    assert "mongcai" not in page.text
    assert "laocai" not in page.text


def test_provincial_admin_form_offers_only_units_in_scope(personas: dict[str, Persona], login: Login) -> None:
    page = login("qn.admin").get("/users")
    assert 'value="VN-QN-MONGCAI"' in page.text
    assert 'value="VN-QN"' in page.text
    assert 'value="VN-LC-LAOCAI"' not in page.text
    assert 'value="VN-BGC"' not in page.text


def test_provincial_admin_creates_a_user_in_the_province_by_form(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    response = login("qn.admin").post("/users", data=form_user("VN-QN-MONGCAI"))
    assert response.status_code == 303
    assert response.headers["location"] == "/users"
    assert user_exists(node, "page.officer")


def test_provincial_admin_gets_404_for_a_unit_outside_the_province(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("qn.admin")
    outside = client.post("/users", data=form_user("VN-LC-LAOCAI"))
    missing = client.post("/users", data=form_user("VN-NOWHERE"))
    assert outside.status_code == missing.status_code == 404
    assert "VN-LC-LAOCAI" in outside.text
    assert not user_exists(node, "page.officer")


def test_commander_cannot_create_users_by_form(node: Node, personas: dict[str, Persona], login: Login) -> None:
    response = login("qn.commander").post("/users", data=form_user("VN-QN-MONGCAI"))
    assert response.status_code == 403
    assert not user_exists(node, "page.officer")


def test_admin_disables_a_user_in_scope_but_gets_404_outside(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("qn.admin")
    outsider = client.post(f"/users/{personas['outsider'].user_id}/active", data={"active": "false"})
    assert outsider.status_code == 404
    inside = client.post(f"/users/{personas['post_officer'].user_id}/active", data={"active": "false"})
    assert inside.status_code == 303
    with node.transaction() as session:
        assert session.get(User, personas["post_officer"].user_id).is_active is False  # type: ignore[union-attr]
        assert session.get(User, personas["outsider"].user_id).is_active is True  # type: ignore[union-attr]
    page = client.get("/users?lang=en")
    assert "disabled" in page.text


def test_admin_cannot_disable_their_own_account(personas: dict[str, Persona], login: Login) -> None:
    client = login("qn.admin")
    response = client.post(f"/users/{personas['provincial_admin'].user_id}/active", data={"active": "false"})
    assert response.status_code == 422
    assert client.get("/").status_code == 200


def test_commander_gets_403_when_disabling_a_user(personas: dict[str, Persona], login: Login) -> None:
    client = login("qn.commander")
    response = client.post(f"/users/{personas['post_officer'].user_id}/active", data={"active": "false"})
    assert response.status_code == 403


def _token_ids(node: Node, username: str) -> list[str]:
    with node.transaction() as session:
        return list(session.scalars(select(ApiToken.id).join(User).where(User.username == username)))


def test_tokens_page_creates_shows_once_and_revokes(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    created = client.post("/tokens", data={"name": "laptop"})
    assert created.status_code == 201
    assert 'id="new-token"' in created.text
    (token_id,) = _token_ids(node, "mongcai.officer")
    listing = client.get("/tokens")
    assert "laptop" in listing.text
    assert 'id="new-token"' not in listing.text
    asked = client.post(f"/tokens/{token_id}/revoke?lang=en")
    assert asked.status_code == 200  # revoking cannot be undone: the page asks first
    assert "Yes, revoke this token" in asked.text
    revoked = client.post(f"/tokens/{token_id}/revoke", data={"confirmed": "yes"})
    assert revoked.status_code == 303
    assert "The token was revoked" in client.get(revoked.headers["location"] + "&lang=en").text
    assert "revoked" in client.get("/tokens?lang=en").text


def test_revoking_someone_elses_token_by_form_is_404(
    node: Node, personas: dict[str, Persona], login: Login, bearer: Callable[[str], dict[str, str]]
) -> None:
    victim = bearer("mongcai.officer")
    (token_id,) = _token_ids(node, "mongcai.officer")
    for intruder in ("laocai.officer", "qn.commander", "ls.commander"):
        assert login(intruder).post(f"/tokens/{token_id}/revoke").status_code == 404
        assert login(intruder).post(f"/tokens/{token_id}/revoke", data={"confirmed": "yes"}).status_code == 404
    assert "mongcai.officer" not in login("laocai.officer").get("/tokens").text
    client = login("laocai.officer")
    assert client.get("/api/v1/me", headers=victim).json()["username"] == "mongcai.officer"


def test_outsider_sees_the_whole_unit_directory_but_only_own_tokens(
    personas: dict[str, Persona], login: Login, bearer: Callable[[str], dict[str, str]]
) -> None:
    bearer("mongcai.officer")
    client = login("laocai.officer")
    units = client.get("/units?lang=en")
    assert units.status_code == 200
    assert "Dongxing" in units.text
    assert "Hekou" in units.text
    assert "No tokens yet." in client.get("/tokens?lang=en").text
