"""Browser-facing protections: CSRF on cookie-authenticated writes, login-form CSRF, cookie flags,
security headers and safe redirects."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.conftest import PASSWORD, Persona

from borderlink.app import create_app
from borderlink.directory.models import ApiToken
from borderlink.node import Node
from borderlink.web.deps import login_csrf_cookie, session_cookie
from borderlink.web.security import CONTENT_SECURITY_POLICY

LOGIN_CSRF_COOKIE = login_csrf_cookie("VN")
SESSION_COOKIE = session_cookie("VN")

Login = Callable[..., TestClient]
Bearer = Callable[[str], dict[str, str]]


def token_count(node: Node) -> int:
    with node.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(ApiToken)) or 0)


def without_csrf_header(client: TestClient) -> str:
    return str(client.headers.pop("X-CSRF-Token"))


def test_cookie_post_without_csrf_token_is_403(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    without_csrf_header(client)
    response = client.post("/tokens", data={"name": "no-csrf"})
    assert response.status_code == 403
    assert token_count(node) == 0


def test_cookie_post_with_csrf_form_field_or_header_is_accepted(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    token = without_csrf_header(client)
    assert client.post("/tokens", data={"name": "field", "csrf_token": token}).status_code == 201
    assert client.post("/tokens", data={"name": "header"}, headers={"X-CSRF-Token": token}).status_code == 201
    assert token_count(node) == 2


def test_csrf_token_of_another_session_is_refused(node: Node, personas: dict[str, Persona], login: Login) -> None:
    officer = login("mongcai.officer")
    commander = login("qn.commander")
    stolen = without_csrf_header(commander)
    without_csrf_header(officer)
    response = officer.post("/tokens", data={"name": "x", "csrf_token": stolen})
    assert response.status_code == 403
    assert token_count(node) == 0


def test_cookie_authenticated_api_post_needs_the_csrf_header(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    token = without_csrf_header(client)
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    assert client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token}).status_code == 201


def test_bearer_api_post_needs_no_csrf_token(
    node: Node, personas: dict[str, Persona], bearer: Bearer, app_client: TestClient
) -> None:
    response = app_client.post("/api/v1/tokens", json={"name": "script"}, headers=bearer("mongcai.officer"))
    assert response.status_code == 201


def test_safe_methods_need_no_csrf_token(personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    without_csrf_header(client)
    assert client.get("/tokens").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def _fresh_login_form(node: Node) -> tuple[TestClient, str]:
    client = TestClient(create_app(node, run_background=False), follow_redirects=False)
    page = client.get("/login")
    assert page.status_code == 200
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    assert token
    assert f'value="{token}"' in page.text
    return client, token


def test_login_form_without_or_with_a_wrong_csrf_token_is_refused(node: Node, personas: dict[str, Persona]) -> None:
    client, token = _fresh_login_form(node)
    credentials = {"username": "mongcai.officer", "password": PASSWORD}
    missing = client.post("/login", data=credentials)
    wrong = client.post("/login", data={**credentials, "csrf_token": token + "x"})
    assert missing.status_code == wrong.status_code == 400
    assert client.cookies.get(SESSION_COOKIE) is None
    no_cookie = TestClient(create_app(node, run_background=False), follow_redirects=False)
    assert no_cookie.post("/login", data={**credentials, "csrf_token": token}).status_code == 400
    assert client.post("/login", data={**credentials, "csrf_token": token}).status_code == 303


def _set_cookie_headers(response: object, name: str) -> list[str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return [h for h in headers if h.startswith(f"{name}=")]


def test_session_cookie_is_httponly_and_samesite(node: Node, personas: dict[str, Persona]) -> None:
    client, _token = _fresh_login_form(node)
    login_page = client.get("/login")
    (csrf_cookie,) = _set_cookie_headers(login_page, LOGIN_CSRF_COOKIE)
    assert "HttpOnly" in csrf_cookie
    assert "samesite=strict" in csrf_cookie.lower()
    response = client.post(
        "/login",
        data={"username": "mongcai.officer", "password": PASSWORD, "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE)},
    )
    assert response.status_code == 303
    (session_header,) = _set_cookie_headers(response, SESSION_COOKIE)
    assert "HttpOnly" in session_header
    assert "samesite=lax" in session_header.lower()
    assert "Path=/" in session_header
    assert "Secure" not in session_header


def test_secure_cookies_and_hsts_when_served_over_https(node: Node, personas: dict[str, Persona]) -> None:
    https_node = dataclasses.replace(node, settings=node.settings.model_copy(update={"secure_cookies": True}))
    client = TestClient(
        create_app(https_node, run_background=False), base_url="https://testserver", follow_redirects=False
    )
    page = client.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    response = client.post(
        "/login",
        data={"username": "mongcai.officer", "password": PASSWORD, "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE)},
    )
    assert response.status_code == 303
    (session_header,) = _set_cookie_headers(response, SESSION_COOKIE)
    assert "Secure" in session_header
    assert "HttpOnly" in session_header


@pytest.mark.parametrize("path", ["/login", "/health", "/static/style.css", "/api/v1/me", "/users", "/nowhere"])
def test_security_headers_on_every_kind_of_response(app_client: TestClient, path: str) -> None:
    response = app_client.get(path, follow_redirects=False)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", "/\tx"]
)
def test_login_never_redirects_off_site(node: Node, personas: dict[str, Persona], target: str) -> None:
    client, token = _fresh_login_form(node)
    response = client.post(
        "/login", data={"username": "mongcai.officer", "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_returns_to_the_page_asked_for(node: Node, personas: dict[str, Persona]) -> None:
    client, token = _fresh_login_form(node)
    assert client.get("/tokens").headers["location"] == "/login?next=/tokens"
    response = client.post(
        "/login", data={"username": "mongcai.officer", "password": PASSWORD, "csrf_token": token, "next": "/tokens"}
    )
    assert response.headers["location"] == "/tokens"


def test_html_error_pages_do_not_echo_markup(personas: dict[str, Persona], login: Login) -> None:
    client = login("qn.admin")
    response = client.post(
        "/users/<script>alert(1)<%2Fscript>/active", data={"active": "false"}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text


def test_secure_cookies_and_hsts_by_default_over_https(node: Node, personas: dict[str, Persona]) -> None:
    assert node.settings.secure_cookies is False
    client = TestClient(create_app(node, run_background=False), base_url="https://testserver", follow_redirects=False)
    page = client.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    (csrf_cookie,) = _set_cookie_headers(page, LOGIN_CSRF_COOKIE)
    assert "Secure" in csrf_cookie
    response = client.post(
        "/login",
        data={"username": "mongcai.officer", "password": PASSWORD, "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE)},
    )
    (session_header,) = _set_cookie_headers(response, SESSION_COOKIE)
    assert "Secure" in session_header


@pytest.mark.parametrize(("proxy", "secure"), [("testclient", True), ("10.9.9.9", False)])
def test_forwarded_https_is_believed_only_from_a_trusted_proxy(node: Node, proxy: str, secure: bool) -> None:
    behind = dataclasses.replace(node, settings=node.settings.model_copy(update={"trusted_proxies": [proxy]}))
    client = TestClient(create_app(behind, run_background=False), follow_redirects=False)
    page = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("strict-transport-security" in page.headers) is secure
    (csrf_cookie,) = _set_cookie_headers(page, LOGIN_CSRF_COOKIE)
    assert ("Secure" in csrf_cookie) is secure


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/users", "/hotline", "/tokens"])
def test_pages_and_api_answers_are_not_stored(personas: dict[str, Persona], login: Login, path: str) -> None:
    response = login("node.admin").get(path)
    assert response.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(app_client: TestClient) -> None:
    assert "no-store" not in app_client.get("/static/style.css").headers.get("cache-control", "")


def test_api_docs_page_is_off_but_the_openapi_document_is_served(app_client: TestClient) -> None:
    assert app_client.get("/docs").status_code == 404
    assert app_client.get("/openapi.json").json()["openapi"].startswith("3.")
