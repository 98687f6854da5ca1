"""Accounts: password hashing, lockout, second factor, API tokens and browser sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.conftest import NODE_PASSWORD_HASHER, PASSWORD, Persona

from borderlink.app import create_app
from borderlink.clock import ManualClock
from borderlink.db import Base
from borderlink.directory import accounts
from borderlink.directory.models import ApiToken, User, WebSession
from borderlink.errors import AuthenticationFailed
from borderlink.node import Node
from borderlink.web.deps import login_csrf_cookie, session_cookie

LOGIN_CSRF_COOKIE = login_csrf_cookie("VN")
SESSION_COOKIE = session_cookie("VN")

Login = Callable[..., TestClient]


def browser(node: Node) -> TestClient:
    client = TestClient(create_app(node, run_background=False), follow_redirects=False)
    client.get("/login")
    return client


def try_login(client: TestClient, username: str, password: str, totp: str = "") -> int:
    token = client.cookies.get(LOGIN_CSRF_COOKIE)
    if token is None:
        client.get("/login")
        token = client.cookies.get(LOGIN_CSRF_COOKIE)
    response = client.post(
        "/login", data={"username": username, "password": password, "totp": totp, "csrf_token": token or ""}
    )
    return int(response.status_code)


def manual_clock(node: Node) -> ManualClock:
    assert isinstance(node.clock, ManualClock)
    return node.clock


def stored_user(node: Node, user_id: str) -> User:
    with node.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def test_passwords_are_stored_as_argon2id(node: Node, personas: dict[str, Persona]) -> None:
    user = stored_user(node, personas["post_officer"].user_id)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    production = NODE_PASSWORD_HASHER.hash(PASSWORD)
    assert production.startswith("$argon2id$v=19$m=65536,")
    assert NODE_PASSWORD_HASHER.verify(production, PASSWORD)


def test_right_password_logs_in_and_wrong_one_does_not(node: Node, personas: dict[str, Persona]) -> None:
    client = browser(node)
    assert try_login(client, "mongcai.officer", "not-the-password") == 401
    assert client.cookies.get(SESSION_COOKIE) is None
    assert try_login(client, "MongCai.Officer", PASSWORD) == 303
    assert client.get("/").status_code == 200


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(node: Node, personas: dict[str, Persona]) -> None:
    client = browser(node)
    first = client.post(
        "/login", data={"username": "nobody", "password": "x" * 12, "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE)}
    )
    second = client.post(
        "/login",
        data={"username": "mongcai.officer", "password": "x" * 12, "csrf_token": client.cookies.get(LOGIN_CSRF_COOKIE)},
    )
    assert first.status_code == second.status_code == 401
    message = re.compile(r'<div class="flash error">(.*?)</div>')
    assert message.findall(first.text) == message.findall(second.text)


def test_lockout_after_max_failures_refuses_even_the_right_password(node: Node, personas: dict[str, Persona]) -> None:
    client = browser(node)
    limit = node.settings.max_failed_logins
    for attempt in range(limit):
        assert try_login(client, "mongcai.officer", f"wrong-password-{attempt}") == 401
    user = stored_user(node, personas["post_officer"].user_id)
    assert user.locked_until == node.clock.now() + dt.timedelta(minutes=node.settings.lockout_minutes)
    assert try_login(client, "mongcai.officer", PASSWORD) == 401
    manual_clock(node).advance(dt.timedelta(minutes=node.settings.lockout_minutes - 1))
    assert try_login(client, "mongcai.officer", PASSWORD) == 401
    manual_clock(node).advance(dt.timedelta(minutes=1, seconds=1))
    assert try_login(client, "mongcai.officer", PASSWORD) == 303
    user = stored_user(node, personas["post_officer"].user_id)
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_failures_below_the_limit_are_forgotten_after_a_good_login(node: Node, personas: dict[str, Persona]) -> None:
    client = browser(node)
    for _ in range(node.settings.max_failed_logins - 1):
        assert try_login(client, "mongcai.officer", "wrong-password!") == 401
    assert stored_user(node, personas["post_officer"].user_id).failed_logins == node.settings.max_failed_logins - 1
    assert try_login(client, "mongcai.officer", PASSWORD) == 303
    assert stored_user(node, personas["post_officer"].user_id).failed_logins == 0


def test_locked_account_shows_locked_in_the_api(
    node: Node, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], app_client: TestClient
) -> None:
    with node.transaction() as session:
        for _ in range(node.settings.max_failed_logins):
            with pytest.raises(AuthenticationFailed):
                accounts.authenticate_password(
                    session,
                    "mongcai.officer",
                    "wrong-password!",
                    None,
                    now=node.clock.now(),
                    max_failures=node.settings.max_failed_logins,
                    lockout=dt.timedelta(minutes=15),
                )
    response = app_client.get(f"/api/v1/users/{personas['post_officer'].user_id}", headers=bearer("qn.commander"))
    assert response.json()["locked"] is True


def test_second_factor_is_required_once_enabled(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    page = client.post("/preferences/totp", data={"password": PASSWORD})
    assert page.status_code == 200
    secret = re.search(r'<p class="secret">([A-Z2-7]+)</p>', page.text)
    assert secret is not None
    totp = pyotp.TOTP(secret.group(1))
    assert stored_user(node, personas["post_officer"].user_id).totp_secret == secret.group(1)

    fresh = browser(node)
    assert try_login(fresh, "mongcai.officer", PASSWORD) == 401
    wrong = f"{(int(totp.at(node.clock.now())) + 1) % 1_000_000:06d}"
    assert try_login(fresh, "mongcai.officer", PASSWORD, wrong) == 401
    # A code for the real wall-clock time is not a code for the node's time.
    real_time_code = totp.now()
    if real_time_code != totp.at(node.clock.now()):
        assert try_login(fresh, "mongcai.officer", PASSWORD, real_time_code) == 401
    assert try_login(fresh, "mongcai.officer", "wrong-password!", totp.at(node.clock.now())) == 401
    assert try_login(fresh, "mongcai.officer", PASSWORD, totp.at(node.clock.now())) == 303
    assert fresh.get("/").status_code == 200


def test_a_second_factor_code_is_good_for_one_login(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    page = login("mongcai.officer").post("/preferences/totp", data={"password": PASSWORD})
    secret = re.search(r'<p class="secret">([A-Z2-7]+)</p>', page.text)
    assert secret is not None
    totp = pyotp.TOTP(secret.group(1))
    clock = manual_clock(node)
    code = totp.at(clock.now())
    assert try_login(browser(node), "mongcai.officer", PASSWORD, code) == 303
    # The same code again, even within its window and typed with a space, is refused.
    assert try_login(browser(node), "mongcai.officer", PASSWORD, code) == 401
    assert try_login(browser(node), "mongcai.officer", PASSWORD, f"{code[:3]} {code[3:]}") == 401
    # So is the code of the step before, which the allowed clock drift would otherwise admit.
    clock.advance(dt.timedelta(seconds=totp.interval))
    assert try_login(browser(node), "mongcai.officer", PASSWORD, code) == 401
    assert try_login(browser(node), "mongcai.officer", PASSWORD, totp.at(clock.now())) == 303
    # A code one step ahead (a phone clock running fast) is still accepted.
    ahead = totp.at(clock.now() + dt.timedelta(seconds=totp.interval))
    assert try_login(browser(node), "mongcai.officer", PASSWORD, ahead) == 303
    assert stored_user(node, personas["post_officer"].user_id).totp_last_step == totp.timecode(clock.now()) + 1


def test_api_tokens_are_stored_only_as_hashes(
    node: Node, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], app_client: TestClient
) -> None:
    created = app_client.post("/api/v1/tokens", json={"name": "ci"}, headers=bearer("central.analyst"))
    secret = created.json()["token"]
    with node.transaction() as session:
        stored = session.scalar(select(ApiToken).where(ApiToken.id == created.json()["id"]))
        assert stored is not None
        assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert len(stored.prefix) < len(secret) // 3
        connection = session.connection()
        for table in Base.metadata.sorted_tables:
            if not connection.dialect.has_table(connection, table.name):
                continue
            for row in connection.execute(table.select()):
                for value in row:
                    assert secret not in str(value), f"token found in {table.name}"


def test_token_listing_never_shows_the_secret_again(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("central.analyst")
    created = client.post("/tokens", data={"name": "once"})
    secret = re.search(r'id="new-token">([^<]+)<', created.text)
    assert secret is not None
    assert secret.group(1) not in client.get("/tokens").text
    assert secret.group(1) not in client.get("/api/v1/tokens").text


def test_browser_session_expires_and_logout_ends_it(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.post("/logout").status_code == 303
    replay = browser(node)
    replay.cookies.set(SESSION_COOKIE, cookie or "")
    assert replay.get("/").status_code == 303

    other = login("qn.commander")
    assert other.get("/").status_code == 200
    manual_clock(node).advance(dt.timedelta(hours=node.settings.session_hours, seconds=1))
    expired = other.get("/users")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/login?next=/users"
    assert other.get("/api/v1/me").status_code == 401


def test_session_cookie_stores_only_a_hash(node: Node, personas: dict[str, Persona], login: Login) -> None:
    client = login("mongcai.officer")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    with node.transaction() as session:
        hashes = list(session.scalars(select(WebSession.token_hash)))
    assert cookie not in hashes
    assert hashlib.sha256(cookie.encode()).hexdigest() in hashes
