"""What every part of the domain needs: who sees an object, routing to the counterpart unit, and
times in both sides' zones. A copy or a step goes across with `replicated.send_to_peer`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

from borderlink.config import PARTY_DEFAULTS
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import InvalidInput
from borderlink.shared import scoping, workfeed
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.replicated import Paired, local_unit_of
from borderlink.shared.timeline import Timeline
from borderlink.shared.timeline import TimelineEvent as TimelineRow
from borderlink.shared.workfeed import ObjectRef, Reason

T = TypeVar("T")
PARTIES = ("VN", "CN")
PARTY_ZONES = {party: str(PARTY_DEFAULTS[party]["timezone"]) for party in PARTIES}


class Shared(Paired, Protocol):
    """The columns of an object shared between one unit on each side."""

    id: str
    version: int


def now_of(session: Session) -> dt.datetime:
    clock = session.info.get("clock")
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


def other_party(party: str) -> str:
    return "CN" if party == "VN" else "VN"


def local_times(starts_at: dt.datetime, ends_at: dt.datetime) -> dict[str, dict[str, Any]]:
    """A time window in each side's zone (Viet Nam UTC+7, China UTC+8)."""
    return {party: {"zone": zone, "starts_at": starts_at.astimezone(ZoneInfo(zone)),
                    "ends_at": ends_at.astimezone(ZoneInfo(zone))} for party, zone in PARTY_ZONES.items()}


def counterpart(session: Session, unit: Unit, code: str | None, field: str = "counterpart_unit_code") -> Unit:
    """The unit across the border the object is shared with: a counterpart of `unit`."""
    return directory.choose_counterpart(session, unit, code, field)


def unit_by_code(session: Session, code: str, field: str) -> Unit:
    try:
        return directory.get_unit_by_code(session, code)
    except Exception as exc:  # NotFound, shown beside the input
        raise InvalidInput("There is no unit %(code)s.", field=field, code=code) from exc


def kind(object_type: str, model: type[T], stream_prefix: str = "engagements") -> ObjectKind[T]:
    """An object type of the domain; engagements, their agreements and their commitments travel in
    one ordered stream per engagement (`"engagements:<engagement id>"`)."""
    return ObjectKind(object_type, model, stream_prefix, Permission.ENGAGEMENTS_READ,
                      "There is no such record, or you may not see it.")


def visible_to(principal: Principal, object_type: str, id_column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """SQL: the row's object is in a feed the principal reads."""
    return scoping.visible_clause(object_type, id_column.expression, principal.scope_unit_ids)


def share_locally(session: Session, object_type: str, obj: Shared, party: str, now: dt.datetime, *,
                  unread: bool) -> None:
    """Put the object in the feed of this side's unit on it."""
    unit = local_unit_of(session, obj, party)
    reason = Reason.SENT if obj.owner_party == party else Reason.RECEIVED
    workfeed.put(session, ObjectRef(object_type, obj.id), unit.id, reason, now, unread=unread)


def event_payload(timeline: Timeline, event: TimelineRow) -> dict[str, Any]:
    return timeline.payload(event)


