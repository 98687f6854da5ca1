"""The alerts' answer to a gate: the `AlertScreen` the gates domain screens crossings with, over
this node's live screening index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from borderlink.alerts import live_index, screening_service
from borderlink.alerts.models import Alert, Status
from borderlink.alerts.screening_entries import ScreeningHit, ScreeningQuery
from borderlink.alerts.views import title_of
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.gates.alert_screen import AlertFacts, use_alert_screen

# What `facts_of` reads of an alert: a gate's screening loads only these of the alerts it matched.
FACT_COLUMNS = (Alert.kind, Alert.action, Alert.owner_party, Alert.owner_unit_id, Alert.handling_code,
                Alert.person, Alert.documents, Alert.vehicles)


def facts_of(session: Session, alert: Alert) -> AlertFacts:
    codes = directory.unit_codes(session, [alert.owner_unit_id])  # cached: no query per hit
    return AlertFacts(alert_id=alert.id, kind=alert.kind.value, action=alert.action.value, party=alert.owner_party,
                      unit_code=codes[alert.owner_unit_id], handling_code=alert.handling_code.value,
                      label=title_of(alert), unit_id=alert.owner_unit_id)


class NodeAlertScreen:
    """Every active alert this node holds (its own, and the other side's not hidden from it)."""

    def screen(self, session: Session, principal: Principal, query: ScreeningQuery,
               now: dt.datetime) -> list[tuple[ScreeningHit, AlertFacts]]:
        # The officer's own check: scoped to the alerts they may see, and audited as theirs.
        return self.screen_many(session, principal, [query], now)[0]

    def screen_many(self, session: Session, principal: Principal, queries: Sequence[ScreeningQuery],
                    now: dt.datetime) -> list[list[tuple[ScreeningHit, AlertFacts]]]:
        found = screening_service.screen_many(session, principal, queries, now, purpose="gate crossing",
                                              columns=FACT_COLUMNS)
        return [[(match.hit, facts_of(session, match.alert)) for match in matches] for matches in found]

    def screen_unscoped(self, session: Session, query: ScreeningQuery) -> list[tuple[ScreeningHit, AlertFacts]]:
        with live_index.index_for(session, directory.local_party(session).code) as index:
            hits = index.check(query)
        found = [(hit, self.facts(session, hit.alert_id)) for hit in hits]
        return [(hit, facts) for hit, facts in found if facts is not None]

    def facts(self, session: Session, alert_id: str) -> AlertFacts | None:
        alert = session.get(Alert, alert_id)
        if alert is None or alert.status is not Status.ACTIVE:
            return None
        return facts_of(session, alert)


def install() -> None:
    """Gates on this node screen crossings against the alerts."""
    use_alert_screen(NodeAlertScreen())
