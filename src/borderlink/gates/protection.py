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


def travellers_protected(session: Session, screened: Sequence[tuple[Crossing, Sequence[AlertFacts]]]) -> list[bool]:
    """For each crossing with the alerts it matched, whether its traveller is protected, asked of
    the other domains once for the whole batch and only for crossings that matched an alert. A
    victim alert the traveller is the subject of is among the matches already (the same index, at
    the same threshold), so only the other domains' protected persons are asked about."""
    answers = [any(facts.kind == VICTIM_KIND for facts in matched) for _, matched in screened]
    asked = [place for place, (_, matched) in enumerate(screened) if matched and not answers[place]]
    if not asked:
        return answers
    persons = [_person(screened[place][0]) for place in asked]
    for place, protections in zip(asked, protected_persons.protecting_each(session, persons), strict=True):
        answers[place] = bool(protections)
    return answers


def _person(crossing: Crossing) -> protected_persons.Person:
    return protected_persons.Person(tuple(crossing.names), crossing.birth_date,
                                    crossing.sex if crossing.sex in ("M", "F") else None, crossing.nationality)
