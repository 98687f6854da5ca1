"""Minutes files of an engagement (scans, the signed text in each language), kept through the
shared attachments and sent to the other side, so both hold the same files under the same ids."""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import common
from borderlink.engagements import service as engagements
from borderlink.engagements.contracts import MAX_MINUTES_FILE_BYTES, MinutesFileMessage
from borderlink.engagements.models import ENGAGEMENT, Engagement
from borderlink.errors import Forbidden
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared import peer_files
from borderlink.shared.attachments import Attachable, StoredFile, seen_with
from borderlink.shared.replicated import known, send_to_peer

MAX_FILES = 10


def minutes_added(session: Session, principal: Principal, stored: StoredFile) -> None:
    """A file added on this side goes to the other side's unit on the engagement."""
    engagement = engagements.ENGAGEMENT_KIND.visible(session, principal, stored.object_id)
    if not principal.can(Permission.ENGAGEMENTS_PLAN):
        raise Forbidden("Your role may not plan engagements.")
    message = MinutesFileMessage.from_fields({"engagement_id": engagement.id, "party": principal.party,
                                              "file": peer_files.peer_file(stored)})
    send_to_peer(session, message, engagement, principal.party,
                 stream=engagements.ENGAGEMENT_KIND.stream(engagement.id))


def apply_minutes_file(session: Session, envelope: InboundEnvelope[MinutesFileMessage]) -> None:
    body = envelope.body
    engagement = known(session, Engagement, body.engagement_id, "engagement")
    if body.party != envelope.sender_party:
        raise Rejected("a minutes file must come from the sending node")
    peer_files.store(session, engagements.ENGAGEMENT_KIND.ref(engagement.id), body.file, common.now_of(session),
                     added_by=envelope.sender_party, max_files=MAX_FILES)


# Minutes files are seen with their engagement; they bear no person's data.
ATTACHABLE = Attachable(ENGAGEMENT, open_object=seen_with(engagements.ENGAGEMENT_KIND.visible, False),
                        add_permission=Permission.ENGAGEMENTS_PLAN, max_files=MAX_FILES,
                        max_bytes=MAX_MINUTES_FILE_BYTES, on_added=minutes_added)
