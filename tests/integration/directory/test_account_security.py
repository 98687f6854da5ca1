"""Accounts hold against a stolen session and against name guessing: the second factor moves or
goes only with the password and a current code, locked and unknown accounts answer alike after
the same work, live streams end with their credential, and a password can be changed."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from starlette.requests import Request
from tests.integration.conftest import PASSWORD, Persona
from tests.integration.directory.test_accounts import SESSION_COOKIE, browser, stored_user, try_login

from borderlink.app import create_app
from borderlink.directory import accounts
from borderlink.directory.models import User
from borderlink.hotline.models import OBJECT_TYPE
from borderlink.node import Node
from borderlink.web.streams import caller_check, feed_events

Login = Callable[..., TestClient]
SECRET = re.compile(r'<p class="secret">([A-Z2-7]+)</p>')


def enrol(client: TestClient, **form: str) -> str | None:
    page = client.post("/preferences/totp", data=form)
    found = SECRET.search(page.text)
    return found.group(1) if found else None


def test_a_second_factor_is_replaced_only_with_password_and_current_code(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    assert enrol(client) is None  # no password: nothing changes
    assert stored_user(node, personas["post_officer"].user_id).totp_secret is None
    first = enrol(client, password=PASSWORD)
    assert first is not None
    code = pyotp.TOTP(first).at(node.clock.now())
    # The session alone, or the password without a code, cannot move the factor to another phone.
    assert client.post("/preferences/totp").status_code == 401
    assert enrol(client, password=PASSWORD) is None
    assert enrol(client, password="wrong-password!", totp=code) is None
    assert stored_user(node, personas["post_officer"].user_id).totp_secret == first
    second = enrol(client, password=PASSWORD, totp=code)
    assert second not in (None, first)
    assert stored_user(node, personas["post_officer"].user_id).totp_secret == second


def test_a_second_factor_is_turned_off_only_with_password_and_current_code(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    secret = enrol(client, password=PASSWORD)
    assert secret is not None
    code = pyotp.TOTP(secret).at(node.clock.now())
    assert client.post("/preferences/totp/off").status_code == 401
    assert client.post("/preferences/totp/off", data={"password": PASSWORD}).status_code == 401
    assert client.post("/preferences/totp/off", data={"password": "wrong-password!", "totp": code}).status_code == 401
    assert stored_user(node, personas["post_officer"].user_id).totp_secret == secret
    answer = client.post("/preferences/totp/off", data={"password": PASSWORD, "totp": code})
    assert answer.status_code == 303
    assert stored_user(node, personas["post_officer"].user_id).totp_secret is None
    assert try_login(browser(node), "mongcai.officer", PASSWORD) == 303


def test_locked_disabled_and_unknown_accounts_answer_alike_after_the_same_work(
    node: Node, personas: dict[str, Persona], login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    with node.transaction() as session:
        locked = session.get(User, personas["post_officer"].user_id)
        assert locked is not None
        locked.locked_until = node.clock.now() + dt.timedelta(minutes=10)
        disabled = session.get(User, personas["outsider"].user_id)
        assert disabled is not None
        disabled.is_active = False
    verifications: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Any:
            verifications.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher(time_cost=1, memory_cost=1024, parallelism=1))
    message = re.compile(r'<div class="flash error">(.*?)</div>')
    answers = []
    for username in ("mongcai.officer", "laocai.officer", "no.such.user", "mongcai.commander"):
        verifications.clear()
        client = browser(node)
        response = client.post("/login", data={"username": username, "password": "wrong-password!",
                                               "csrf_token": client.cookies.get("bl_login_csrf_vn")})
        answers.append((response.status_code, tuple(message.findall(response.text)), len(verifications)))
    # locked, disabled, unknown and a plain wrong password: one answer, one argon2 verification each
    assert len(set(answers)) == 1, answers
    assert answers[0][0] == 401
    assert answers[0][2] == 1


def test_a_password_change_needs_the_current_one_and_ends_the_other_sessions(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    here = login("mongcai.officer")
    elsewhere = login("mongcai.officer")
    assert here.get("/preferences/password").status_code == 200
    new = "a-brand-new-password-2"
    wrong = here.post("/preferences/password", data={"current_password": "wrong-password!",
                                                     "new_password": new, "repeat_password": new})
    assert wrong.status_code == 401
    short = here.post("/preferences/password", data={"current_password": PASSWORD, "new_password": "short",
                                                     "repeat_password": "short"})
    assert short.status_code == 422
    before = stored_user(node, personas["post_officer"].user_id).password_hash
    done = here.post("/preferences/password", data={"current_password": PASSWORD, "new_password": new,
                                                    "repeat_password": new})
    assert done.status_code == 200
    after = stored_user(node, personas["post_officer"].user_id).password_hash
    assert after != before
    assert after.startswith("$argon2id$")
    assert here.get("/").status_code == 200  # this session goes on
    assert elsewhere.get("/").status_code == 303  # the other one has ended
    assert try_login(browser(node), "mongcai.officer", PASSWORD) == 401
    assert try_login(browser(node), "mongcai.officer", new) == 303


def _request_with(node: Node, headers: dict[str, str]) -> Request:
    app = create_app(node, run_background=False)
    return Request({"type": "http", "method": "GET", "path": "/api/v1/hotline/inbox/stream", "app": app,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


async def _until_end(stream: Any, cut_off: Callable[[], None]) -> list[str]:
    seen = [await anext(stream), await anext(stream)]  # connected, then a keep-alive
    cut_off()
    async for item in stream:
        seen.append(item)
        if len(seen) > 10:
            break
    return seen


def test_a_live_stream_ends_when_its_token_is_revoked(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        user = accounts.find_user(session, "mongcai.officer")
        token, secret = accounts.create_token(session, user, "stream", node.clock.now())
        principal = accounts.principal_for(session, user, via_token=True, default_timezone="UTC")
    request = _request_with(node, {"Authorization": f"Bearer {secret}"})

    def revoke() -> None:
        with node.transaction() as session:
            accounts.revoke_token(session, principal, token.id, node.clock.now())

    stream = feed_events(principal, OBJECT_TYPE, "request", keepalive=0.01, still_allowed=caller_check(request))
    seen = asyncio.run(_until_end(stream, revoke))
    assert seen[-1].startswith("event: end")
    assert len(seen) == 3


def test_a_live_stream_ends_when_its_user_is_deactivated(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        user = accounts.find_user(session, "mongcai.officer")
        cookie = accounts.start_web_session(session, user, now=node.clock.now(), lifetime=dt.timedelta(hours=1))
        principal = accounts.principal_for(session, user, via_token=False, default_timezone="UTC")
    request = _request_with(node, {"Cookie": f"{SESSION_COOKIE}={cookie}"})

    def deactivate() -> None:
        with node.transaction() as session:
            stored = session.get(User, personas["post_officer"].user_id)
            assert stored is not None
            stored.is_active = False

    stream = feed_events(principal, OBJECT_TYPE, "request", keepalive=0.01, still_allowed=caller_check(request))
    seen = asyncio.run(_until_end(stream, deactivate))
    assert seen[-1].startswith("event: end")
    assert len(seen) == 3


def test_guessing_the_password_from_a_session_locks_the_account(
    node: Node, personas: dict[str, Persona], login: Login
) -> None:
    client = login("mongcai.officer")
    for attempt in range(node.settings.max_failed_logins):
        assert client.post("/preferences/totp", data={"password": f"guess-number-{attempt}"}).status_code == 401
    assert stored_user(node, personas["post_officer"].user_id).locked_until is not None
    # Locked: neither the right password here nor a login is accepted until the lockout ends.
    assert enrol(client, password=PASSWORD) is None
    assert try_login(browser(node), "mongcai.officer", PASSWORD) == 401
