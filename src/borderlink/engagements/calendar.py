"""The calendar of engagements and patrols for the viewer's units, in the viewer's time zone, its
iCalendar export (RFC 5545), and the figures the statistics take from engagements.
"""

from __future__ import annotations

import calendar as month_grid
import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderlink.directory.permissions import Permission, Principal
from borderlink.engagements import common, patrols
from borderlink.engagements import service as engagements
from borderlink.engagements.models import ENGAGEMENT, PATROL, Engagement, EngagementStatus, Patrol, PatrolStatus
from borderlink.errors import InvalidInput

PRODUCT_ID = "-//BorderLink//Engagements//EN"
_SHOWN_ENGAGEMENTS = (EngagementStatus.PLANNED, EngagementStatus.CONFIRMED, EngagementStatus.HELD)
_SHOWN_PATROLS = (PatrolStatus.PROPOSED, PatrolStatus.AGREED, PatrolStatus.COMPLETED)


@dataclasses.dataclass(frozen=True)
class CalendarItem:
    kind: str  # "engagement" or "patrol"
    id: str
    title: str
    starts_at: dt.datetime  # in the viewer's zone
    ends_at: dt.datetime
    place: str
    status: str

    @property
    def href(self) -> str:
        return f"/engagements/{self.id}" if self.kind == "engagement" else f"/engagements/patrols/{self.id}"


@dataclasses.dataclass(frozen=True)
class Month:
    year: int
    month: int
    zone: str
    weeks: list[list[dt.date | None]]
    items: list[CalendarItem]

    def on(self, day: dt.date) -> list[CalendarItem]:
        return [i for i in self.items if i.starts_at.date() <= day <= i.ends_at.date()]

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shifted(self, months: int) -> str:
        index = self.year * 12 + self.month - 1 + months
        return f"{index // 12:04d}-{index % 12 + 1:02d}"


def parse_month(text: str | None, zone: str, now: dt.datetime) -> tuple[int, int]:
    if not text:
        local = now.astimezone(ZoneInfo(zone))
        return local.year, local.month
    try:
        year, month = (int(part) for part in text.split("-", 1))
        dt.date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput("Give the month as YYYY-MM.", field="month") from exc
    return year, month


def _bounds(year: int, month: int, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(zone)
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def items_between(session: Session, principal: Principal, start: dt.datetime, end: dt.datetime,
                  language: str) -> list[CalendarItem]:
    """Engagements and patrols of the principal's units overlapping [start, end), in their zone."""
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return []
    zone = ZoneInfo(principal.timezone)
    found: list[CalendarItem] = []
    for engagement in session.scalars(select(Engagement).where(
            Engagement.starts_at < end, Engagement.ends_at >= start, Engagement.status.in_(_SHOWN_ENGAGEMENTS),
            common.visible_to(principal, ENGAGEMENT, Engagement.id))):
        found.append(CalendarItem("engagement", engagement.id, engagements.title_of(engagement, language),
                                  engagement.starts_at.astimezone(zone), engagement.ends_at.astimezone(zone),
                                  engagement.place, engagement.status.value))
    for patrol in session.scalars(select(Patrol).where(
            Patrol.starts_at < end, Patrol.ends_at >= start, Patrol.status.in_(_SHOWN_PATROLS),
            common.visible_to(principal, PATROL, Patrol.id))):
        found.append(CalendarItem("patrol", patrol.id, patrols.sector(patrol), patrol.starts_at.astimezone(zone),
                                  patrol.ends_at.astimezone(zone), patrol.route[:120], patrol.status.value))
    return sorted(found, key=lambda item: (item.starts_at, item.id))


def month_view(session: Session, principal: Principal, year: int, month: int, language: str) -> Month:
    start, end = _bounds(year, month, principal.timezone)
    weeks = [[day if day.month == month else None for day in week]
             for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    return Month(year, month, principal.timezone, weeks, items_between(session, principal, start, end, language))


def weekday_names(language: str) -> list[str]:
    """Monday to Sunday, abbreviated in the reader's language."""
    from babel.dates import get_day_names

    from borderlink.web.i18n import babel_locale

    names = get_day_names("abbreviated", locale=babel_locale(language))
    return [str(names[day]) for day in range(7)]


def ical(items: Sequence[CalendarItem], base_url: str, patrol_word: str, now: dt.datetime) -> bytes:
    """An iCalendar file of the items; times are written in UTC, which every reader converts."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"{item.id}@borderlink")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(dt.UTC))
        event.add("dtend", item.ends_at.astimezone(dt.UTC))
        event.add("summary", item.title if item.kind == "engagement" else f"{patrol_word} {item.title}")
        event.add("location", item.place)
        event.add("status", "CANCELLED" if item.status == "cancelled" else
                  "TENTATIVE" if item.status in ("planned", "proposed") else "CONFIRMED")
        event.add("url", f"{base_url.rstrip('/')}{item.href}")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


# --- figures for the statistics ------------------------------------------------------------------

def engagement_figures(session: Session, principal: Principal, start: dt.datetime,
                       end: dt.datetime) -> dict[str, Any]:
    """Engagements held in [start, end) among those the principal sees: how many by tier and kind,
    and how many officials took part on each side. The reports domain calls this."""
    if not principal.can(Permission.ENGAGEMENTS_READ):
        return {"held": 0, "by_tier_and_kind": [], "officials": {"VN": 0, "CN": 0}}
    rows = session.execute(
        select(Engagement.tier, Engagement.kind, func.count(), func.sum(Engagement.officials_vn),
               func.sum(Engagement.officials_cn))
        .where(Engagement.status == EngagementStatus.HELD, Engagement.starts_at >= start, Engagement.starts_at < end,
               common.visible_to(principal, ENGAGEMENT, Engagement.id))
        .group_by(Engagement.tier, Engagement.kind).order_by(Engagement.tier, Engagement.kind)).all()
    groups = [Figure(str(tier), str(kind), int(count), int(vn or 0), int(cn or 0))
              for tier, kind, count, vn, cn in rows]
    return {"held": sum(g.held for g in groups),
            "by_tier_and_kind": [{"tier": g.tier, "kind": g.kind, "held": g.held,
                                  "officials": {"VN": g.officials_vn, "CN": g.officials_cn}} for g in groups],
            "officials": {"VN": sum(g.officials_vn for g in groups), "CN": sum(g.officials_cn for g in groups)}}


@dataclasses.dataclass(frozen=True)
class Figure:
    """Engagements held at one tier, of one kind, and the officials who took part on each side."""

    tier: str
    kind: str
    held: int
    officials_vn: int
    officials_cn: int
