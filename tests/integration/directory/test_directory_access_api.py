"""Who sees and changes what through the JSON API: role bounds the action, unit scope bounds the
objects, and anything outside the scope looks as if it did not exist (404, never 403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import PASSWORD, Persona

Bearer = Callable[[str], dict[str, str]]

ALL_PERSONA_USERS = {
    "mongcai.officer",
    "mongcai.commander",
    "qn.commander",
    "central.analyst",
    "node.admin",
    "qn.admin",
    "laocai.officer",
    "ls.commander",
}


def usernames(client: TestClient, headers: dict[str, str]) -> set[str]:
    response = client.get("/api/v1/users", headers=headers)
    assert response.status_code == 200, response.text
    return {user["username"] for user in response.json()}


def new_user(unit_code: str, username: str = "new.officer", role: str = "officer") -> dict[str, str]:
    return {
        "username": username,
        "password": "a-long-password-1",
        "unit_code": unit_code,
        "role": role,
    }


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/units", "/api/v1/me", "/api/v1/tokens"])
def test_unauthenticated_api_calls_get_401(app_client: TestClient, path: str) -> None:
    response = app_client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_unauthenticated_api_writes_get_401(app_client: TestClient) -> None:
    assert app_client.post("/api/v1/users", json=new_user("VN-QN-MONGCAI")).status_code == 401
    assert app_client.post("/api/v1/tokens", json={"name": "x"}).status_code == 401
    assert app_client.delete("/api/v1/tokens/anything").status_code == 401


def test_unknown_bearer_token_gets_401(app_client: TestClient, personas: dict[str, Persona]) -> None:
    response = app_client.get("/api/v1/me", headers={"Authorization": "Bearer blk_not-a-real-token"})
    assert response.status_code == 401


def test_me_describes_the_caller(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer) -> None:
    body = app_client.get("/api/v1/me", headers=bearer("qn.commander")).json()
    assert body["username"] == "qn.commander"
    assert body["unit_code"] == "VN-QN"
    assert body["role"] == "commander"
    assert body["party"] == "VN"
    assert "users.read" in body["permissions"]
    assert "users.manage" not in body["permissions"]


@pytest.mark.parametrize("persona", ["post_officer", "central_analyst", "outsider"])
def test_roles_without_user_access_get_403_on_the_users_list(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, persona: str
) -> None:
    assert app_client.get("/api/v1/users", headers=bearer(personas[persona].username)).status_code == 403


def test_everyone_reads_the_unit_directory(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    response = app_client.get("/api/v1/units?party=cn", headers=bearer("laocai.officer"))
    assert response.status_code == 200
    codes = {u["code"] for u in response.json()}
    assert "CN-YN-HEKOU" in codes
    assert all(code.startswith("CN-") for code in codes)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("post_commander", {"mongcai.officer", "mongcai.commander"}),
        (
            "provincial_commander",
            {"mongcai.officer", "mongcai.commander", "qn.commander", "qn.admin"},
        ),
        ("provincial_admin", {"mongcai.officer", "mongcai.commander", "qn.commander", "qn.admin"}),
        ("outsider_commander", {"ls.commander"}),
        ("admin", ALL_PERSONA_USERS),
    ],
)
def test_users_list_is_bounded_by_unit_scope(
    app_client: TestClient,
    personas: dict[str, Persona],
    bearer: Bearer,
    persona: str,
    expected: set[str],
) -> None:
    assert usernames(app_client, bearer(personas[persona].username)) == expected


def test_outsider_commander_gets_404_for_a_user_in_another_province(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    headers = bearer("ls.commander")
    response = app_client.get(f"/api/v1/users/{personas['post_officer'].user_id}", headers=headers)
    assert response.status_code == 404
    assert app_client.get("/api/v1/users/no-such-id", headers=headers).json() == response.json()
    own = app_client.get(f"/api/v1/users/{personas['outsider_commander'].user_id}", headers=headers)
    assert own.status_code == 200


def test_provincial_commander_sees_post_users_but_not_other_provinces(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    headers = bearer("qn.commander")
    seen = app_client.get(f"/api/v1/users/{personas['post_officer'].user_id}", headers=headers)
    assert seen.status_code == 200
    assert seen.json()["unit_code"] == "VN-QN-MONGCAI"
    assert seen.json()["locked"] is False
    assert "password_hash" not in seen.json()
    hidden = app_client.get(f"/api/v1/users/{personas['outsider'].user_id}", headers=headers)
    assert hidden.status_code == 404


def test_post_commander_cannot_see_upwards(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    headers = bearer("mongcai.commander")
    response = app_client.get(f"/api/v1/users/{personas['provincial_commander'].user_id}", headers=headers)
    assert response.status_code == 404


def test_provincial_admin_creates_users_only_within_the_province(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    headers = bearer("qn.admin")
    created = app_client.post("/api/v1/users", json=new_user("VN-QN-MONGCAI"), headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["unit_code"] == "VN-QN-MONGCAI"
    outside = app_client.post("/api/v1/users", json=new_user("VN-LC-LAOCAI", "lc.new"), headers=headers)
    assert outside.status_code == 404
    missing = app_client.post("/api/v1/users", json=new_user("VN-NOWHERE", "lc.new"), headers=headers)
    assert missing.status_code == 404
    assert "lc.new" not in usernames(app_client, bearer("node.admin"))
    assert "new.officer" in usernames(app_client, headers)


def test_accounts_are_only_made_for_this_nodes_units(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    response = app_client.post("/api/v1/users", json=new_user("CN-GX-DONGXING"), headers=bearer("node.admin"))
    assert response.status_code == 422


@pytest.mark.parametrize("persona", ["provincial_commander", "post_officer", "central_analyst"])
def test_non_admins_cannot_create_users(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, persona: str
) -> None:
    headers = bearer(personas[persona].username)
    assert app_client.post("/api/v1/users", json=new_user("VN-QN-MONGCAI"), headers=headers).status_code == 403
    assert "new.officer" not in usernames(app_client, bearer("node.admin"))


def test_user_creation_refuses_bad_input(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer) -> None:
    headers = bearer("node.admin")
    taken = app_client.post("/api/v1/users", json=new_user("VN-QN", "qn.commander"), headers=headers)
    assert taken.status_code == 409
    short = {**new_user("VN-QN"), "password": "short"}
    assert app_client.post("/api/v1/users", json=short, headers=headers).status_code == 422
    bad_role = new_user("VN-QN", role="general")
    assert app_client.post("/api/v1/users", json=bad_role, headers=headers).status_code == 422
    bad_name = new_user("VN-QN", username="Bad Name!")
    assert app_client.post("/api/v1/users", json=bad_name, headers=headers).status_code == 422


def test_new_user_can_log_in_with_the_password_given(
    app_client: TestClient,
    personas: dict[str, Persona],
    bearer: Bearer,
    login: Callable[..., TestClient],
) -> None:
    body = new_user("VN-QN-MONGCAI")
    assert app_client.post("/api/v1/users", json=body, headers=bearer("qn.admin")).status_code == 201
    client = login("new.officer", body["password"])
    assert client.get("/api/v1/me").json()["unit_code"] == "VN-QN-MONGCAI"


def _token_ids(client: TestClient, headers: dict[str, str]) -> list[str]:
    return [token["id"] for token in client.get("/api/v1/tokens", headers=headers).json()]


def test_tokens_list_shows_only_your_own(app_client: TestClient, personas: dict[str, Persona], bearer: Bearer) -> None:
    officer = bearer("mongcai.officer")
    commander = bearer("qn.commander")
    officer_tokens = _token_ids(app_client, officer)
    commander_tokens = _token_ids(app_client, commander)
    assert len(officer_tokens) == len(commander_tokens) == 1
    assert set(officer_tokens).isdisjoint(commander_tokens)


@pytest.mark.parametrize("persona", ["provincial_commander", "outsider", "outsider_commander", "post_commander"])
def test_revoking_someone_elses_token_is_404(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, persona: str
) -> None:
    victim = bearer("mongcai.officer")
    (token_id,) = _token_ids(app_client, victim)
    response = app_client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(personas[persona].username))
    assert response.status_code == 404
    assert app_client.get("/api/v1/me", headers=victim).status_code == 200


def test_revoking_your_own_token_makes_it_401(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    headers = bearer("mongcai.officer")
    (token_id,) = _token_ids(app_client, headers)
    revoked = app_client.delete(f"/api/v1/tokens/{token_id}", headers=headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert app_client.get("/api/v1/me", headers=headers).status_code == 401


def test_admin_may_revoke_tokens_in_scope_but_not_outside(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    in_scope = bearer("mongcai.officer")
    out_of_scope = bearer("laocai.officer")
    (in_scope_id,) = _token_ids(app_client, in_scope)
    (out_of_scope_id,) = _token_ids(app_client, out_of_scope)
    admin = bearer("qn.admin")
    assert app_client.delete(f"/api/v1/tokens/{in_scope_id}", headers=admin).status_code == 200
    assert app_client.get("/api/v1/me", headers=in_scope).status_code == 401
    assert app_client.delete(f"/api/v1/tokens/{out_of_scope_id}", headers=admin).status_code == 404
    assert app_client.get("/api/v1/me", headers=out_of_scope).status_code == 200


def test_new_token_is_shown_once_and_works(
    app_client: TestClient, personas: dict[str, Persona], bearer: Bearer
) -> None:
    created = app_client.post("/api/v1/tokens", json={"name": "script"}, headers=bearer("central.analyst"))
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("blk_")
    assert secret.startswith(created.json()["prefix"])
    listed = app_client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200
    assert all("token" not in item for item in listed.json())
    assert secret not in listed.text


def test_disabled_user_loses_tokens_and_login(
    app_client: TestClient,
    personas: dict[str, Persona],
    bearer: Bearer,
    login: Callable[..., TestClient],
) -> None:
    officer = bearer("mongcai.officer")
    admin = login("qn.admin")
    response = admin.post(f"/users/{personas['post_officer'].user_id}/active", data={"active": "false"})
    assert response.status_code == 303
    assert app_client.get("/api/v1/me", headers=officer).status_code == 401
    with pytest.raises(AssertionError):
        login("mongcai.officer", PASSWORD)


def test_the_central_node_admin_administers_every_unit_of_the_node(
    personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], app_client: TestClient
) -> None:
    created = app_client.post("/api/v1/users", headers=bearer("node.admin"), json={
        "username": "mps.liaison", "password": "long-enough-password", "unit_code": "VN-MPS", "role": "officer",
    })
    assert created.status_code == 201, created.text
    listed = app_client.get("/api/v1/users", headers=bearer("node.admin")).json()
    assert "mps.liaison" in {u["username"] for u in listed}
    provincial = app_client.get(f"/api/v1/users/{created.json()['id']}", headers=bearer("qn.admin"))
    assert provincial.status_code == 404
