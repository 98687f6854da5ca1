"""Gates as a domain: the border gates with their lanes and hours, and reading travel documents'
machine-readable zones at a gate."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.gates import api, cli
from borderlink.shared.descriptor import Domain

# Every role reads the gates; checking travellers' documents is for officers and the roles above them.
_READ = frozenset({Permission.GATES_READ})
_GATE_WORK = _READ | {Permission.GATES_CHECK}

DOMAIN = Domain(
    name="gates",
    api_routers=(api.router,),
    permission_grants={Role.COMMANDER: _GATE_WORK, Role.OFFICER: _GATE_WORK, Role.ANALYST: _GATE_WORK,
                       Role.ADMIN: _READ, Role.VIEWER: _READ},
    cli=cli.register,
)
