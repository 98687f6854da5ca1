"""Shell pages: login, logout, home and personal preferences."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import AuthenticationFailed, InvalidInput
from borderlink.web import home as home_view
from borderlink.web.deps import (
    DbSession,
    cookies_secure,
    get_node,
    language_cookie,
    login_csrf_cookie,
    node_now,
    public_page,
    require,
    session_cookie,
)
from borderlink.web.i18n import LANGUAGES, translator
from borderlink.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(home_view.router)


def _safe_next(path: str | None) -> str:
    # Only a path on this site: browsers read "//host" and "/\host" as another site.
    if path and path.startswith("/") and path[1:2] not in ("/", "\\") and path.isprintable():
        return path
    return "/"


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on a page without an icon link, such as an opened attachment."""
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    public_page(request)
    token = secrets.token_urlsafe(24)
    request.state.csrf_token = token
    response = render(request, "web/login.html", {"next_path": _safe_next(next), "error": None, "username": ""})
    settings = get_node(request).settings
    response.set_cookie(login_csrf_cookie(settings.party), token, httponly=True, samesite="strict",
                        secure=cookies_secure(request))
    if request.query_params.get("lang") in LANGUAGES:
        _remember_language(request, response, request.state.language)
    return response


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    totp: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    public_page(request)
    node = get_node(request)
    settings = node.settings
    expected = request.cookies.get(login_csrf_cookie(settings.party), "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        request.state.csrf_token = expected or secrets.token_urlsafe(24)
        return render(request, "web/login.html",
                      {"next_path": _safe_next(next), "error": "The form expired; please try again.",
                       "username": username}, status_code=400)
    try:
        user = accounts.authenticate_password(
            session, username, password, totp or None, now=node.clock.now(),
            max_failures=settings.max_failed_logins, lockout=dt.timedelta(minutes=settings.lockout_minutes),
        )
    except AuthenticationFailed:
        # The failure count must survive the error page, so this transaction still commits.
        request.state.csrf_token = expected
        # A locked, disabled or unknown account gets this same answer: it must not tell them apart.
        message = "Wrong username, password or code."
        return render(request, "web/login.html",
                      {"next_path": _safe_next(next), "error": message, "username": username}, status_code=401)
    token = accounts.start_web_session(session, user, now=node.clock.now(),
                                       lifetime=dt.timedelta(hours=settings.session_hours))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(session_cookie(settings.party), token, httponly=True, samesite="lax",
                        secure=cookies_secure(request), max_age=settings.session_hours * 3600)
    response.delete_cookie(login_csrf_cookie(settings.party))
    return response


@router.post("/logout")
def logout(
    request: Request, session: DbSession, _: Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]
) -> Response:
    name = session_cookie(get_node(request).settings.party)
    cookie = request.cookies.get(name)
    if cookie:
        accounts.end_web_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(name)
    return response


@router.get("/")
def home(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))],
    kind: str | None = None,
) -> Response:
    """My work: the unit's open items of every domain, the most pressing first."""
    unit = directory.get_unit(session, principal.unit_id)
    return render(request, "web/home.html", {
        "unit": unit, "counterparts": directory.counterparts_of(session, unit.id),
        **home_view.home_context(request, session, principal, kind),
    })


@router.get("/preferences")
def preferences_form(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> Response:
    user = accounts.get_visible_user(session, principal, principal.user_id)
    return render(request, "web/preferences.html", {"user": user, "message": None, "totp_secret": None})


@router.post("/preferences")
def save_preferences(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    language: Annotated[str, Form()],
    timezone: Annotated[str, Form()],
) -> Response:
    try:
        accounts.set_preferences(session, principal, language, timezone.strip())
    except InvalidInput as exc:
        user = accounts.get_visible_user(session, principal, principal.user_id)
        message = exc.text(translator(request.state.language))
        return render(request, "web/preferences.html", {"user": user, "message": message, "totp_secret": None},
                      status_code=422)
    response = RedirectResponse("/preferences", status_code=303)
    _remember_language(request, response, language)
    return response


def _remember_language(request: Request, response: Response, language: str) -> None:
    response.set_cookie(language_cookie(get_node(request).settings.party), language, samesite="lax",
                        max_age=365 * 86400, secure=cookies_secure(request))


def _login_policy(request: Request) -> accounts.LoginPolicy:
    settings = get_node(request).settings
    return accounts.LoginPolicy(settings.max_failed_logins, dt.timedelta(minutes=settings.lockout_minutes))


def _preferences_page(request: Request, session: Session, principal: Principal, message: str,
                      status_code: int) -> Response:
    user = accounts.get_visible_user(session, principal, principal.user_id)
    return render(request, "web/preferences.html", {"user": user, "message": message, "totp_secret": None},
                  status_code=status_code)


@router.post("/preferences/totp")
def start_totp(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    password: Annotated[str, Form()] = "", totp: Annotated[str, Form()] = "",
) -> Response:
    try:
        secret = accounts.enable_totp(session, principal, password, totp or None, node_now(request),
                                      _login_policy(request))
    except AuthenticationFailed:
        return _preferences_page(request, session, principal, "Wrong password or code.", 401)
    user = accounts.get_visible_user(session, principal, principal.user_id)
    uri = accounts.totp_uri(secret, principal.username, f"BorderLink {principal.party}")
    return render(request, "web/preferences.html",
                  {"user": user, "message": None, "totp_secret": secret, "totp_uri": uri})


@router.post("/preferences/totp/off")
def stop_totp(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    password: Annotated[str, Form()] = "", totp: Annotated[str, Form()] = "",
) -> Response:
    try:
        accounts.disable_totp(session, principal, password, totp or None, node_now(request),
                              _login_policy(request))
    except AuthenticationFailed:
        return _preferences_page(request, session, principal, "Wrong password or code.", 401)
    except InvalidInput:
        return _preferences_page(request, session, principal, "No second factor is enabled.", 422)
    return RedirectResponse("/preferences", status_code=303)


def _password_page(request: Request, *, message: str | None = None, done: str | None = None,
                   status_code: int = 200) -> Response:
    return render(request, "web/password.html", {"message": message, "done": done,
                                                 "min_length": accounts.MIN_PASSWORD_LENGTH},
                  status_code=status_code)


@router.get("/preferences/password")
def password_form(
    request: Request, _principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> Response:
    return _password_page(request)


@router.post("/preferences/password")
def change_password(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    current_password: Annotated[str, Form()], new_password: Annotated[str, Form()],
    repeat_password: Annotated[str, Form()],
) -> Response:
    if new_password != repeat_password:
        return _password_page(request, message="The new passwords differ.", status_code=422)
    own_session = request.cookies.get(session_cookie(get_node(request).settings.party))
    try:
        accounts.change_password(session, principal, current_password, new_password, keep_session=own_session,
                                 now=node_now(request), policy=_login_policy(request))
    except AuthenticationFailed:
        return _password_page(request, message="Wrong password.", status_code=401)
    except InvalidInput:
        return _password_page(request, message="The new password needs at least %(count)s characters.",
                              status_code=422)
    return _password_page(request, done="Your password was changed; your other sessions were ended.")
