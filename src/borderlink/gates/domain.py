"""Gates as a domain: reading travel documents' machine-readable zones at a border gate."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.gates import api, cli
from borderlink.shared.descriptor import Domain

# Checking travellers' documents at a gate: officers and the roles above them.
_GATE_WORK = frozenset({Permission.GATES_CHECK})

DOMAIN = Domain(
    name="gates",
    api_routers=(api.router,),
    permission_grants={Role.COMMANDER: _GATE_WORK, Role.OFFICER: _GATE_WORK, Role.ANALYST: _GATE_WORK},
    cli=cli.register,
)
