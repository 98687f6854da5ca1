"""A gate node's alert screen made of a real screening index over alerts held in memory, for the
crossing tests that run before or beside the alerts domain's own tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest
from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import AlertEntry, InMemoryAlertSource, ScreeningHit, ScreeningQuery
from borderlink.alerts.screening_index import ScreeningIndex
from borderlink.directory.permissions import Principal
from borderlink.gates import alert_screen
from borderlink.gates.alert_screen import AlertFacts


class HeldAlerts:
    """Alerts screened through a real `ScreeningIndex`; their facts kept beside them."""

    def __init__(self) -> None:
        self.source = InMemoryAlertSource()
        self.index = ScreeningIndex.build(self.source)
        self.known: dict[str, AlertFacts] = {}

    def add(self, entry: AlertEntry, facts: AlertFacts) -> None:
        self.source.put(entry)
        self.known[entry.alert_id] = facts
        self.index.refresh()

    def screen(self, session: Session, principal: Principal, query: ScreeningQuery,
               now: dt.datetime) -> list[tuple[ScreeningHit, AlertFacts]]:
        return [(hit, self.known[hit.alert_id]) for hit in self.index.check(query)]

    def screen_many(self, session: Session, principal: Principal, queries: Sequence[ScreeningQuery],
                    now: dt.datetime) -> list[list[tuple[ScreeningHit, AlertFacts]]]:
        return [self.screen(session, principal, query, now) for query in queries]

    def screen_unscoped(self, session: Session, query: ScreeningQuery) -> list[tuple[ScreeningHit, AlertFacts]]:
        return [(hit, self.known[hit.alert_id]) for hit in self.index.check(query)]

    def facts(self, session: Session, alert_id: str) -> AlertFacts | None:
        return self.known.get(alert_id)


@pytest.fixture
def held_alerts() -> Iterator[HeldAlerts]:
    held = HeldAlerts()
    installed = alert_screen.replace_alert_screen(held)
    try:
        yield held
    finally:
        alert_screen.replace_alert_screen(installed)
        held.index.close()
