"""How hits, overstays and pre-arrival notices appear in a unit's work feed on the home page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.gates.models import Crossing, Hit, HitStatus, PreArrival, PreArrivalStatus
from borderlink.gates.views import explanation
from borderlink.shared.feedkinds import FeedCard
from borderlink.shared.timeline import N_
from borderlink.web.i18n import translator

HIT_TITLE = N_("Hit at %(gate)s: %(names)s")
OVERSTAY_TITLE = N_("Overstay: %(names)s, entered %(date)s")
PRE_ARRIVAL_TITLE = N_("Vehicle %(plate)s expected, %(cargo)s")
INDIRECT_MESSAGES = tuple((message, "Work feed card.") for message in (HIT_TITLE, OVERSTAY_TITLE, PRE_ARRIVAL_TITLE))


def hit_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    gettext = translator(language)
    found = session.scalars(select(Hit).where(Hit.id.in_(list(ids))))
    return {hit.id: FeedCard(
        title=gettext(HIT_TITLE, gate=hit.crossing.get("gate_unit_code", ""),
                      names=" · ".join(hit.crossing.get("names") or []) or hit.crossing.get("vehicle_plate") or ""),
        href=f"/gates/hits/{hit.id}", detail=explanation(hit, language)) for hit in found}


def hit_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Hit.id == id_column, Hit.status == HitStatus.PENDING)


def overstay_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    gettext = translator(language)
    found = session.scalars(select(Crossing).where(Crossing.id.in_(list(ids))))
    return {c.id: FeedCard(title=gettext(OVERSTAY_TITLE, names=" · ".join(c.names),
                                         date=c.crossed_at.date().isoformat()),
                           href=f"/gates/crossings/{c.id}", detail=c.border_pass or "") for c in found}


def overstay_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Crossing.id == id_column, Crossing.exit_crossing_id.is_(None))


def pre_arrival_cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    gettext = translator(language)
    found = session.scalars(select(PreArrival).where(PreArrival.id.in_(list(ids))))
    return {n.id: FeedCard(title=gettext(PRE_ARRIVAL_TITLE, plate=n.plate, cargo=n.cargo_description[:80]),
                           href="/gates", detail=" · ".join(n.driver_names)) for n in found}


def pre_arrival_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(PreArrival.id == id_column, PreArrival.status == PreArrivalStatus.EXPECTED)
