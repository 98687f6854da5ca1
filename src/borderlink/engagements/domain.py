"""Engagements as a domain: meetings, talks, exchange programmes and courses between the two sides,
the agreements signed there, the commitments each side took, and joint patrols."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.engagements import api, codes, messages, models, records
from borderlink.shared.descriptor import Domain

_READ = frozenset({Permission.ENGAGEMENTS_READ})
_PLAN = _READ | {Permission.ENGAGEMENTS_PLAN}
_PATROL = _READ | {Permission.PATROLS_RUN}

DOMAIN = Domain(
    name="engagements",
    models=(models,),
    api_routers=(api.router,),
    message_handlers=messages.HANDLERS,
    background_tasks=(records.due_loop,),
    code_lists=codes.CODE_LISTS,
    permission_grants={
        Role.COMMANDER: _PLAN | _PATROL,
        Role.ANALYST: _PLAN,
        Role.OFFICER: _PATROL,
        Role.VIEWER: _READ,
    },
)
