"""How alerts appear on the home page's work feed: a new alert from the other side or of another
unit of ours, a flag raised on our alert, an alert coming up for its expiry review, a refusal."""

from __future__ import annotations

from borderlink.alerts.models import Alert
from borderlink.alerts.views import labels
from borderlink.matching.render import display_renderings
from borderlink.shared.feedkinds import FeedCard


def _subject(alert: Alert) -> str:
    names = list((alert.person or {}).get("names") or [])
    if names:
        return " · ".join(display_renderings(names[0]))
    documents = [d.get("number", "") for d in alert.documents] + [v.get("plate", "") for v in alert.vehicles]
    return ", ".join(filter(None, documents))


def alert_card(row: Alert, language: str) -> FeedCard:
    named = labels(row, language)
    return FeedCard(title=" — ".join(filter(None, [named["kind"], _subject(row)])), href=f"/alerts/{row.id}",
                    detail=" · ".join([named.get("offence", row.offence_code), named["status"],
                                       row.expires_at.date().isoformat()]))
