"""Roles grant permissions; a user's unit and the units below it bound what they may touch."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping

from borderlink.directory.models import Role, Tier


class Permission(enum.StrEnum):
    DIRECTORY_READ = "directory.read"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    TOKENS_OWN = "tokens.own"
    AUDIT_READ = "audit.read"
    EXCHANGE_READ = "exchange.read"
    EXCHANGE_OPERATE = "exchange.operate"
    HOTLINE_READ = "hotline.read"
    HOTLINE_SEND = "hotline.send"
    HOTLINE_ANSWER = "hotline.answer"
    HOTLINE_SUPERVISE = "hotline.supervise"
    HOTLINE_CONFIGURE = "hotline.configure"
    GATES_READ = "gates.read"
    GATES_CHECK = "gates.check"
    GATES_CONFIRM = "gates.confirm"
    GATES_CONFIGURE = "gates.configure"
    ALERTS_READ = "alerts.read"
    ALERTS_SCREEN = "alerts.screen"
    ALERTS_ISSUE = "alerts.issue"
    ALERTS_REVIEW = "alerts.review"
    ALERTS_CONFIGURE = "alerts.configure"
    ENGAGEMENTS_READ = "engagements.read"
    ENGAGEMENTS_PLAN = "engagements.plan"
    PATROLS_RUN = "patrols.run"


_EVERYONE = {Permission.DIRECTORY_READ, Permission.TOKENS_OWN}

# The grants of the node's core (directory, audit, exchange). Each domain adds its own in its
# descriptor (`Domain.permission_grants`); `role_permissions` and ROLE_PERMISSIONS merge them.
CORE_ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _EVERYONE
        | {
            Permission.USERS_READ,
            Permission.USERS_MANAGE,
            Permission.AUDIT_READ,
            Permission.EXCHANGE_READ,
            Permission.EXCHANGE_OPERATE,
        }
    ),
    Role.COMMANDER: frozenset(_EVERYONE | {Permission.USERS_READ}),
    Role.OFFICER: frozenset(_EVERYONE),
    Role.ANALYST: frozenset(_EVERYONE | {Permission.EXCHANGE_READ, Permission.AUDIT_READ}),
    Role.VIEWER: frozenset(_EVERYONE),
}


def role_permissions(role: Role) -> frozenset[str]:
    """Everything `role` may do: the core grants and those of every domain."""
    from borderlink import domains  # the domains build on this module

    return CORE_ROLE_PERMISSIONS[role] | domains.permission_grants(role)


class _AllGrants(Mapping[Role, frozenset[str]]):
    """Every role's permissions, the domains' included, read when asked (after the domains load)."""

    def __getitem__(self, role: Role) -> frozenset[str]:
        return role_permissions(role)

    def __iter__(self) -> Iterator[Role]:
        return iter(CORE_ROLE_PERMISSIONS)

    def __len__(self) -> int:
        return len(CORE_ROLE_PERMISSIONS)


ROLE_PERMISSIONS: Mapping[Role, frozenset[str]] = _AllGrants()

# Settings and operations of the whole node, not of a unit's subtree: only the central tier's
# accounts hold them, whatever their role grants (a provincial admin manages its own users only).
NODE_WIDE: frozenset[str] = frozenset({
    Permission.EXCHANGE_READ, Permission.EXCHANGE_OPERATE, Permission.HOTLINE_CONFIGURE,
    Permission.ALERTS_REVIEW, Permission.ALERTS_CONFIGURE,
})


@dataclasses.dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting, resolved once per request from a session cookie or an API token."""

    user_id: str
    username: str
    display_name: str
    role: Role
    unit_id: str
    unit_code: str
    unit_tier: Tier
    party: str
    scope_unit_ids: frozenset[str]
    language: str
    timezone: str
    via_token: bool = False

    def can(self, permission: str) -> bool:
        if permission in NODE_WIDE and self.unit_tier != Tier.CENTRAL:
            return False
        return permission in role_permissions(self.role)

    def covers_unit(self, unit_id: str | None) -> bool:
        return unit_id is not None and unit_id in self.scope_unit_ids

    @property
    def label(self) -> str:
        return f"{self.username}@{self.unit_code}"
