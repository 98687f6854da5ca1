"""Value types shared by the matching modules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person as it appears on a watchlist or in a query."""

    id: str
    name: str
    alt_names: tuple[str, ...] = ()
    birth_date: str | None = None
    gender: str | None = None
    nationality: str | None = None
    document_number: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate found for a query, with the reasons for its score."""

    id: str
    score: float
    explanation: dict[str, object]
