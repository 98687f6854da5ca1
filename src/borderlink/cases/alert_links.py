"""What the cases domain asks of the alerts domain, through its service functions only: whether
an alert is a wanted alert the principal may see, and fulfilling it once its subject is handed over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from borderlink.alerts import protection, views
from borderlink.alerts import service as alerts
from borderlink.alerts.models import AlertKind
from borderlink.cases.handover_models import Handover
from borderlink.directory.permissions import Principal
from borderlink.errors import InvalidInput, NotFound


def require_wanted_alert(session: Session, principal: Principal, alert_id: str) -> None:
    """The alert exists, the principal may see it, and it is a wanted alert."""
    alert = alerts.get_alert(session, principal, alert_id)
    if alert.kind != AlertKind.WANTED:
        raise InvalidInput("The linked alert is not a wanted alert.", field="alert_id")


def is_wanted_alert(session: Session, principal: Principal, alert_id: str) -> bool:
    """Whether the alert is a wanted alert the principal may see."""
    try:
        require_wanted_alert(session, principal, alert_id)
    except (NotFound, InvalidInput):
        return False
    return True


def alert_label(session: Session, principal: Principal, alert_id: str) -> str:
    """What a link to the alert shows (NotFound when the principal may not see it)."""
    return views.title_of(alerts.get_alert(session, principal, alert_id))


def fulfil_on_handover(session: Session, handover: Handover, local_party: str, now: dt.datetime) -> None:
    """The subject of the wanted alert was handed over: the node that issued the alert ends it as
    fulfilled and tells the other node, as it does for every end of an alert."""
    alerts.fulfil_by_handover(session, handover.alert_id or "", local_party,
                              unit_code=handover.handing_gate.code if handover.owner_party == local_party
                              else handover.receiving_gate.code,
                              note=f"handover {handover.id}", now=now)


def is_protected_by_alert(session: Session, names: list[str], birth_date: str | None, gender: str | None,
                          nationality: str | None) -> bool:
    """Whether the person is the subject of an active victim alert (either side's)."""
    return protection.is_protected(session, names, birth_date, gender, nationality)
