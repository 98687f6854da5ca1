"""When the other node refuses one of our alert messages, the refusal reaches the alert: a step on
its timeline in the other side's words, and the alert back in our unit's work feed."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from borderlink.alerts import service
from borderlink.alerts.contracts import AlertFlagged, AlertPublished, AlertUpdated
from borderlink.alerts.models import TIMELINE, Alert
from borderlink.alerts.visibility import alert_ref
from borderlink.directory import service as directory
from borderlink.shared import workfeed
from borderlink.shared.contracts import MessageBody
from borderlink.shared.timeline import Detail
from borderlink.shared.workfeed import Reason

log = logging.getLogger("borderlink.alerts.refusals")
MAX_REASON = 1000


def alert_id_of(body: MessageBody) -> str | None:
    if isinstance(body, AlertPublished | AlertUpdated):
        return body.alert.id
    found = getattr(body, "alert_id", None)
    return found if isinstance(found, str) else None


def show_refusal(session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
    alert_id = alert_id_of(body)
    alert = session.get(Alert, alert_id) if alert_id else None
    if alert is None:
        log.error("the peer refused %s envelope %s about an alert unknown here", body.message_kind, envelope_id)
        return
    now = service.now_of_session(session)
    local = directory.local_party(session).code
    peer = "CN" if local == "VN" else "VN"
    TIMELINE.record(session, alert.id, "refused_by_peer", now, peer, None, Detail.text(reason[:MAX_REASON]))
    if isinstance(body, AlertFlagged):
        unit_id = directory.get_unit_by_code(session, body.unit_code).id
    else:
        unit_id = alert.owner_unit_id
    workfeed.put(session, alert_ref(alert.id), unit_id, Reason.REFUSED, now)
