"""What a gate needs of the alerts: the screening of a crossing against every active alert the
officer may see, and for each alert the facts that route a hit (kind, the action to take, the
owner node and unit).

The alerts domain provides the `AlertScreen` (alerts/gate_screen.py) and installs it with
`use_alert_screen` when it loads; `replace_alert_screen` puts another in its place for a while (a
benchmark's or a test's own index) and gives back the one it replaced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import ScreeningHit, ScreeningQuery
from borderlink.directory.permissions import Principal
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
    label: str = ""  # how the alert is named to an officer (its subject's first name, its document)
    unit_id: str = ""  # the owning unit's id on this node, when the screen knows it


class AlertScreen(Protocol):
    def screen(self, session: Session, principal: Principal, query: ScreeningQuery,
               now: dt.datetime) -> list[tuple[ScreeningHit, AlertFacts]]:
        """Active alerts the principal may see whose person, document or vehicle agrees, best first
        (the check is audited as the officer's)."""
        ...

    def screen_many(self, session: Session, principal: Principal, queries: Sequence[ScreeningQuery],
                    now: dt.datetime) -> list[list[tuple[ScreeningHit, AlertFacts]]]:
        """`screen` for each of several crossings at once (an e-gate's batch), answered in order."""
        ...

    def screen_unscoped(self, session: Session, query: ScreeningQuery) -> list[tuple[ScreeningHit, AlertFacts]]:
        """The same against every active alert of the node, for checks no officer asks for (a
        notice arriving from the other side)."""
        ...

    def facts(self, session: Session, alert_id: str) -> AlertFacts | None:
        """The facts of an active alert this node holds (its own or a replica), else None."""
        ...


class NoAlertScreen(Conflict):
    """No domain screens alerts on this node, so a crossing cannot be checked."""


_installed: list[AlertScreen] = []


def use_alert_screen(screen: AlertScreen) -> None:
    """Screen crossings with `screen` from now on (the alerts domain installs its own)."""
    _installed[:] = [screen]


def replace_alert_screen(screen: AlertScreen | None) -> AlertScreen | None:
    """Put `screen` in place of the installed one (None: none) and return the one replaced."""
    previous = _installed[0] if _installed else None
    _installed[:] = [screen] if screen is not None else []
    return previous


def alert_screen() -> AlertScreen:
    if not _installed:
        raise NoAlertScreen("Alerts cannot be screened on this node; the crossing was not recorded.")
    return _installed[0]
