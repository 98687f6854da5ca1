"""The live screening index: every active alert's persons, documents and vehicles, checked at once.

Shape. A large immutable base (`ScreeningBase`: persons through `borderlink.matching`,
documents by normalised number and issuing state, vehicles by normalised plate) and a small
delta of the alerts added or changed since the base was built. A changed or withdrawn alert is
flagged out of the base and, if still active, lives in the delta. Both are searched on every
check. The base, the flags and the delta form one immutable state that an update replaces
whole, so a check reads one consistent state without a lock while updates go on.

Updates. `apply` takes the changes and returns once they are visible; `start_following` polls
the source for changes every `poll_interval` seconds (0.2 by default), so a change made in the
source is visible within that interval plus the delta rebuild. The delta is rebuilt on each
update, so it is kept small: once it holds `merge_threshold` alerts a background thread builds
a new base from the source, swaps it in, replays the changes that came meanwhile and saves it.

Restart. The base is persisted: `open` loads the snapshot file memory-mapped (numpy arrays,
key hashes stable across processes), checks its format version and checksum, then replays the
source's changes since the snapshot's token. A missing, damaged or outdated snapshot, or one
whose token the source no longer knows, is not trusted: the base is rebuilt from the source
(which takes a minute or more at a million persons) and saved again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from borderlink.alerts.screening_base import ScreeningBase, person_record
from borderlink.alerts.screening_entries import (
    AlertChange,
    AlertEntry,
    AlertSource,
    ScreeningHit,
    ScreeningQuery,
    StaleToken,
    normalise_document_number,
    normalise_plate,
    normalise_state,
)
from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, WatchlistIndex
from borderlink.matching.arrayfile import ArrayFileError

logger = logging.getLogger(__name__)

DEFAULT_MERGE_THRESHOLD = 2_000
DEFAULT_POLL_INTERVAL = 0.2


@dataclass(frozen=True, slots=True)
class _Delta:
    """The alerts added or changed since the base, indexed the same way but small."""

    entries: Mapping[str, AlertEntry]
    persons: WatchlistIndex
    documents: Mapping[str, tuple[tuple[str, str], ...]]
    plates: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, entries: Mapping[str, AlertEntry]) -> _Delta:
        documents: dict[str, list[tuple[str, str]]] = {}
        plates: dict[str, list[str]] = {}
        records: list[PersonRecord] = []
        for alert_id, entry in entries.items():
            records.extend(
                person_record(alert_id, p.names, p.birth_date, p.gender, p.nationality)
                for p in entry.persons
                if p.names
            )
            for document in entry.documents:
                number = normalise_document_number(document.number)
                if number:
                    documents.setdefault(number, []).append((normalise_state(document.issuing_state), alert_id))
            for vehicle in entry.vehicles:
                plate = normalise_plate(vehicle.plate)
                if plate:
                    plates.setdefault(plate, []).append(alert_id)
        return cls(
            entries,
            WatchlistIndex.build(records),
            {number: tuple(found) for number, found in documents.items()},
            {plate: tuple(found) for plate, found in plates.items()},
        )


@dataclass(frozen=True, slots=True)
class _State:
    base: ScreeningBase
    # One flag per base alert and per base person entry: changed or withdrawn since the build.
    dead_alerts: npt.NDArray[np.bool_]
    dead_persons: npt.NDArray[np.bool_]
    delta: _Delta
    token: str | None


def _fresh_state(base: ScreeningBase, token: str | None) -> _State:
    return _State(
        base,
        np.zeros(len(base), dtype=np.bool_),
        np.zeros(len(base.persons), dtype=np.bool_),
        _Delta.build({}),
        token,
    )


class ScreeningIndex:
    """Checks against every active alert while alerts change; see the module description."""

    def __init__(
        self,
        base: ScreeningBase,
        token: str | None = None,
        source: AlertSource | None = None,
        snapshot_path: Path | None = None,
        merge_threshold: int = DEFAULT_MERGE_THRESHOLD,
    ) -> None:
        self._state = _fresh_state(base, token)
        self._source = source
        self._snapshot_path = snapshot_path
        self._merge_threshold = merge_threshold
        # Serialises writers; checks never take it.
        self._write_lock = threading.Lock()
        self._merge_thread: threading.Thread | None = None
        # Changes applied while a merge runs, replayed over the merged base.
        self._merge_log: list[AlertChange] | None = None
        self._follow_stop = threading.Event()
        self._follow_thread: threading.Thread | None = None
        self._caught_up_at = 0.0  # time.monotonic() of the last read of the source's changes

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def build(cls, source: AlertSource, snapshot_path: Path | None = None, **options: int) -> ScreeningIndex:
        """Index the source's active alerts from scratch (and save the snapshot if a path is given)."""
        token = source.current_token()
        base = ScreeningBase.build(source.iter_active_entries())
        if snapshot_path is not None:
            base.save(snapshot_path, token)
        index = cls(base, token, source, snapshot_path, **options)
        index.refresh()
        return index

    @classmethod
    def open(cls, source: AlertSource, snapshot_path: Path, **options: int) -> ScreeningIndex:
        """Load the snapshot and catch up with the source; rebuild if the snapshot is unusable."""
        try:
            base, token = ScreeningBase.load(snapshot_path)
        except FileNotFoundError:
            logger.info("no screening snapshot at %s: building the index", snapshot_path)
            return cls.build(source, snapshot_path, **options)
        except (ArrayFileError, ValueError, KeyError) as exc:
            logger.warning("screening snapshot not used (%s): rebuilding the index", exc)
            return cls.build(source, snapshot_path, **options)
        index = cls(base, token, source, snapshot_path, **options)
        try:
            index.refresh()
        except StaleToken:
            logger.warning("screening snapshot older than the source's change log: rebuilding the index")
            index.close()
            return cls.build(source, snapshot_path, **options)
        return index

    # -- checks ----------------------------------------------------------------------------

    def __len__(self) -> int:
        """Active alerts indexed."""
        state = self._state
        return len(state.base) - int(state.dead_alerts.sum()) + len(state.delta.entries)

    def check(self, query: ScreeningQuery, threshold: float = DEFAULT_THRESHOLD, limit: int = 10) -> list[ScreeningHit]:
        """Alerts whose person, document or vehicle agrees with the query, best first (one hit per
        alert and subject)."""
        state = self._state
        hits: dict[tuple[str, str], ScreeningHit] = {}

        def add(hit: ScreeningHit) -> None:
            known = hits.get((hit.alert_id, hit.subject))
            if known is None or hit.score > known.score:
                hits[(hit.alert_id, hit.subject)] = hit

        names = tuple(name for name in query.names if name.strip())
        if names:
            record = PersonRecord(
                id="",
                name=names[0],
                alt_names=names[1:],
                birth_date=query.birth_date,
                gender=query.gender,
                nationality=query.nationality,
            )
            for match in state.base.persons.screen(record, threshold, limit, excluded=state.dead_persons):
                add(ScreeningHit(match.id, "person", match.score, match.explanation))
            for match in state.delta.persons.screen(record, threshold, limit):
                add(ScreeningHit(match.id, "person", match.score, match.explanation))
        number = normalise_document_number(query.document_number or "")
        if number:
            issuing = normalise_state(query.document_state)
            explanation: dict[str, object] = {"document_number": number, "issuing_state": issuing or None}
            for alert_id in self._live_base_alerts(state, state.base.document_alerts(number, issuing)):
                add(ScreeningHit(alert_id, "document", 1.0, explanation))
            for filed_state, alert_id in state.delta.documents.get(number, ()):
                if not issuing or not filed_state or filed_state == issuing:
                    add(ScreeningHit(alert_id, "document", 1.0, explanation))
        plate = normalise_plate(query.plate or "")
        if plate:
            for alert_id in self._live_base_alerts(state, state.base.plate_alerts(plate)):
                add(ScreeningHit(alert_id, "vehicle", 1.0, {"plate": plate}))
            for alert_id in state.delta.plates.get(plate, ()):
                add(ScreeningHit(alert_id, "vehicle", 1.0, {"plate": plate}))
        found = sorted(hits.values(), key=lambda hit: (-hit.score, hit.alert_id, hit.subject))
        return found[: max(limit, 0)]

    @staticmethod
    def _live_base_alerts(state: _State, rows: npt.NDArray[np.int32]) -> list[str]:
        live = rows[~state.dead_alerts[rows]] if len(rows) else rows
        return [state.base.alert_ids.text(row) for row in live.tolist()]

    # -- updates ---------------------------------------------------------------------------

    def upsert(self, entry: AlertEntry) -> None:
        self.apply([AlertChange(entry.alert_id, entry)])

    def remove(self, alert_id: str) -> None:
        self.apply([AlertChange(alert_id, None)])

    def apply(self, changes: Iterable[AlertChange], token: str | None = None) -> None:
        """Make `changes` visible to checks before returning; `token` is the source's token after them."""
        batch = list(changes)
        with self._write_lock:
            if self._merge_log is not None:
                self._merge_log.extend(batch)
            self._state = _applied(self._state, batch, token)
            merge_due = len(self._state.delta.entries) >= self._merge_threshold
        if merge_due:
            self.merge_in_background()

    def refresh(self) -> int:
        """Apply what the source changed since the last token; returns the number of changes."""
        if self._source is None or self._state.token is None:
            return 0
        batch = self._source.changes_since(self._state.token)
        self._caught_up_at = time.monotonic()
        if batch.changes or batch.token != self._state.token:
            self.apply(batch.changes, batch.token)
        return len(batch.changes)

    def start_following(self, poll_interval: float = DEFAULT_POLL_INTERVAL) -> None:
        """Poll the source for changes in a background thread until `close`."""
        if self._follow_thread is not None:
            return
        self._follow_stop.clear()
        self._follow_thread = threading.Thread(
            target=self._follow, args=(poll_interval,), name="screening-follow", daemon=True
        )
        self._follow_thread.start()

    def _follow(self, poll_interval: float) -> None:
        while not self._follow_stop.wait(poll_interval):
            # A check catches up before it screens: while checks come in, the index is fresh
            # already and the poll would only read the change log again.
            if time.monotonic() - self._caught_up_at < poll_interval:
                continue
            try:
                self.refresh()
            except StaleToken:
                logger.warning("the alert source lost the screening index's place: rebuilding")
                self.merge_in_background()
            except Exception:
                logger.exception("screening index could not follow the alert source")

    def close(self) -> None:
        """Stop following and wait for a running merge."""
        self._follow_stop.set()
        if self._follow_thread is not None:
            self._follow_thread.join()
            self._follow_thread = None
        merge = self._merge_thread
        if merge is not None:
            merge.join()

    # -- merging ---------------------------------------------------------------------------

    @property
    def delta_size(self) -> int:
        return len(self._state.delta.entries)

    def merge_in_background(self) -> threading.Thread | None:
        """Start building a new base from the source unless one is being built already."""
        if self._source is None:
            return None
        with self._write_lock:
            if self._merge_thread is not None and self._merge_thread.is_alive():
                return self._merge_thread
            self._merge_log = []
            self._merge_thread = threading.Thread(target=self._merge, name="screening-merge", daemon=True)
            self._merge_thread.start()
            return self._merge_thread

    def _merge(self) -> None:
        source = self._source
        if source is None:
            return
        try:
            token = source.current_token()
            base = ScreeningBase.build(source.iter_active_entries())
        except Exception:
            logger.exception("screening index merge failed; the delta keeps serving")
            with self._write_lock:
                self._merge_log = None
            return
        with self._write_lock:
            replay = self._merge_log or []
            self._merge_log = None
            # The source's entries date from `token` or later; changes applied since the merge
            # began are replayed on top, and following resumes from `token`: applying a change
            # twice leaves the same state, and a token the source had lost is replaced.
            self._state = _applied(_fresh_state(base, token), replay, token)
        if self._snapshot_path is not None:
            try:
                base.save(self._snapshot_path, token)
            except OSError:
                logger.exception("screening snapshot could not be saved")


def _applied(state: _State, changes: list[AlertChange], token: str | None) -> _State:
    """The state after `changes`: changed alerts flagged out of the base, live ones in the delta."""
    entries = dict(state.delta.entries)
    dead_alerts, dead_persons = state.dead_alerts, state.dead_persons
    copied = False
    for change in changes:
        row = state.base.alert_row(change.alert_id)
        if row is not None and not dead_alerts[row]:
            if not copied:
                dead_alerts, dead_persons, copied = dead_alerts.copy(), dead_persons.copy(), True
            dead_alerts[row] = True
            dead_persons[int(state.base.person_offsets[row]) : int(state.base.person_offsets[row + 1])] = True
        if change.entry is None:
            entries.pop(change.alert_id, None)
        else:
            entries[change.alert_id] = change.entry
    return _State(state.base, dead_alerts, dead_persons, _Delta.build(entries), token or state.token)
