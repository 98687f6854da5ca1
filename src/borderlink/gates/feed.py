"""How hits, overstays and pre-arrival notices appear in a unit's work feed on the home page."""

from __future__ import annotations

from borderlink.gates.models import Crossing, Hit, PreArrival
from borderlink.gates.views import explanation
from borderlink.shared.feedkinds import FeedCard
from borderlink.shared.timeline import N_
from borderlink.web.i18n import translator

HIT_TITLE = N_("Hit at %(gate)s: %(names)s")
OVERSTAY_TITLE = N_("Overstay: %(names)s, entered %(date)s")
PRE_ARRIVAL_TITLE = N_("Vehicle %(plate)s expected, %(cargo)s")
INDIRECT_MESSAGES = tuple((message, "Work feed card.") for message in (HIT_TITLE, OVERSTAY_TITLE, PRE_ARRIVAL_TITLE))


def hit_card(hit: Hit, language: str) -> FeedCard:
    names = " · ".join(hit.crossing.get("names") or []) or hit.crossing.get("vehicle_plate") or ""
    return FeedCard(title=translator(language)(HIT_TITLE, gate=hit.crossing.get("gate_unit_code", ""), names=names),
                    href=f"/gates/hits/{hit.id}", detail=explanation(hit, language))


def overstay_card(crossing: Crossing, language: str) -> FeedCard:
    return FeedCard(title=translator(language)(OVERSTAY_TITLE, names=" · ".join(crossing.names),
                                               date=crossing.crossed_at.date().isoformat()),
                    href=f"/gates/crossings/{crossing.id}", detail=crossing.border_pass or "")


def pre_arrival_card(notice: PreArrival, language: str) -> FeedCard:
    return FeedCard(title=translator(language)(PRE_ARRIVAL_TITLE, plate=notice.plate,
                                               cargo=notice.cargo_description[:80]),
                    href="/gates", detail=" · ".join(notice.driver_names))
