"""What a gate needs of the alerts: the live screening index's answer for a crossing, and for
each alert it names the facts that route a hit (kind, action to take, owner node and unit).

The alerts domain provides the `AlertScreen` a node's gate checks use; `use_alert_screen` puts
another in its place for this process (a benchmark's or a test's own alerts).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import ScreeningHit, ScreeningQuery
from borderlink.errors import Conflict


@dataclasses.dataclass(frozen=True, slots=True)
class AlertFacts:
    """Of one active alert: what it is, what to do on a hit, and who answers the hit."""

    alert_id: str
    kind: str  # wanted, missing, victim, person_of_interest, document, vehicle
    action: str  # arrest, protect, discreet_check, seize_document, seize_vehicle
    party: str  # the node that owns the alert
    unit_code: str  # its owning unit
    handling_code: str = "H0"
    label: str = ""  # how the alert is named to the officer (its subject's names)


class AlertScreen(Protocol):
    def check(self, session: Session, query: ScreeningQuery) -> list[ScreeningHit]:
        """Active alerts whose person, document or vehicle agrees with the query, best first."""
        ...

    def facts(self, session: Session, alert_ids: Collection[str]) -> Mapping[str, AlertFacts]:
        """The facts of those of `alert_ids` that this node holds (own alerts and replicas)."""
        ...


class NoAlertScreen(Conflict):
    """The node has no screening of alerts, so a crossing cannot be checked."""


_override: list[AlertScreen] = []


def use_alert_screen(screen: AlertScreen | None) -> None:
    """Screen this process's crossings with `screen` instead of the alerts domain's (None: undo)."""
    _override.clear()
    if screen is not None:
        _override.append(screen)


def alert_screen(session: Session) -> AlertScreen:
    if _override:
        return _override[0]
    raise NoAlertScreen("Alerts cannot be screened on this node now; the crossing was not recorded.")
