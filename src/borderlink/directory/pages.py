"""Directory pages: the unit tree by tier with counterparts, accounts, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission, Principal
from borderlink.directory.schemas import TokenCreate, UserCreate
from borderlink.shared.forms import N_, input_limits
from borderlink.web import ask_first as ask
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.outcomes import Outcomes
from borderlink.web.templating import render

router = APIRouter(include_in_schema=False)
DONE = Outcomes({"revoked": N_("The token was revoked; clients using it are refused from now on.")})


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


def _users(request: Request, session: DbSession, principal: Principal, values: dict[str, str] | None = None,
           shown: dict[str, str] | None = None, status_code: int = 200) -> Response:
    users = accounts.visible_users(session, principal)
    units = [u for u in directory.list_units(session, principal.party) if principal.covers_unit(u.id)]
    return render(request, "directory/users.html",
                  {"users": users, "units": units, "roles": [r.value for r in Role], "values": values or {},
                   "errors": shown or {}, "limits": input_limits(UserCreate)}, status_code=status_code)


@router.post("/users")
def create_user_form(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    unit_code: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    values = {"username": username, "display_name": display_name, "unit_code": unit_code, "role": role}

    def create() -> object:
        data = UserCreate.model_validate({**values, "password": password, "display_name": display_name or None})
        return accounts.create_user(session, username=data.username, password=data.password, unit_code=data.unit_code,
                                    role=data.role, display_name=data.display_name or data.username,
                                    now=node_now(request), actor=principal)

    # A unit outside the admin's scope answers exactly like one that does not exist.
    refused = forms.attempt(request, session, create)
    if isinstance(refused, forms.Refusal):
        return _users(request, session, principal, values, refused.shown, refused.status_code)
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
                  {"tokens": accounts.tokens_of(session, principal), "new_secret": None, "values": {},
                   "errors": {}, "limits": input_limits(TokenCreate), "done": DONE.shown(request)})


@router.post("/tokens")
def create_token_form(
    request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    name: Annotated[str, Form()] = "",
) -> Response:
    user = accounts.get_visible_user(session, principal, principal.user_id)
    made = forms.attempt(request, session, lambda: accounts.create_token(
        session, user, TokenCreate.model_validate({"name": name}).name, node_now(request)))
    if isinstance(made, forms.Refusal):
        return render(request, "directory/tokens.html", {
            "tokens": accounts.tokens_of(session, principal), "new_secret": None, "values": {"name": name},
            "errors": made.shown, "limits": input_limits(TokenCreate)}, status_code=made.status_code)
    _, secret = made
    return render(request, "directory/tokens.html",
                  {"tokens": accounts.tokens_of(session, principal), "new_secret": secret, "values": {},
                   "errors": {}, "limits": input_limits(TokenCreate)}, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def revoke_token_form(
    token_id: str, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    if not ask.confirmed({"confirmed": confirmed}):  # a revoked token never works again: the page asks first
        token = accounts.visible_token(session, principal, token_id)
        return ask.ask_first(request, ask.Ask(
            heading=N_("Revoke API token"), consequence=N_("Every client using this token is refused from now on."),
            button=N_("Yes, revoke this token"), action=f"/tokens/{token_id}/revoke", cancel="/tokens",
            summary=f"{token.name} · {token.prefix}…"))
    accounts.revoke_token(session, principal, token_id, node_now(request))
    return DONE.redirect("/tokens", "revoked")
