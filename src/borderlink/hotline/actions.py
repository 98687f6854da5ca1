"""What is done to a request alike from its page and from the API: acknowledge it, reply, close it
on both sides, share it with another unit of this node."""

from __future__ import annotations

from borderlink.directory.permissions import Permission
from borderlink.hotline import service
from borderlink.hotline.models import HotlineRequest
from borderlink.hotline.schemas import ForwardCreate, ReplyCreate, ReplyOut, RequestOut
from borderlink.hotline.views import request_out
from borderlink.shared.shapes import shaped
from borderlink.web.object_actions import Acting, ObjectAction


def _shown(acting: Acting, found: HotlineRequest) -> RequestOut:
    return request_out(acting.session, found, acting.now)


def _shared(acting: Acting, body: ForwardCreate) -> HotlineRequest:
    service.forward(acting.session, acting.principal, acting.object_id, body.unit_code, acting.now)
    return service.REQUEST_KIND.visible(acting.session, acting.principal, acting.object_id)


REQUEST_ACTIONS = (
    ObjectAction("acknowledge", "/requests/{request_id}/acknowledge", Permission.HOTLINE_ANSWER,
                 run=lambda on, _: service.acknowledge(on.session, on.principal, on.object_id, on.now),
                 answer=_shown, response_model=RequestOut, outcome="acknowledged"),
    ObjectAction("add_reply", "/requests/{request_id}/replies", Permission.HOTLINE_ANSWER, body=ReplyCreate,
                 run=lambda on, body: service.reply(on.session, on.principal, on.object_id, body.body, on.now),
                 answer=lambda on, reply: shaped(ReplyOut, reply, author_unit_code=on.principal.unit_code),
                 response_model=ReplyOut, status_code=201, outcome="replied",
                 page_path="/requests/{request_id}/reply", page_name="reply_form"),
    # Its page asks first (the GET of the same path, on the pages' router).
    ObjectAction("close", "/requests/{request_id}/close", Permission.HOTLINE_ANSWER,
                 run=lambda on, _: service.close(on.session, on.principal, on.object_id, on.now),
                 answer=_shown, response_model=RequestOut, outcome="closed"),
    ObjectAction("forward", "/requests/{request_id}/forward", Permission.HOTLINE_ANSWER, body=ForwardCreate,
                 run=_shared, answer=_shown, response_model=RequestOut, outcome="shared",
                 doc="Share a request with another unit of this node (refused by handling codes H2 and H3)."),
)
