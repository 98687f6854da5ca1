"""Directory pages: the unit tree by tier with counterparts, accounts, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import BorderLinkError, Forbidden, NotFound
from borderlink.web.deps import DbSession, get_node, require
from borderlink.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/units")
def units_page(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))],
) -> Response:
    units = directory.list_units(session)
    by_id = {u.id: u for u in units}
    pairs = directory.counterpart_map(session)
    parties = {}
    for party in ("VN", "CN"):
        parties[party] = [
            (unit, depth, [by_id[c] for c in pairs.get(unit.id, []) if c in by_id])
            for unit, depth in directory.unit_tree(u for u in units if u.party_code == party)
        ]
    order = [principal.party] + [p for p in ("VN", "CN") if p != principal.party]
    return render(request, "directory/units.html", {"parties": [(p, parties[p]) for p in order]})


@router.get("/users")
def users_page(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_READ))],
) -> Response:
    return _users(request, session, principal)


def _users(request: Request, session: DbSession, principal: Principal, message: str | None = None,
           status_code: int = 200) -> Response:
    users = accounts.visible_users(session, principal)
    units = [u for u in directory.list_units(session, principal.party) if principal.covers_unit(u.id)]
    return render(request, "directory/users.html",
                  {"users": users, "units": units, "roles": [r.value for r in Role], "message": message},
                  status_code=status_code)


@router.post("/users")
def create_user_form(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
    username: Annotated[str, Form()],
    display_name: Annotated[str, Form()],
    unit_code: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    try:
        with session.begin_nested():
            accounts.create_user(session, username=username, password=password, unit_code=unit_code, role=role,
                                 display_name=display_name, now=get_node(request).clock.now(), actor=principal)
    except BorderLinkError as exc:
        # A unit outside the admin's scope answers exactly like one that does not exist.
        status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else 422
        return _users(request, session, principal, message=str(exc), status_code=status)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/active")
def set_active_form(
    user_id: str, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
    active: Annotated[bool, Form()],
) -> Response:
    accounts.set_user_active(session, principal, user_id, active)
    return RedirectResponse("/users", status_code=303)


@router.get("/tokens")
def tokens_page(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> Response:
    return render(request, "directory/tokens.html",
                  {"tokens": accounts.tokens_of(session, principal), "new_secret": None})


@router.post("/tokens")
def create_token_form(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    name: Annotated[str, Form()],
) -> Response:
    user = accounts.get_visible_user(session, principal, principal.user_id)
    _, secret = accounts.create_token(session, user, name, get_node(request).clock.now())
    return render(request, "directory/tokens.html",
                  {"tokens": accounts.tokens_of(session, principal), "new_secret": secret}, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token_form(
    token_id: str, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> Response:
    accounts.revoke_token(session, principal, token_id, get_node(request).clock.now())
    return RedirectResponse("/tokens", status_code=303)
