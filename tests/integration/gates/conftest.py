"""A gate node's alert screen made of a real screening index over alerts held in memory, for the
crossing tests that run before or beside the alerts domain's own tables."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

import pytest
from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import AlertEntry, InMemoryAlertSource, ScreeningHit, ScreeningQuery
from borderlink.alerts.screening_index import ScreeningIndex
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

    def check(self, session: Session, query: ScreeningQuery) -> list[ScreeningHit]:
        return self.index.check(query)

    def facts(self, session: Session, alert_ids: Collection[str]) -> Mapping[str, AlertFacts]:
        return {alert_id: self.known[alert_id] for alert_id in alert_ids if alert_id in self.known}


@pytest.fixture
def held_alerts() -> Iterator[HeldAlerts]:
    held = HeldAlerts()
    alert_screen.use_alert_screen(held)
    try:
        yield held
    finally:
        alert_screen.use_alert_screen(None)
        held.index.close()
