"""What the screening index holds and answers, and the source of active alerts it follows.

The alerts domain implements `AlertSource`; the index only sees these plain values, so it
needs neither the database nor the web layer.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

SubjectKind = Literal["person", "document", "vehicle"]

# Separators officers and printed plates put between groups: 29A-123.45, 京A·12345, AB 123 CD.
_SEPARATORS = dict.fromkeys(map(ord, " \t-._·/•・"), None)
# Chinese civil plates leave out the letters I and O so that they cannot be read as 1 and 0;
# folding them makes a misread or mistyped plate match without ever merging two real plates
# of that series. Document numbers use both, so they are not folded.
_PLATE_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1"})


def normalise_document_number(number: str) -> str:
    """Upper-case, width-folded, without spaces, dashes, dots or slashes."""
    return unicodedata.normalize("NFKC", number).upper().translate(_SEPARATORS)


def normalise_state(state: str | None) -> str:
    """An issuing state code as compared: upper-case, trimmed; "" when unknown."""
    return unicodedata.normalize("NFKC", state or "").strip().upper()


def normalise_plate(plate: str) -> str:
    """Upper-case, width-folded, separators removed, O read as 0 and I as 1."""
    return normalise_document_number(plate).translate(_PLATE_LOOK_ALIKES)


@dataclass(frozen=True, slots=True)
class AlertPerson:
    """A person an alert is about: names in any script (aliases included) and fields."""

    names: tuple[str, ...]
    birth_date: str | None = None
    gender: str | None = None
    nationality: str | None = None


@dataclass(frozen=True, slots=True)
class AlertDocument:
    number: str
    issuing_state: str | None = None


@dataclass(frozen=True, slots=True)
class AlertVehicle:
    plate: str


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """Everything of one active alert that checks are screened against."""

    alert_id: str
    persons: tuple[AlertPerson, ...] = ()
    documents: tuple[AlertDocument, ...] = ()
    vehicles: tuple[AlertVehicle, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertChange:
    """An alert became active or changed (`entry` set), or left the active set (`entry` None)."""

    alert_id: str
    entry: AlertEntry | None


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    changes: tuple[AlertChange, ...]
    token: str


@dataclass(frozen=True, slots=True)
class ScreeningQuery:
    """What an officer checks: any of a name (any script) with fields, a document, a plate."""

    names: tuple[str, ...] = ()
    birth_date: str | None = None
    gender: str | None = None
    nationality: str | None = None
    document_number: str | None = None
    document_state: str | None = None
    plate: str | None = None


@dataclass(frozen=True, slots=True)
class ScreeningHit:
    alert_id: str
    subject: SubjectKind
    score: float
    explanation: dict[str, object] = field(default_factory=dict)


class StaleToken(LookupError):
    """The source no longer knows what changed since this token: rebuild from the active set."""


class AlertSource(Protocol):
    """The active alerts, as the alerts domain keeps them."""

    def current_token(self) -> str:
        """A token for "now": `changes_since` it returns what changes after this call."""
        ...

    def iter_active_entries(self) -> Iterator[AlertEntry]:
        """Every active alert; changes made while this runs may or may not show."""
        ...

    def changes_since(self, token: str) -> ChangeBatch:
        """Changes after `token`, in order, and the token to ask with next; `StaleToken` if unknown."""
        ...


class InMemoryAlertSource:
    """An `AlertSource` over a dictionary and a change log, safe to use from several threads."""

    def __init__(self, entries: Sequence[AlertEntry] = (), keep_changes: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._entries = {entry.alert_id: entry for entry in entries}
        self._log: list[AlertChange] = []
        # Sequence number of the first change still in the log.
        self._first = 0
        self._keep = keep_changes

    def put(self, entry: AlertEntry) -> None:
        with self._lock:
            self._entries[entry.alert_id] = entry
            self._record(AlertChange(entry.alert_id, entry))

    def remove(self, alert_id: str) -> None:
        with self._lock:
            if self._entries.pop(alert_id, None) is not None:
                self._record(AlertChange(alert_id, None))

    def _record(self, change: AlertChange) -> None:
        self._log.append(change)
        if len(self._log) > self._keep:
            dropped = len(self._log) - self._keep
            del self._log[:dropped]
            self._first += dropped

    def current_token(self) -> str:
        with self._lock:
            return str(self._first + len(self._log))

    def iter_active_entries(self) -> Iterator[AlertEntry]:
        with self._lock:
            entries = list(self._entries.values())
        return iter(entries)

    def changes_since(self, token: str) -> ChangeBatch:
        try:
            position = int(token)
        except ValueError as exc:
            raise StaleToken(token) from exc
        with self._lock:
            end = self._first + len(self._log)
            if not self._first <= position <= end:
                raise StaleToken(token)
            return ChangeBatch(tuple(self._log[position - self._first :]), str(end))
