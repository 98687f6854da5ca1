"""Engagements as a domain: meetings, talks, exchange programmes and courses between the two sides,
the agreements signed there, the commitments each side took, and joint patrols."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.engagements import api, codes, demo, feed, messages, minutes, models, pages, records, refusals
from borderlink.engagements.contracts import MinutesFileMessage
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind
from borderlink.shared.forms import N_

_READ = frozenset({Permission.ENGAGEMENTS_READ})
_PLAN = _READ | {Permission.ENGAGEMENTS_PLAN}
_PATROL = _READ | {Permission.PATROLS_RUN}

DOMAIN = Domain(
    name="engagements",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router,),
    message_handlers={**messages.HANDLERS, MinutesFileMessage: minutes.apply_minutes_file},
    refusal_hooks=dict.fromkeys((*messages.HANDLERS, MinutesFileMessage), refusals.show_refusal),
    attachables=(minutes.ATTACHABLE,),
    background_tasks=(records.due_loop,),
    templates=True,
    code_lists=codes.CODE_LISTS,
    indirect_messages=(("Joint patrol", "The word before a patrol's sector in an exported calendar."),),
    permission_grants={
        Role.COMMANDER: _PLAN | _PATROL,
        Role.ANALYST: _PLAN,
        Role.OFFICER: _PATROL,
        Role.VIEWER: _READ,
    },
    navigation=(NavEntry("Engagements", "/engagements", permission=Permission.ENGAGEMENTS_READ, order=40),),
    demo_seed=demo.seed_demo,
    feed_kinds=(
        FeedKind(models.COMMITMENT, N_("Commitment"), cards=feed.commitment_cards, open_clause=feed.commitment_is_open,
                 permission=Permission.ENGAGEMENTS_READ, order=40),
        FeedKind(models.PATROL, N_("Joint patrol"), cards=feed.patrol_cards, open_clause=feed.patrol_is_open,
                 permission=Permission.ENGAGEMENTS_READ, order=41),
        FeedKind(models.ENGAGEMENT, N_("Engagement"), cards=feed.engagement_cards, open_clause=feed.engagement_is_open,
                 permission=Permission.ENGAGEMENTS_READ, order=42),
        FeedKind(models.AGREEMENT, N_("Agreement"), cards=feed.agreement_cards, open_clause=feed.agreement_is_open,
                 permission=Permission.ENGAGEMENTS_READ, order=43),
    ),
)
