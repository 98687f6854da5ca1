"""Screening checks: a person (a name in any script, with what else is known), a document or a
plate against every active alert this node holds, answered with the reasons for each match.

Gates and the check page call `screen`; `POST /api/v1/screening/check` is its API. Hits the
checking officer may not see (a replica not distributed to their unit) are dropped in SQL
afterwards, and every check is audited, whether it found anything or not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute, Session

from borderlink.alerts import live_index
from borderlink.alerts.models import Alert
from borderlink.alerts.screening_entries import ScreeningHit, ScreeningQuery
from borderlink.alerts.visibility import visible_ids
from borderlink.audit import service as audit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden
from borderlink.matching import DEFAULT_THRESHOLD
from borderlink.shared.forms import N_

Translate = Callable[..., str]

_RESULTS = {
    "birth_date": {"agree": N_("birth date agrees (%(entry)s)"),
                   "compatible": N_("birth date fits (%(query)s within %(entry)s)"),
                   "close": N_("birth date nearly agrees (%(query)s, alert %(entry)s)"),
                   "conflict": N_("birth date differs (%(query)s, alert %(entry)s)")},
    "gender": {"agree": N_("gender agrees"), "conflict": N_("gender differs")},
    "nationality": {"agree": N_("nationality agrees"), "conflict": N_("nationality differs")},
}
_RENDERINGS = {"characters": N_("Chinese characters"), "pinyin": N_("Pinyin"), "han_viet": N_("Sino-Vietnamese"),
               "latin": N_("Latin spelling")}


@dataclasses.dataclass(frozen=True)
class ScreeningMatch:
    alert: Alert
    hit: ScreeningHit

    def explanation(self, translate: Translate) -> list[str]:
        return explain(self.hit, translate)


def _english(message: str, **values: object) -> str:
    return message % values if values else message


def explain(hit: ScreeningHit, translate: Translate = _english) -> list[str]:
    """The matcher's explanation as sentences in the reader's language."""
    details = hit.explanation
    if hit.subject == "document":
        return [translate(N_("document number %(number)s agrees"), number=details.get("document_number"))]
    if hit.subject == "vehicle":
        return [translate(N_("plate %(plate)s agrees"), plate=details.get("plate"))]
    lines = []
    name = details.get("name")
    if isinstance(name, dict):
        rendering = str(name.get("rendering") or "")
        lines.append(translate(N_("name %(query)s agrees with %(entry)s (%(rendering)s, %(score)s%%)"),
                               query=name.get("query_name"), entry=name.get("entry_name"),
                               rendering=translate(_RENDERINGS[rendering]) if rendering in _RENDERINGS else rendering,
                               score=round(float(name.get("score") or 0) * 100)))
    for field, messages in _RESULTS.items():
        part = details.get(field)
        if isinstance(part, dict) and part.get("result") in messages:
            lines.append(translate(messages[str(part["result"])], query=part.get("query"), entry=part.get("entry")))
    return lines


def screen(session: Session, principal: Principal, query: ScreeningQuery, now: dt.datetime, *,
           limit: int = 10, threshold: float = DEFAULT_THRESHOLD, purpose: str = "check") -> list[ScreeningMatch]:
    """Matches the principal may see, best first; the check is audited (who, what, how many)."""
    return screen_many(session, principal, [query], now, limit=limit, threshold=threshold, purpose=purpose)[0]


def screen_many(session: Session, principal: Principal, queries: Sequence[ScreeningQuery], now: dt.datetime, *,
                limit: int = 10, threshold: float = DEFAULT_THRESHOLD, purpose: str = "check",
                columns: Sequence[InstrumentedAttribute[Any]] = ()) -> list[list[ScreeningMatch]]:
    """`screen` for each query (an e-gate's batch), against one catch-up of the index, with one
    visibility read for all of their hits; each check is audited as its own entry. `columns`:
    only these of the matched alerts are loaded at once (what the caller reads of them)."""
    if not principal.can(Permission.ALERTS_SCREEN):
        raise Forbidden("Your role may not run screening checks.")
    with live_index.index_for(session, principal.party) as index:
        found = [index.check(query, threshold=threshold, limit=limit * 3) for query in queries]
    visible = visible_ids(session, principal, list(dict.fromkeys(hit.alert_id for hits in found for hit in hits)),
                          columns)
    answers = [[ScreeningMatch(visible[hit.alert_id], hit) for hit in hits if hit.alert_id in visible][:limit]
               for hits in found]
    audit.append(session, [{"action": "screen", "object_type": "alerts", "object_id": principal.unit_code,
                            "detail": json.dumps({"by": principal.label, "purpose": purpose,
                                                  "query": {k: v for k, v in dataclasses.asdict(query).items() if v},
                                                  "at": now.isoformat(),
                                                  "matches": [m.alert.id for m in matches]}, ensure_ascii=False)}
                           for query, matches in zip(queries, answers, strict=True)])
    return answers
