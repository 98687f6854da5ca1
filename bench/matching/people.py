"""Random but realistic people: names drawn by surname frequency, birth dates, gender, documents."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from bench.matching.renderings import PersonName
from bench.matching.sources import (
    ChineseGivenChar,
    ChineseSurname,
    Sources,
    VietnameseName,
)

FIRST_BIRTH_YEAR = 1950
LAST_BIRTH_YEAR = 2006


@dataclass(frozen=True, slots=True)
class BirthDate:
    year: int
    month: int
    day: int

    def render(self, precision: str) -> str | None:
        """ISO 8601 at the given precision: 'day', 'month', 'year' or 'none'."""
        if precision == "day":
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        if precision == "year":
            return f"{self.year:04d}"
        return None


@dataclass(frozen=True, slots=True)
class Person:
    name: PersonName
    birth: BirthDate
    gender: str
    nationality: str


class PersonFactory:
    """Draws people from the source lists with a seeded random generator."""

    def __init__(self, sources: Sources, rng: random.Random) -> None:
        self.sources = sources
        self.rng = rng
        # Cumulative weights computed once (random.choices would redo it on every draw).
        self._cn_surname_weights = list(accumulate(s.weight for s in sources.cn_surnames))
        self._vn_family_weights = list(accumulate(n.weight for n in sources.vn_family))
        # Name pools per gender, computed once: people are drawn a million at a time.
        self._cn_given_pool = {g: [c for c in sources.cn_given if c.gender in (None, g)]
                               for g in "MF"}
        self._vn_given_pool = {g: [n for n in sources.vn_given if n.gender in (None, g)]
                               for g in "MF"}
        self._vn_middle_pool = {g: [n for n in sources.vn_middle if n.gender in (None, g)]
                                for g in "MF"}
        self._vn_middle_weights = {g: list(accumulate(n.weight for n in pool))
                                   for g, pool in self._vn_middle_pool.items()}

    # names -----------------------------------------------------------------------------------

    def cn_surname(self) -> ChineseSurname:
        return self.rng.choices(self.sources.cn_surnames,
                                cum_weights=self._cn_surname_weights)[0]

    def cn_given_chars(self, gender: str, count: int) -> list[ChineseGivenChar]:
        pool = self._cn_given_pool[gender]
        chosen: list[ChineseGivenChar] = []
        while len(chosen) < count:
            candidate = self.rng.choice(pool)
            if candidate not in chosen:
                chosen.append(candidate)
        return chosen

    def chinese_name(self, gender: str) -> PersonName:
        surname = self.cn_surname()
        # Two-character given names are the large majority; one character is common among
        # older people and with compound surnames.
        count = 1 if self.rng.random() < 0.25 else 2
        given = self.cn_given_chars(gender, count)
        return PersonName(family=surname.syllables, given=tuple(c.syllable for c in given))

    def vn_given_name(self, gender: str) -> VietnameseName:
        return self.rng.choice(self._vn_given_pool[gender])

    def vietnamese_name(self, gender: str) -> PersonName:
        family = self.rng.choices(self.sources.vn_family, cum_weights=self._vn_family_weights)[0]
        middles = self._vn_middle_pool[gender]
        weights = self._vn_middle_weights[gender]
        middle = self.rng.choices(middles, cum_weights=weights)[0]
        parts = [family, middle]
        # Some people carry two middle names (Nguyễn Thị Thu Hà).
        if self.rng.random() < 0.1:
            second = self.rng.choices(middles, cum_weights=weights)[0]
            if second is not middle:
                parts.append(second)
        parts.append(self.vn_given_name(gender))
        return vietnamese_person_name(parts)

    # whole people ----------------------------------------------------------------------------

    def birth_date(self) -> BirthDate:
        year = self.rng.randint(FIRST_BIRTH_YEAR, LAST_BIRTH_YEAR)
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28)
        return BirthDate(year, month, day)

    def person(self, vietnamese: bool | None = None) -> Person:
        if vietnamese is None:
            vietnamese = self.rng.random() < 0.5
        gender = self.rng.choice("MF")
        if vietnamese:
            return Person(self.vietnamese_name(gender), self.birth_date(), gender, "VNM")
        # Some Chinese-named people hold Vietnamese nationality (the Hoa community).
        nationality = "VNM" if self.rng.random() < 0.08 else "CHN"
        return Person(self.chinese_name(gender), self.birth_date(), gender, nationality)

    def document_number(self, nationality: str) -> str:
        if nationality == "CHN":
            return "E" + "".join(self.rng.choices("0123456789", k=8))
        return "C" + "".join(self.rng.choices("0123456789", k=7))


def vietnamese_person_name(parts: list[VietnameseName]) -> PersonName:
    return PersonName(
        family=(parts[0].syllable,),
        given=tuple(p.syllable for p in parts[1:]),
        vietnamese=tuple(parts),
    )


def precision_for_entry(rng: random.Random) -> str:
    """Watchlist entries mostly carry a full birth date."""
    return rng.choices(["day", "month", "year", "none"], [70, 10, 15, 5])[0]


def precision_for_query(rng: random.Random) -> str:
    """Queries (gate records, requests from the other side) are patchier."""
    return rng.choices(["day", "month", "year", "none"], [60, 10, 15, 15])[0]


def noisy_birth_date(birth: BirthDate, precision: str, rng: random.Random) -> str | None:
    """The same birth date as a different clerk may have recorded it.

    3 % of full dates have day and month transposed (DD/MM read as MM/DD) and 2 % of dates are a
    year off (a typing slip); everything else is exact at the given precision.
    """
    roll = rng.random()
    if precision == "day" and roll < 0.03 and birth.day <= 12 and birth.day != birth.month:
        return BirthDate(birth.year, birth.day, birth.month).render(precision)
    if precision != "none" and 0.03 <= roll < 0.05:
        return BirthDate(birth.year + rng.choice((-1, 1)), birth.month, birth.day).render(
            precision)
    return birth.render(precision)


def dates_compatible(left: str | None, right: str | None) -> bool:
    """True when two recorded birth dates could describe the same person (prefix agreement)."""
    if not left or not right:
        return True
    shared = min(len(left), len(right))
    return left[:shared] == right[:shared]
