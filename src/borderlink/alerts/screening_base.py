"""The large immutable part of the screening index, and its snapshot file.

Persons are a `WatchlistIndex` built with stable key hashes, each entry under its alert's id.
An alert's persons are filed one after another, so the persons of alert `i` are the entries
`person_offsets[i]` to `person_offsets[i + 1]`; withdrawing an alert flags those entries.
Documents and plates are sorted hash tables pointing at alerts.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

from borderlink.alerts.screening_entries import (
    AlertEntry,
    normalise_document_number,
    normalise_plate,
    normalise_state,
)
from borderlink.matching.arrayfile import read_arrays, write_arrays
from borderlink.matching.columns import TextColumn, TextColumnBuilder
from borderlink.matching.index import WatchlistIndex
from borderlink.matching.keys import stable_key_hash
from borderlink.matching.models import PersonRecord

SNAPSHOT_KIND = "borderlink screening index"
# Raise when what is stored or how it is normalised changes: older snapshots are then rebuilt.
SNAPSHOT_VERSION = 1
_NO_ROWS: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)


def text_hash(text: str) -> int:
    return stable_key_hash(text) if text else 0


class HashTable:
    """Values filed under 64-bit hashes, sorted by hash; a lookup is two binary searches."""

    __slots__ = ("hashes", "values")

    def __init__(self, hashes: npt.NDArray[np.int64], values: npt.NDArray[np.int32]) -> None:
        self.hashes = hashes
        self.values = values

    @classmethod
    def build(cls, hashes: array[int], values: array[int]) -> HashTable:
        keys = np.frombuffer(hashes, dtype=np.int64) if len(hashes) else np.zeros(0, dtype=np.int64)
        filed = np.frombuffer(values, dtype=np.int32) if len(values) else _NO_ROWS
        order = np.argsort(keys, kind="stable")
        return cls(keys[order].copy(), filed[order].astype(np.int32))

    def rows(self, wanted: int) -> slice:
        start = int(np.searchsorted(self.hashes, wanted, side="left"))
        end = int(np.searchsorted(self.hashes, wanted, side="right"))
        return slice(start, end)


class ScreeningBase:
    """Alert ids, their persons, documents and plates; immutable once built or loaded."""

    __slots__ = (
        "alert_ids",
        "alerts_by_hash",
        "document_states",
        "documents",
        "person_offsets",
        "persons",
        "plates",
    )

    def __init__(
        self,
        persons: WatchlistIndex,
        alert_ids: TextColumn,
        person_offsets: npt.NDArray[np.int64],
        documents: HashTable,
        document_states: npt.NDArray[np.int64],
        plates: HashTable,
        alerts_by_hash: HashTable | None = None,
    ) -> None:
        self.persons = persons
        self.alert_ids = alert_ids
        self.person_offsets = person_offsets
        self.documents = documents
        self.document_states = document_states
        self.plates = plates
        if alerts_by_hash is None:
            hashes = array("q", (text_hash(alert_ids.text(row)) for row in range(len(alert_ids))))
            alerts_by_hash = HashTable.build(hashes, array("i", range(len(alert_ids))))
        self.alerts_by_hash = alerts_by_hash

    @classmethod
    def build(cls, entries: Iterable[AlertEntry]) -> ScreeningBase:
        alert_ids = TextColumnBuilder()
        person_offsets = array("q", [0])
        document_hashes, document_alerts, document_states = array("q"), array("i"), array("q")
        plate_hashes, plate_alerts = array("q"), array("i")
        seen: set[str] = set()
        filed = [0]  # persons filed so far

        def person_records() -> Iterator[PersonRecord]:
            for entry in entries:
                if entry.alert_id in seen:
                    raise ValueError(f"alert {entry.alert_id!r} is listed twice")
                seen.add(entry.alert_id)
                row = alert_ids.append(entry.alert_id)
                for person in entry.persons:
                    if person.names:
                        yield person_record(
                            entry.alert_id, person.names, person.birth_date, person.gender, person.nationality
                        )
                        filed[0] += 1
                for document in entry.documents:
                    number = normalise_document_number(document.number)
                    if number:
                        document_hashes.append(text_hash(number))
                        document_alerts.append(row)
                        document_states.append(text_hash(normalise_state(document.issuing_state)))
                for vehicle in entry.vehicles:
                    plate = normalise_plate(vehicle.plate)
                    if plate:
                        plate_hashes.append(text_hash(plate))
                        plate_alerts.append(row)
                person_offsets.append(filed[0])

        persons = WatchlistIndex.build(person_records(), stable_keys=True)
        documents = HashTable.build(document_hashes, document_alerts)
        states = np.frombuffer(document_states, dtype=np.int64) if len(document_states) else np.zeros(0, np.int64)
        order = np.argsort(np.frombuffer(document_hashes, dtype=np.int64), kind="stable") if len(states) else _NO_ROWS
        return cls(
            persons,
            alert_ids.finish(),
            np.frombuffer(person_offsets, dtype=np.int64).copy(),
            documents,
            states[order].copy(),
            HashTable.build(plate_hashes, plate_alerts),
        )

    def __len__(self) -> int:
        return len(self.alert_ids)

    def alert_row(self, alert_id: str) -> int | None:
        rows = self.alerts_by_hash.rows(text_hash(alert_id))
        for row in self.alerts_by_hash.values[rows].tolist():
            if self.alert_ids.text(row) == alert_id:
                return int(row)
        return None

    def document_alerts(self, number: str, state: str) -> npt.NDArray[np.int32]:
        """Alert rows with this normalised number, issued by `state` or by an unknown state."""
        rows = self.documents.rows(text_hash(number))
        alerts = self.documents.values[rows]
        if state:
            states = self.document_states[rows]
            alerts = alerts[(states == 0) | (states == text_hash(state))]
        return alerts

    def plate_alerts(self, plate: str) -> npt.NDArray[np.int32]:
        return self.plates.values[self.plates.rows(text_hash(plate))]

    def save(self, path: Path, token: str) -> None:
        """Writes the snapshot; `token` is the source's token from before the entries were read."""
        person_arrays, person_description = self.persons.parts()
        arrays: dict[str, npt.NDArray[np.generic]] = {f"persons.{name}": a for name, a in person_arrays.items()}
        arrays.update(self.alert_ids.arrays("alert_ids"))
        arrays["person_offsets"] = self.person_offsets
        arrays["documents.hashes"] = self.documents.hashes
        arrays["documents.alerts"] = self.documents.values
        arrays["documents.states"] = self.document_states
        arrays["plates.hashes"] = self.plates.hashes
        arrays["plates.alerts"] = self.plates.values
        # Saved so that a restart does not hash every alert id again.
        arrays["alerts.hashes"] = self.alerts_by_hash.hashes
        arrays["alerts.rows"] = self.alerts_by_hash.values
        write_arrays(path, SNAPSHOT_KIND, SNAPSHOT_VERSION, arrays, {"token": token, "persons": person_description})

    @classmethod
    def load(cls, path: Path) -> tuple[ScreeningBase, str]:
        """The snapshot at `path` and its token; `ArrayFileError` or `ValueError` if unusable."""
        description, arrays = read_arrays(path, SNAPSHOT_KIND, SNAPSHOT_VERSION)
        token, person_description = description.get("token"), description.get("persons")
        if not isinstance(token, str) or not isinstance(person_description, dict):
            raise ValueError(f"{path} has no source token")
        prefix = "persons."
        persons = WatchlistIndex.from_parts(
            {name[len(prefix) :]: a for name, a in arrays.items() if name.startswith(prefix)}, person_description
        )
        base = cls(
            persons,
            TextColumn.from_arrays(arrays, "alert_ids"),
            np.asarray(arrays["person_offsets"], dtype=np.int64),
            HashTable(
                np.asarray(arrays["documents.hashes"], np.int64), np.asarray(arrays["documents.alerts"], np.int32)
            ),
            np.asarray(arrays["documents.states"], dtype=np.int64),
            HashTable(np.asarray(arrays["plates.hashes"], np.int64), np.asarray(arrays["plates.alerts"], np.int32)),
            HashTable(np.asarray(arrays["alerts.hashes"], np.int64), np.asarray(arrays["alerts.rows"], np.int32)),
        )
        if len(base.person_offsets) != len(base) + 1 or int(base.person_offsets[-1]) != len(persons):
            raise ValueError(f"{path}: persons and alerts disagree")
        return base, token


def person_record(
    alert_id: str, names: tuple[str, ...], birth_date: str | None, gender: str | None, nationality: str | None
) -> PersonRecord:
    return PersonRecord(
        id=alert_id, name=names[0], alt_names=names[1:], birth_date=birth_date, gender=gender, nationality=nationality
    )
