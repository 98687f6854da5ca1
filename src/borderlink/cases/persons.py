"""Persons on a case and their roles, links to alerts, hotline requests and hits, and the
protection of victims.

A victim is protected: never counted as an offender, never the subject of a wanted alert, and
shown only to those who need to know (`Perm.PROTECTED`); to anyone else the record reads
"protected person". An informant never leaves this node and is shown only on the same terms.
Names are kept as written and shown in every rendering (characters, Pinyin, Hán-Việt).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.cases import alert_links, service
from borderlink.cases.models import OFFENDER_ROLES, TIMELINE, CaseLink, CasePerson, LinkType, Perm, PersonRole
from borderlink.cases.schemas import HandoverPersonIn, LinkCreate, PersonCreate
from borderlink.directory.permissions import Principal
from borderlink.errors import InvalidInput, NotFound
from borderlink.ids import new_id
from borderlink.matching import PersonRecord
from borderlink.matching.render import display_renderings
from borderlink.shared import namesearch, protected_persons
from borderlink.shared.paging import fold_for_search
from borderlink.shared.replicated import validate_contribution_text
from borderlink.shared.timeline import N_

PROTECTED_ROLES = frozenset({PersonRole.VICTIM, PersonRole.INFORMANT})
PROTECTED_LABEL = N_("protected person")
# The object type under which the victims' names are filed in the shared name keys (see domain.py).
VICTIM_NAMES_TYPE = "cases.victim"


def name_line(name: str, other_names: list[str] | tuple[str, ...] = ()) -> str:
    """A name in every rendering, "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng": each name as written
    with its readings, each form once."""
    shown: list[str] = []
    for written in (name, *other_names):
        for form in display_renderings(written):
            if form.casefold() not in {s.casefold() for s in shown}:
                shown.append(form)
    return " · ".join(shown)


@dataclasses.dataclass(frozen=True, slots=True)
class _Victim:
    id: str
    case_id: str
    record: PersonRecord


def _victims(session: Session, persons: Sequence[protected_persons.Person]) -> list[_Victim]:
    """The victims on this node's cases who share a name key with any of the persons (the
    matcher's blocking keys, filed under `VICTIM_NAMES_TYPE`), only what the same-person rule
    compares, in one read looked up in the keys' index."""
    keys = sorted({key for person in persons for name in person.names for key in namesearch.query_name_keys(name)})
    if not keys:
        return []
    named = select(namesearch.NameKey.object_id).where(namesearch.NameKey.object_type == VICTIM_NAMES_TYPE,
                                                       namesearch.NameKey.key.in_(keys))
    rows = session.execute(select(
        CasePerson.id, CasePerson.case_id, CasePerson.name, CasePerson.other_names, CasePerson.birth_date,
        CasePerson.gender, CasePerson.nationality, CasePerson.document_number,
    ).where(CasePerson.id.in_(named), CasePerson.role == PersonRole.VICTIM)
        .order_by(CasePerson.created_at, CasePerson.id))
    return [_Victim(person_id, case_id, PersonRecord(
        id=person_id, name=name, alt_names=tuple(other_names or ()), birth_date=birth_date, gender=gender,
        nationality=nationality, document_number=document_number))
        for person_id, case_id, name, other_names, birth_date, gender, nationality, document_number in rows]


def _protected_each(session: Session, persons: Sequence[protected_persons.Person]) -> list[list[_Victim]]:
    """For each person, the victims on this node's cases whom they may be, across scripts and by
    birth date, the rule the alerts domain applies to its victim alerts (shared/protected_persons.py);
    the candidates are read once for all of the persons."""
    probes = [person.record for person in persons]
    victims = _victims(session, [person for person, probe in zip(persons, probes, strict=True) if probe is not None])
    return [[v for v in victims if protected_persons.records_are_same_person(probe, v.record)]
            if probe is not None else [] for probe in probes]


def protected_matches(session: Session, name: str, other_names: tuple[str, ...] = (), birth_date: str | None = None,
                      gender: str | None = None, nationality: str | None = None) -> bool:
    """Whether the person is a victim on one of this node's cases (see `_protected_each`)."""
    person = protected_persons.Person((name, *other_names), birth_date, gender, nationality)
    return bool(_protected_each(session, [person])[0])


def protections(session: Session,
                persons: Sequence[protected_persons.Person]) -> list[list[protected_persons.Protection]]:
    """The descriptor's protected-persons provider: for each person, the case victims they are."""
    return [[protected_persons.Protection("case_persons", v.id, "cases", v.case_id) for v in victims]
            for victims in _protected_each(session, persons)]


def is_protected(session: Session, name: str, other_names: tuple[str, ...] = (), birth_date: str | None = None,
                 gender: str | None = None, nationality: str | None = None) -> bool:
    """Whether the person is protected: a victim on a case here, or the subject of an active
    victim alert (the alerts domain decides that one). Gates ask this of a hit, cases before
    recording an offender; it is this domain's public answer to "is this person protected"."""
    if protected_matches(session, name, other_names, birth_date, gender, nationality):
        return True
    return alert_links.is_protected_by_alert(session, [name, *other_names], birth_date, gender, nationality)


def add_person(session: Session, principal: Principal, case_id: str, data: PersonCreate,
               now: dt.datetime) -> CasePerson:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    if data.role in PROTECTED_ROLES and not principal.can(Perm.PROTECTED):
        raise InvalidInput("Your role may not record victims or informants.", field="role")
    if data.role in OFFENDER_ROLES and is_protected(session, data.name, tuple(data.other_names), data.birth_date,
                                                    data.gender, data.nationality):
        raise InvalidInput("%(name)s is a protected victim and is never recorded as an offender.", field="role",
                           name=data.name)
    if data.role != PersonRole.INFORMANT:
        validate_contribution_text([data.description], "the description")
    unit = service.acting_unit(session, principal)
    person = CasePerson(id=new_id(), case_id=case.id, party=principal.party, unit_code=unit.code,
                        author_name=principal.display_name, created_at=now, role=data.role, name=data.name,
                        other_names=list(data.other_names), birth_date=data.birth_date,
                        nationality=data.nationality, gender=data.gender, document_number=data.document_number,
                        description=data.description)
    session.add(person)
    session.flush()
    if data.role not in PROTECTED_ROLES:  # a protected person's name must not find the case
        case.search_text = case.search_text + " " + fold_for_search(" ".join([data.name, *data.other_names]))
    if data.role == PersonRole.INFORMANT:  # stays here: no shared step, nothing sent
        service.place_in_feeds(session, case, principal.party, now, except_unit=principal.unit_id)
        return person
    event = service.record(session, case, "person_added", now, principal.party, unit.code,
                           TIMELINE.detail("person_added", role=data.role.value))
    service.changed(session, principal, case, now, event, person=person)
    return person


def add_link(session: Session, principal: Principal, case_id: str, data: LinkCreate, now: dt.datetime) -> CaseLink:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    person = None
    if data.person_id is not None:
        person = session.get(CasePerson, data.person_id)
        if person is None or person.case_id != case.id:
            raise InvalidInput("That person is not on this case.", field="person_id")
    found_label = _link_label(session, principal, data.link_type, data.target_id)
    label = data.label or found_label
    validate_contribution_text([label], "the link")
    unit = service.acting_unit(session, principal)
    link = CaseLink(id=new_id(), case_id=case.id, party=principal.party, unit_code=unit.code,
                    author_name=principal.display_name, created_at=now, link_type=data.link_type,
                    target_id=data.target_id, label=label, person_id=data.person_id)
    session.add(link)
    session.flush()
    if person is not None and person.role == PersonRole.INFORMANT:
        service.place_in_feeds(session, case, principal.party, now, except_unit=principal.unit_id)
        return link
    event = service.record(session, case, "linked", now, principal.party, unit.code,
                           TIMELINE.detail("linked", link_type=data.link_type.value, label=label))
    service.changed(session, principal, case, now, event, link=link)
    return link


def _link_label(session: Session, principal: Principal, link_type: LinkType, target_id: str) -> str:
    """What the linked object is called, read through its own domain, which also checks that it
    exists and that the principal may see it (a refusal names the input, in the reader's language)."""
    try:
        if link_type == LinkType.HOTLINE_REQUEST:
            from borderlink.hotline import service as hotline

            return hotline.REQUEST_KIND.visible(session, principal, target_id).subject
        if link_type == LinkType.HIT:
            from borderlink.gates import hits

            hit = hits.HIT_KIND.visible(session, principal, target_id)
            names = [str(n) for n in hit.crossing.get("names") or ()]
            return " · ".join([*names[:1], str(hit.crossing.get("gate_unit_code") or ""),
                               str(hit.crossing.get("crossed_at") or "")[:16]]).strip(" ·")
        return alert_links.alert_label(session, principal, target_id)
    except NotFound as missing:
        raise InvalidInput(missing.message, field="target_id", **missing.params) from None


def handover_persons(session: Session, principal: Principal, case_id: str | None,
                     chosen: list[HandoverPersonIn]) -> tuple[list[dict[str, Any]], str | None]:
    """The persons of a handover, those chosen from its case as the case records them, and the
    wanted alert linked on the case to one of them (a fugitive's handover then names it)."""
    found: list[dict[str, Any]] = []
    alert_id = None
    for person in chosen:
        if person.case_person_id is None:
            found.append(person.model_dump(exclude_none=True, exclude={"case_person_id"}))
            continue
        record = session.get(CasePerson, person.case_person_id)
        if case_id is None or record is None or record.case_id != case_id:
            raise InvalidInput("That person is not on this case.", field="persons")
        if record.role == PersonRole.INFORMANT:
            raise InvalidInput("An informant is never named to the other side.", field="persons")
        if record.role in PROTECTED_ROLES and not principal.can(Perm.PROTECTED):
            raise InvalidInput("Your role may not record victims or informants.", field="persons")
        found.append({k: v for k, v in {
            "case_person_id": record.id, "name": record.name, "other_names": list(record.other_names),
            "birth_date": record.birth_date, "nationality": record.nationality, "gender": record.gender,
            "document_number": record.document_number}.items() if v not in (None, [])})
        alert_id = alert_id or next((link.target_id for link in links(session, case_id)
                                     if link.person_id == record.id and link.link_type == LinkType.ALERT
                                     and alert_links.is_wanted_alert(session, principal, link.target_id)), None)
    return found, alert_id


def persons(session: Session, case_id: str) -> list[CasePerson]:
    return list(session.scalars(select(CasePerson).where(CasePerson.case_id == case_id)
                                .order_by(CasePerson.created_at, CasePerson.id)))


def links(session: Session, case_id: str) -> list[CaseLink]:
    return list(session.scalars(select(CaseLink).where(CaseLink.case_id == case_id)
                                .order_by(CaseLink.created_at, CaseLink.id)))


def person_out(person: CasePerson, principal: Principal, translate: Any = None) -> dict[str, Any]:
    """A person as a reader may see them: a protected one's identity only with `Perm.PROTECTED`."""
    base: dict[str, Any] = {"id": person.id, "role": person.role.value, "party": person.party,
                            "unit_code": person.unit_code, "created_at": person.created_at,
                            "protected": person.role in PROTECTED_ROLES,
                            "offender": person.role in OFFENDER_ROLES}
    if person.role in PROTECTED_ROLES and not principal.can(Perm.PROTECTED):
        label = translate(PROTECTED_LABEL) if translate else PROTECTED_LABEL
        return {**base, "name": label, "display_name": label, "other_names": [], "birth_date": None,
                "nationality": None, "gender": None, "document_number": None, "description": ""}
    return {**base, "name": person.name, "display_name": name_line(person.name, person.other_names),
            "other_names": list(person.other_names), "birth_date": person.birth_date,
            "nationality": person.nationality, "gender": person.gender,
            "document_number": person.document_number, "description": person.description}


# FollowTheMoney's topic for an offender, by the type of case.
FTM_TOPICS = {"drug_trafficking": "crime.traffick.drug", "trafficking_persons": "crime.traffick.human",
              "migrant_smuggling": "crime.traffick", "telecom_fraud": "crime.fraud", "economic_crime": "crime.fraud",
              "high_tech_crime": "crime.cyber", "money_laundering": "crime.fin"}


def ftm_entities(session: Session, case_id: str, case_type: str, principal: Principal) -> list[dict[str, Any]]:
    """The case's persons as FollowTheMoney `Person` entities (protected ones only for those who
    may see them); offenders carry the case's topics."""
    found = []
    for person in persons(session, case_id):
        if person.role in PROTECTED_ROLES and not principal.can(Perm.PROTECTED):
            continue
        properties: dict[str, list[str]] = {"name": [person.name]}
        if person.other_names:
            properties["alias"] = list(person.other_names)
        for field, value in (("birthDate", person.birth_date), ("nationality", person.nationality),
                             ("gender", {"M": "male", "F": "female"}.get(person.gender or "")),
                             ("idNumber", person.document_number), ("notes", person.description)):
            if value:
                properties[field] = [value]
        if person.role in OFFENDER_ROLES:
            properties["topics"] = [FTM_TOPICS.get(case_type, "crime")]
        found.append({"id": person.id, "schema": "Person", "properties": properties})
    return found
