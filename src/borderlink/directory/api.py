"""Directory JSON API: units and counterparts, accounts, API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.models import ApiToken, User
from borderlink.directory.permissions import Permission, Principal, role_permissions
from borderlink.directory.schemas import (
    PrincipalOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UnitOut,
    UserCreate,
    UserOut,
)
from borderlink.web.deps import DbSession, node_now, require

router = APIRouter(tags=["directory"])


def unit_views(session: DbSession, party: str | None = None) -> list[UnitOut]:
    units = directory.list_units(session, party)
    codes = {u.id: u.code for u in directory.list_units(session)}
    pairs = directory.counterpart_map(session)
    return [
        UnitOut.model_validate(unit).model_copy(update={
            "tier": unit.tier.value,
            "parent_code": codes.get(unit.parent_id or ""),
            "counterpart_codes": sorted(codes[c] for c in pairs.get(unit.id, []) if c in codes),
        })
        for unit in units
    ]


def user_view(user: User) -> UserOut:
    return UserOut(
        id=user.id, username=user.username, display_name=user.display_name, unit_code=user.unit.code,
        role=user.role.value, is_active=user.is_active, totp_enabled=bool(user.totp_secret),
        locked=user.locked_until is not None,
    )


def token_view(token: ApiToken) -> TokenOut:
    return TokenOut(id=token.id, name=token.name, prefix=token.prefix, created_at=token.created_at,
                    revoked_at=token.revoked_at)


@router.get("/units", response_model=list[UnitOut])
def list_units(
    session: DbSession,
    _: Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))],
    party: str | None = None,
) -> list[UnitOut]:
    """Units of both parties with tier, parent and counterpart units across the border."""
    return unit_views(session, party.upper() if party else None)


@router.get("/me", response_model=PrincipalOut)
def me(principal: Annotated[Principal, Depends(require(Permission.DIRECTORY_READ))]) -> PrincipalOut:
    return PrincipalOut(
        user_id=principal.user_id, username=principal.username, display_name=principal.display_name,
        role=principal.role.value, unit_code=principal.unit_code, party=principal.party,
        permissions=sorted(p for p in role_permissions(principal.role) if principal.can(p)),
    )


@router.get("/users", response_model=list[UserOut])
def list_users(
    session: DbSession, principal: Annotated[Principal, Depends(require(Permission.USERS_READ))]
) -> list[UserOut]:
    """Accounts in the caller's unit and the units below it."""
    return [user_view(u) for u in accounts.visible_users(session, principal)]


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(
    user_id: str, session: DbSession, principal: Annotated[Principal, Depends(require(Permission.USERS_READ))]
) -> UserOut:
    return user_view(accounts.get_visible_user(session, principal, user_id))


@router.post("/users", response_model=UserOut, status_code=201, responses={409: {"description": "username taken"}})
def create_user(
    body: UserCreate, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
) -> UserOut:
    user = accounts.create_user(
        session, username=body.username, password=body.password, unit_code=body.unit_code, role=body.role,
        display_name=body.display_name, now=node_now(request), actor=principal,
        language=body.language,
    )
    return user_view(user)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    session: DbSession, principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))]
) -> list[TokenOut]:
    return [token_view(t) for t in accounts.tokens_of(session, principal)]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(
    body: TokenCreate, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> TokenCreated:
    user = accounts.get_visible_user(session, principal, principal.user_id)
    token, secret = accounts.create_token(session, user, body.name, node_now(request))
    return TokenCreated(**token_view(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke_token(
    token_id: str, request: Request, session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.TOKENS_OWN))],
) -> TokenOut:
    return token_view(accounts.revoke_token(session, principal, token_id, node_now(request)))
