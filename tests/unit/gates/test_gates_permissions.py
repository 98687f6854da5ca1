"""Checking documents at a gate is work for officers and the roles above them."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import ROLE_PERMISSIONS, Permission


def test_gate_checks_belong_to_officers_commanders_and_analysts() -> None:
    allowed = {role for role, permissions in ROLE_PERMISSIONS.items() if Permission.GATES_CHECK in permissions}
    assert allowed == {Role.OFFICER, Role.COMMANDER, Role.ANALYST}


def test_every_role_reads_the_gates() -> None:
    assert all(Permission.GATES_READ in permissions for permissions in ROLE_PERMISSIONS.values())
