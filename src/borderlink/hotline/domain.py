"""The hotline as a domain: requests between counterpart units, their replies and escalation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.hotline import api, codes, demo, escalation, feed, messages, models, pages, service
from borderlink.hotline.contracts import EscalationMessage, EventMessage, ReplyMessage, RequestMessage
from borderlink.hotline.models import TIMELINE, HotlineRequest, Status
from borderlink.shared.attachments import Attachable, seen_with
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind, cards_of, open_when
from borderlink.shared.forms import N_
from borderlink.shared.namesearch import NamedRecord
from borderlink.shared.refusals import ShowRefusal


def _never_received(_session: Session, request: HotlineRequest, body: object) -> None:
    if isinstance(body, RequestMessage):
        request.escalation_done = True  # escalating it on the other side is pointless


def _referenced_names(values: Mapping[str, Any]) -> list[str]:
    """The names of the persons a request is about."""
    return [str(r["name"]) for r in values["references"] or () if r.get("type") == "person" and r.get("name")]


# A message the other side refused shows on its request's timeline and brings the request back
# into this side's unit's inbox.
_REFUSED = ShowRefusal(HotlineRequest, TIMELINE, after=_never_received)
_REFUSED_STEP = _REFUSED.about(lambda body: body.request_id)
_WORK = frozenset({Permission.HOTLINE_READ, Permission.HOTLINE_SEND, Permission.HOTLINE_ANSWER})

DOMAIN = Domain(
    name="hotline",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router, pages.print_router, pages.deadlines_router),
    message_handlers={
        RequestMessage: messages.apply_request,
        EventMessage: messages.apply_event,
        ReplyMessage: messages.apply_reply,
        EscalationMessage: messages.apply_escalation,
    },
    applied_hooks={RequestMessage: messages.delivered_by_receipt},
    created_objects={RequestMessage: HotlineRequest},
    refusal_hooks={RequestMessage: _REFUSED, **dict.fromkeys((EventMessage, ReplyMessage, EscalationMessage),
                                                             _REFUSED_STEP)},
    escalations=(escalation.REQUESTS,),
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
    # A request asks for work from someone until it is closed or withdrawn.
    feed_kinds=(FeedKind(models.OBJECT_TYPE, N_("Hotline request"), cards=cards_of(HotlineRequest, feed.request_card),
                         open_clause=open_when(HotlineRequest, HotlineRequest.status.not_in((Status.CLOSED,
                                                                                             Status.WITHDRAWN))),
                         permission=Permission.HOTLINE_READ, order=10,
                         actions=feed.request_actions),),
    # A request's files travel with it across the border; none are added afterwards.
    attachables=(Attachable(models.OBJECT_TYPE, open_object=seen_with(service.REQUEST_KIND.visible,
                                                                      lambda r: r.names_person)),),
    named_records=(NamedRecord(HotlineRequest, models.OBJECT_TYPE, ("references",), _referenced_names),),
)
