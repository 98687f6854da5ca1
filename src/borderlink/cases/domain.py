"""Joint cases and handovers as a domain."""

from __future__ import annotations

from borderlink.cases import api, codes, handover_models, messages, models
from borderlink.cases.contracts import CaseMessage, ContributionMessage
from borderlink.cases.models import Perm
from borderlink.directory.models import Role
from borderlink.shared.descriptor import Domain

_READ = frozenset({Perm.READ})
_WORK = _READ | {Perm.CONTRIBUTE, Perm.CONFIRM}

DOMAIN = Domain(
    name="cases",
    models=(models, handover_models),
    api_routers=(api.router,),
    message_handlers={
        CaseMessage: messages.apply_case,
        ContributionMessage: messages.apply_contribution,
    },
    refusal_hooks=dict.fromkeys((CaseMessage, ContributionMessage), messages.show_refusal),
    code_lists=codes.CODE_LISTS,
    permission_grants={
        Role.COMMANDER: _WORK | {Perm.MANAGE, Perm.PROTECTED, Perm.HANDOVER},
        Role.OFFICER: _WORK | {Perm.PROTECTED},
        Role.ANALYST: _READ | {Perm.CONTRIBUTE},
        Role.VIEWER: _READ,
    },
)
