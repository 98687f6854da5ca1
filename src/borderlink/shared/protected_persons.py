"""Protected persons: who is never the subject of a wanted alert, and whose gate hits go to
protection rather than to an arrest.

A domain that holds protected persons (cases: the victims on a joint case) declares a provider
in its descriptor:

    protected_persons=(persons.protections,)

`provider(session, persons)` answers, for each person in order, the records on this node that
protect them, each as a `Protection` (the object that protects them, to audit and to route to),
from one read however many persons are asked about (an e-gate's batch). `protecting` asks every
domain's provider about one person, `protecting_each` about several, so the alerts domain refuses
a wanted alert on a case's victim without knowing how cases keeps its persons.

"The same person" is one rule wherever it is asked (`same_person`): the names agree in some
rendering (王晓红, Wáng Xiǎohóng, Vương Hiểu Hồng, WANG XIAOHONG) and the birth dates do not
disagree; without two birth dates only a near-certain name agreement counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.orm import Session

from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, score_records

# Without two birth dates to compare, only a near-certain name agreement counts as the same person.
NAME_ONLY_THRESHOLD = 0.9


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """A person as another record names them: every name in any script, and what else is known."""

    names: tuple[str, ...]
    birth_date: str | None = None
    gender: str | None = None
    nationality: str | None = None

    @property
    def record(self) -> PersonRecord | None:
        names = [n for n in self.names if n.strip()]
        if not names:
            return None
        return PersonRecord(id="query", name=names[0], alt_names=tuple(names[1:]), birth_date=self.birth_date,
                            gender=self.gender, nationality=self.nationality)


@dataclasses.dataclass(frozen=True, slots=True)
class Protection:
    """A record that protects a person: its object type (as the audit and the work feed name it)
    and its id, and the domain's object that holds it (a case for a case's victim)."""

    object_type: str
    object_id: str
    holder_type: str
    holder_id: str


ProtectedPersonsProvider = Callable[[Session, Sequence[Person]], list[list[Protection]]]


def same_person(score: float, explanation: Mapping[str, object]) -> bool:
    """Whether a match of two person records is the same person (see the module's note)."""
    birth = explanation.get("birth_date")
    result = birth.get("result") if isinstance(birth, dict) else "missing"
    if result in ("agree", "compatible"):
        return score >= DEFAULT_THRESHOLD
    if result == "missing":
        return score >= NAME_ONLY_THRESHOLD
    return False


def is_same_person(person: Person, other: PersonRecord) -> bool:
    probe = person.record
    return probe is not None and records_are_same_person(probe, other)


def records_are_same_person(probe: PersonRecord, other: PersonRecord) -> bool:
    match = score_records(probe, other)
    return same_person(match.score, match.explanation)


def providers() -> list[ProtectedPersonsProvider]:
    from borderlink import domains  # the descriptors name this module's types

    return [provider for domain in domains.DOMAINS for provider in domain.protected_persons]


def protecting(session: Session, person: Person) -> list[Protection]:
    """Every record on this node, of any domain, that protects the person."""
    return protecting_each(session, [person])[0]


def protecting_each(session: Session, persons: Sequence[Person]) -> list[list[Protection]]:
    """`protecting` for each person, in order, with one read per domain for all of them; a
    person without a name is protected by nothing and asks nothing."""
    found: list[list[Protection]] = [[] for _ in persons]
    named = [place for place, person in enumerate(persons) if person.record is not None]
    if not named:
        return found
    for provider in providers():
        for place, protections in zip(named, provider(session, [persons[place] for place in named]), strict=True):
            found[place].extend(protections)
    return found
