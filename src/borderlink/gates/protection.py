"""Whether a traveller a gate found in the alerts is a person to protect: a person another domain
protects (a victim on one of this node's cases, through shared/protected_persons.py), or the
subject of an active victim alert. Every hit on such a traveller asks for
protection ("protect"), never for an arrest, and the gate may not record that it held them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from borderlink.gates.alert_screen import AlertFacts
from borderlink.gates.hits import VICTIM_KIND
from borderlink.gates.models import Crossing
from borderlink.shared import protected_persons


def traveller_is_protected(session: Session, crossing: Crossing, matched: Sequence[AlertFacts]) -> bool:
    """Asked only when the crossing matched an alert. A victim alert the traveller is the subject
    of is among the matches already (the same index, at the same threshold), so only the other
    domains' protected persons are asked about."""
    if any(facts.kind == VICTIM_KIND for facts in matched):
        return True
    person = protected_persons.Person(tuple(crossing.names), crossing.birth_date,
                                      crossing.sex if crossing.sex in ("M", "F") else None, crossing.nationality)
    return bool(protected_persons.protecting(session, person))
