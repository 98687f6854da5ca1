"""Person safeguards: a protected victim is never the subject of a wanted alert, and one side keeps
one alert per person (a second one is linked instead).

"The same person" is decided by the cross-script matcher: the names agree in some rendering
(王晓红, Wáng Xiǎohóng, Vương Hiểu Hồng, WANG XIAOHONG) and the birth dates do not disagree.
Candidates come from the live screening index (every active alert this node holds); drafts and
alerts under review, which are not in it, are compared one by one (they are few).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts import live_index
from borderlink.alerts.models import PERSON_KINDS, Alert, AlertKind, Status
from borderlink.alerts.screening_entries import ScreeningQuery
from borderlink.audit import service as audit
from borderlink.directory import service as directory
from borderlink.errors import Conflict
from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, score_records
from borderlink.shared import protected_persons
from borderlink.shared.forms import N_
from borderlink.shared.protected_persons import NAME_ONLY_THRESHOLD, Person, same_person

__all__ = ["NAME_ONLY_THRESHOLD", "Person", "ProtectedPerson", "SamePersonAlert", "same_person"]
_CANDIDATES = 50


class ProtectedPerson(Conflict):
    """A wanted alert on a person who is the subject of an active victim alert."""


class SamePersonAlert(Conflict):
    """This side already has an alert on the person: link to it instead of issuing a second."""


def _query(person: Person) -> ScreeningQuery:
    return ScreeningQuery(names=person.names, birth_date=person.birth_date, gender=person.gender,
                          nationality=person.nationality)


def _record(alert: Alert) -> PersonRecord | None:
    names = alert.names
    if not names:
        return None
    person = alert.person or {}
    nationalities = person.get("nationalities") or []
    return PersonRecord(id=alert.id, name=names[0], alt_names=tuple(names[1:]), birth_date=person.get("birth_date"),
                        gender=person.get("gender"), nationality=nationalities[0] if nationalities else None)


def matching_alerts(session: Session, person: Person, *, kinds: Sequence[AlertKind], party: str | None = None,
                    statuses: Sequence[Status] = (Status.ACTIVE,)) -> list[Alert]:
    """Alerts of these kinds (and owner party, and statuses) whose person is this person."""
    if not person.names:
        return []
    local = directory.local_party(session).code
    found: dict[str, Alert] = {}
    if Status.ACTIVE in statuses:
        with live_index.index_for(session, local) as index:
            hits = index.check(_query(person), threshold=DEFAULT_THRESHOLD, limit=_CANDIDATES)
        same = [hit.alert_id for hit in hits if hit.subject == "person" and same_person(hit.score, hit.explanation)]
        if same:
            query = select(Alert).where(Alert.id.in_(same), Alert.kind.in_(kinds), Alert.status == Status.ACTIVE)
            if party is not None:
                query = query.where(Alert.owner_party == party)
            found.update((a.id, a) for a in session.scalars(query))
    others = [s for s in statuses if s != Status.ACTIVE]
    if others:
        query = select(Alert).where(Alert.kind.in_(kinds), Alert.status.in_(others), Alert.purged_at.is_(None))
        if party is not None:
            query = query.where(Alert.owner_party == party)
        probe = PersonRecord(id="", name=person.names[0], alt_names=person.names[1:], birth_date=person.birth_date,
                             gender=person.gender, nationality=person.nationality)
        for alert in session.scalars(query):
            record = _record(alert)
            if record is not None:
                match = score_records(probe, record)
                if same_person(match.score, match.explanation):
                    found[alert.id] = alert
    return sorted(found.values(), key=lambda a: a.created_at)


def protecting_alerts(session: Session, person: Person) -> list[Alert]:
    """The active victim alerts (of either side) whose subject is this person."""
    return matching_alerts(session, person, kinds=(AlertKind.VICTIM,))


def is_protected(session: Session, names: Sequence[str], birth_date: str | None = None,
                 gender: str | None = None, nationality: str | None = None) -> bool:
    """Whether the person is the subject of an active victim alert: cases and gates ask before
    treating a person as a suspect (a trafficking victim is not punished for what they were made
    to do)."""
    return bool(protecting_alerts(session, Person(tuple(n for n in names if n.strip()), birth_date, gender,
                                                  nationality)))


def refuse_if_protected(session: Session, person: Person, actor_label: str) -> None:
    """Refuse a wanted alert on a protected person: the subject of an active victim alert, or a
    person another domain protects (a victim on a joint case, through shared/protected_persons.py).
    The attempt is audited (the caller commits the audit with the refusal, see api.py)."""
    protecting = protecting_alerts(session, person)
    elsewhere = protected_persons.protecting(session, person)
    if not protecting and not elsewhere:
        return
    detail = f"wanted alert refused, the person is protected; by {actor_label}"
    audit.append(session, [{"action": "refused", "object_type": "alerts", "object_id": alert.id, "detail": detail}
                           for alert in protecting])
    audit.append(session, [{"action": "refused", "object_type": found.holder_type, "object_id": found.holder_id,
                            "detail": f"{detail} ({found.object_type} {found.object_id})"} for found in elsewhere])
    if protecting:
        raise ProtectedPerson(N_("This person is the subject of an active victim alert and is protected: a wanted "
                                 "alert cannot be issued on them."), field="person")
    raise ProtectedPerson(N_("This person is a victim in a joint case and is protected: a wanted alert cannot be "
                             "issued on them."), field="person")


def same_side_alerts(session: Session, person: Person, party: str) -> list[Alert]:
    """This side's live alerts on the same person (active, under review or drafts)."""
    return matching_alerts(session, person, kinds=tuple(PERSON_KINDS), party=party,
                           statuses=(Status.ACTIVE, Status.UNDER_REVIEW, Status.DRAFT))
