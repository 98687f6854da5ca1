"""The alerts' answer to a gate: the `AlertScreen` the gates domain screens crossings with, over
this node's live screening index."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts import live_index
from borderlink.alerts.models import Alert
from borderlink.alerts.screening_entries import ScreeningHit, ScreeningQuery
from borderlink.alerts.views import title_of
from borderlink.directory import service as directory
from borderlink.gates.alert_screen import AlertFacts, use_alert_screen


class NodeAlertScreen:
    """Every active alert this node holds (its own, and the other side's not hidden from it)."""

    def check(self, session: Session, query: ScreeningQuery) -> list[ScreeningHit]:
        with live_index.index_for(session, directory.local_party(session).code) as index:
            return index.check(query)

    def facts(self, session: Session, alert_ids: Collection[str]) -> Mapping[str, AlertFacts]:
        if not alert_ids:
            return {}
        alerts = session.scalars(select(Alert).where(Alert.id.in_(list(alert_ids))))
        return {alert.id: AlertFacts(alert_id=alert.id, kind=alert.kind.value, action=alert.action.value,
                                     party=alert.owner_party,
                                     unit_code=directory.get_unit(session, alert.owner_unit_id).code,
                                     handling_code=alert.handling_code.value, label=title_of(alert))
                for alert in alerts}


def install() -> None:
    """Gates on this node screen crossings against the alerts."""
    use_alert_screen(NodeAlertScreen())
