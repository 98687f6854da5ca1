"""The hotline as a domain: requests between counterpart units, their replies and escalation."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.hotline import api, codes, demo, escalation, feed, messages, models, pages, refusals
from borderlink.hotline.contracts import EscalationMessage, EventMessage, ReplyMessage, RequestMessage
from borderlink.shared.attachments import Attachable
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind
from borderlink.shared.forms import N_

_WORK = frozenset({Permission.HOTLINE_READ, Permission.HOTLINE_SEND, Permission.HOTLINE_ANSWER})

DOMAIN = Domain(
    name="hotline",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router,),
    message_handlers={
        RequestMessage: messages.apply_request,
        EventMessage: messages.apply_event,
        ReplyMessage: messages.apply_reply,
        EscalationMessage: messages.apply_escalation,
    },
    refusal_hooks=dict.fromkeys((RequestMessage, EventMessage, ReplyMessage, EscalationMessage),
                                refusals.show_refusal),
    background_tasks=(escalation.escalation_loop,),
    templates=True,
    code_lists=codes.CODE_LISTS,
    permission_grants={
        Role.ADMIN: frozenset({Permission.HOTLINE_CONFIGURE}),
        Role.COMMANDER: _WORK | {Permission.HOTLINE_SUPERVISE},
        Role.OFFICER: _WORK,
        Role.ANALYST: _WORK,
        Role.VIEWER: frozenset({Permission.HOTLINE_READ}),
    },
    navigation=(NavEntry("Hotline", "/hotline", permission=Permission.HOTLINE_READ, order=10),),
    demo_seed=demo.seed_demo,
    feed_kinds=(FeedKind(models.OBJECT_TYPE, N_("Hotline request"), cards=feed.request_cards,
                         open_clause=feed.request_is_open, permission=Permission.HOTLINE_READ, order=10),),
    # A request's files travel with it across the border; none are added afterwards.
    attachables=(Attachable(models.OBJECT_TYPE, open_object=feed.attachment_access),),
)
