"""The role matrix: what each role may do, and how a unit scope bounds it."""

from __future__ import annotations

import pytest

from borderlink.directory.models import Role, Tier
from borderlink.directory.permissions import NODE_WIDE, ROLE_PERMISSIONS, Permission, Principal


def principal(role: Role, scope: frozenset[str] = frozenset({"unit-a"}), tier: Tier = Tier.CENTRAL) -> Principal:
    return Principal(
        user_id="u1",
        username="someone",
        display_name="Someone",
        role=role,
        unit_id="unit-a",
        unit_code="VN-QN",
        unit_tier=tier,
        party="VN",
        scope_unit_ids=scope,
        language="vi",
        timezone="Asia/Ho_Chi_Minh",
    )


def test_every_role_has_permissions() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_everyone_reads_the_directory_and_owns_tokens(role: Role) -> None:
    assert principal(role).can(Permission.DIRECTORY_READ)
    assert principal(role).can(Permission.TOKENS_OWN)


def test_only_admins_manage_users() -> None:
    managers = {role for role in Role if principal(role).can(Permission.USERS_MANAGE)}
    assert managers == {Role.ADMIN}


def test_commanders_and_admins_read_users_officers_do_not() -> None:
    readers = {role for role in Role if principal(role).can(Permission.USERS_READ)}
    assert readers == {Role.ADMIN, Role.COMMANDER}


def test_viewer_reads_the_hotline_but_cannot_send_or_answer() -> None:
    viewer = principal(Role.VIEWER)
    assert viewer.can(Permission.HOTLINE_READ)
    assert not viewer.can(Permission.HOTLINE_SEND)
    assert not viewer.can(Permission.HOTLINE_ANSWER)
    assert not viewer.can(Permission.USERS_READ)


def test_officer_works_the_hotline_without_supervising_it() -> None:
    officer = principal(Role.OFFICER)
    assert officer.can(Permission.HOTLINE_SEND)
    assert officer.can(Permission.HOTLINE_ANSWER)
    assert not officer.can(Permission.HOTLINE_SUPERVISE)
    assert not officer.can(Permission.AUDIT_READ)
    assert not officer.can(Permission.EXCHANGE_OPERATE)


def test_commander_supervises_and_analyst_reads_audit_and_exchange() -> None:
    assert principal(Role.COMMANDER).can(Permission.HOTLINE_SUPERVISE)
    analyst = principal(Role.ANALYST)
    assert analyst.can(Permission.AUDIT_READ)
    assert analyst.can(Permission.EXCHANGE_READ)
    assert not analyst.can(Permission.EXCHANGE_OPERATE)
    assert not analyst.can(Permission.USERS_READ)


def test_admin_operates_the_node_but_does_not_send_hotline_requests() -> None:
    admin = principal(Role.ADMIN)
    for permission in (
        Permission.USERS_MANAGE,
        Permission.AUDIT_READ,
        Permission.EXCHANGE_OPERATE,
        Permission.HOTLINE_CONFIGURE,
    ):
        assert admin.can(permission)
    assert not admin.can(Permission.HOTLINE_SEND)


def test_only_exchange_operators_operate_the_exchange() -> None:
    operators = {role for role in Role if principal(role).can(Permission.EXCHANGE_OPERATE)}
    assert operators == {Role.ADMIN}


def test_scope_covers_only_listed_units() -> None:
    someone = principal(Role.ADMIN, frozenset({"unit-a", "unit-b"}))
    assert someone.covers_unit("unit-b")
    assert not someone.covers_unit("unit-c")
    assert not someone.covers_unit(None)
    assert someone.label == "someone@VN-QN"


@pytest.mark.parametrize("tier", [Tier.PROVINCIAL, Tier.POST])
def test_node_wide_permissions_stay_with_the_central_tier(tier: Tier) -> None:
    admin = principal(Role.ADMIN, tier=tier)
    assert not any(admin.can(permission) for permission in NODE_WIDE)
    assert not principal(Role.ANALYST, tier=tier).can(Permission.EXCHANGE_READ)
    assert admin.can(Permission.USERS_MANAGE)
    assert {Permission.HOTLINE_CONFIGURE, Permission.EXCHANGE_READ, Permission.EXCHANGE_OPERATE} <= NODE_WIDE
