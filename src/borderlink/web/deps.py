"""Request plumbing: one transaction per request, who is asking, and what they may do.

Every route declares its permission with `require(...)` (or is listed in PUBLIC_PATHS); a test
walks the routes to keep it that way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from borderlink.audit.service import ACTOR_INFO, Actor
from borderlink.db import end_transaction, open_session, transaction
from borderlink.directory import accounts
from borderlink.directory.models import ApiToken, Counterpart, Unit, User, WebSession
from borderlink.directory.permissions import Principal
from borderlink.errors import AuthenticationFailed, Forbidden
from borderlink.node import Node
from borderlink.shared.retry import WRITE_LOCK_FIRST
from borderlink.shared.static_cache import KeyedCache
from borderlink.web.i18n import pick_language

# The one language cookie of every node before nodes named theirs; still read where a node's own is missing.
SHARED_LANGUAGE_COOKIE = "bl_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/health", "/login", "/logout", "/favicon.ico", "/openapi.json", "/docs",
                          "/docs/oauth2-redirect", "/redoc"})


def session_cookie(party: str) -> str:
    """The session cookie's name on a node of `party`. Browsers share cookies across the ports of
    one host, so the two demo nodes (or two nodes behind one name) need names of their own to stay
    logged in side by side."""
    return f"bl_session_{party.lower()}"


def language_cookie(party: str) -> str:
    """The chosen language's cookie on a node of `party` (named per party, like the session), so
    one browser may read one demo node in Vietnamese and the other in Chinese."""
    return f"bl_lang_{party.lower()}"


def login_csrf_cookie(party: str) -> str:
    """The login form's CSRF cookie on a node of `party` (named per party, like the session)."""
    return f"bl_login_csrf_{party.lower()}"


class LoginRequired(Exception):
    """Raised for pages; the app turns it into a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def get_node(request: Request) -> Node:
    node: Node = request.app.state.node
    return node


def node_now(request: Request) -> dt.datetime:
    """The time of this request on the node's clock (the clock tests move)."""
    return get_node(request).clock.now()


async def _request_time(request: Request) -> dt.datetime:
    # Reading the clock does no I/O: on the event loop, not handed to a worker thread and back.
    return node_now(request)


Now = Annotated[dt.datetime, Depends(_request_time)]


def cookies_secure(request: Request) -> bool:
    """Cookies are marked Secure whenever the node is reached over HTTPS (or always, by setting)."""
    return get_node(request).settings.secure_cookies or request.url.scheme == "https"


async def db_session(request: Request) -> AsyncIterator[Session]:
    """The request's single transaction, committed when the handler returns and before the response
    is sent: a client never sees success for a change that did not commit. A GET is taken to only
    read (on SQLite it then does not queue for the write lock); one that does write and lost the
    lock to another writer is run again taking the lock first (see `shared.retry`).

    The session is made on the event loop (it touches no database until used); only its end, the
    commit or rollback, runs in a worker thread: one hand-over per request instead of two."""
    read_only = request.method in SAFE_METHODS and not getattr(request.state, WRITE_LOCK_FIRST, False)
    session = open_session(get_node(request).session_factory, read_only=read_only)
    try:
        yield session
    except BaseException:
        with anyio.CancelScope(shield=True):  # a client gone away still has its transaction ended
            await run_in_threadpool(end_transaction, session, succeeded=False)
        raise
    await run_in_threadpool(end_transaction, session, succeeded=True)


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/metrics"


def language_for(request: Request, principal: Principal | None) -> str:
    node = get_node(request)
    return pick_language(
        request.query_params.get("lang"),
        principal.language if principal else None,
        request.cookies.get(language_cookie(node.settings.party)) or request.cookies.get(SHARED_LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
        default=node.settings.default_language,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class KnownCaller:
    """Who an API token or a session cookie stands for, as last read from the database."""

    principal: Principal
    csrf_token: str  # of the web session; empty for a token
    expires_at: dt.datetime | None  # the web session's end; None for a token


# Every request used to look its caller up twice (the body gate, then the route's dependency) and
# every live-stream event once more: a token or session row, its user and unit, the unit tree.
# A verified caller is kept for two seconds. A commit of this process that revokes a token, ends a
# session, deactivates a user or changes a unit drops every entry at once; another process
# sharing the database sees such a change within those two seconds.
_CALLERS: KeyedCache[KnownCaller] = KeyedCache(
    "verified callers", (ApiToken, User, WebSession, Unit, Counterpart), ttl_seconds=2.0)


def _credential(request: Request, party: str) -> tuple[str, str] | None:
    """('token', secret) from a bearer header, ('session', cookie) from the session cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return "token", header[7:].strip()
    cookie = request.cookies.get(session_cookie(party))
    return ("session", cookie) if cookie else None


def _held(node: Node, key: str, moment: dt.datetime) -> KnownCaller | None:
    held = _CALLERS.get(str(node.engine.url), key)
    return held if held is not None and (held.expires_at is None or held.expires_at > moment) else None


def verified_caller(node: Node, request: Request) -> KnownCaller | None:
    """The caller of `request` if verified in the last moments; no database work (so it may run
    on the event loop). None says only that `known_caller` has to look."""
    credential = _credential(request, node.settings.party)
    if credential is None:
        return None
    kind, secret = credential
    return _held(node, f"{kind}:{accounts.token_digest(secret)}", node.clock.now())


def known_caller(node: Node, request: Request, session: Session | None = None) -> KnownCaller | None:
    """The caller of `request` while their token or session stands for an active user, else None.
    Looked up in `session`, or in a transaction of its own when none is given and the caller was
    not verified in the last moments."""
    credential = _credential(request, node.settings.party)
    if credential is None:
        return None
    kind, secret = credential
    key = f"{kind}:{accounts.token_digest(secret)}"
    moment = node.clock.now()
    held = _held(node, key, moment)
    if held is not None:
        return held
    generation = _CALLERS.generation()
    if session is None:
        with transaction(node.session_factory) as own:
            return _look_up(node, own, kind, secret, key, moment, generation)
    return _look_up(node, session, kind, secret, key, moment, generation)


def _look_up(node: Node, session: Session, kind: str, secret: str, key: str, moment: dt.datetime,
             generation: int) -> KnownCaller | None:
    timezone = node.settings.timezone
    found = None
    if kind == "token":
        user = accounts.resolve_token(session, secret, moment)
        if user is not None:
            found = KnownCaller(accounts.principal_for(session, user, via_token=True, default_timezone=timezone),
                                "", None)
    else:
        web_session = accounts.resolve_web_session(session, secret, moment)
        if web_session is not None:
            found = KnownCaller(accounts.principal_for(session, web_session.user, default_timezone=timezone),
                                web_session.csrf_token, web_session.expires_at)
    if found is not None:
        _CALLERS.put(session, key, found, generation)
    return found


def resolve_principal(request: Request, session: Session) -> Principal | None:
    return _principal_of(request, known_caller(get_node(request), request, session))


def _principal_of(request: Request, caller: KnownCaller | None) -> Principal | None:
    if caller is None:
        if request.headers.get("authorization", "").lower().startswith("bearer "):
            raise AuthenticationFailed("The API token is not valid or was revoked.")
        return None
    request.state.csrf_token = caller.csrf_token
    return caller.principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via_token or request.method in SAFE_METHODS:
        return
    expected = request.state.csrf_token
    supplied = request.headers.get(CSRF_HEADER)
    if not supplied:
        content_type = request.headers.get("content-type", "")
        if "form" in content_type:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
    if not expected or not supplied or not secrets.compare_digest(expected, supplied):
        raise Forbidden("The form expired or came from another page; reload the page and try again.")


def require(permission: str) -> Callable[..., Any]:
    """Dependency: an authenticated principal holding `permission` (else 401/redirect, or 403)."""

    async def dependency(request: Request, session: DbSession) -> Principal:
        # Database work never runs on the event loop: a wait for SQLite's write lock there would
        # stall every other request of the node, including the one holding the lock. A caller
        # verified a moment ago needs none.
        caller = verified_caller(get_node(request), request)
        principal = (_principal_of(request, caller) if caller is not None
                     else await run_in_threadpool(resolve_principal, request, session))
        if principal is None:
            if _is_api(request):
                raise AuthenticationFailed("Log in or give a valid API token first.")
            raise LoginRequired(request.url.path)
        session.info[ACTOR_INFO] = Actor(principal.user_id, principal.unit_id, principal.label)
        request.state.principal = principal
        request.state.language = language_for(request, principal)
        request.state.timezone = principal.timezone
        await _check_csrf(request, principal)
        if not principal.can(permission):
            raise Forbidden("Your role may not do this (%(permission)s).", permission=str(permission))
        return principal

    dependency.required_permission = permission  # type: ignore[attr-defined]
    return dependency


def public_page(request: Request) -> None:
    """For the few pages open without login: set the language and zone to show them in."""
    request.state.language = language_for(request, None)
    request.state.timezone = get_node(request).settings.timezone
