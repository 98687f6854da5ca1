"""In-memory candidate index: blocking keys in a shared phonetic space, then pairwise scoring."""

from __future__ import annotations

import gc
import math
import multiprocessing
import threading
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from multiprocessing.pool import Pool

import numpy as np
import numpy.typing as npt

from borderlink.matching.columns import TextColumn, TextColumnBuilder
from borderlink.matching.dates import PartialDate
from borderlink.matching.keys import (
    KeyTable,
    distinct_positions,
    distinct_positions_in_order,
    entry_keys,
    query_keys,
    stable_key_hash,
)
from borderlink.matching.models import Match, PersonRecord
from borderlink.matching.scoring import (
    BIRTH_DATE_CLOSE,
    BIRTH_DATE_COMPATIBLE_BONUS,
    BIRTH_DATE_CONFLICT,
    BIRTH_DATE_SAME_BONUS,
    DEFAULT_THRESHOLD,
    GENDER_BONUS,
    GENDER_CONFLICT,
    NATIONALITY_BONUS,
    NATIONALITY_CONFLICT,
    FieldAssessment,
    NameAgreement,
    PreparedRecord,
    assess_fields,
    combine,
    explain,
    prepare,
)
from borderlink.matching.stored_names import NameSets, NameSetsBuilder

# Candidates whose names are compared per query at most, after fields have ruled others out.
# Keys are visited best first, so the cap only bites on very common names with few fields given,
# where the first thousands are namesakes the officer cannot tell apart anyway.
MAX_SCORED_CANDIDATES = 2000
# Batches smaller than this are screened in the calling process.
SMALL_BATCH = 16
# Queries a worker takes at a time: small enough that the workers finish a batch together.
MAX_CHUNK = 48
_EPSILON = 1e-9
# Scores are rounded to 4 decimals: entries this close to the last place may swap with it.
_TIE_MARGIN = 2e-4
_MISSING, _SAME, _COMPATIBLE, _CLOSE, _CONFLICT = range(5)
_GENDER_CODES = {"M": 1, "F": 2}
_GENDER_NAMES = {1: "M", 2: "F"}
# Field multipliers and bonuses by date outcome.
_DATE_FACTOR = np.array([1.0, 1.0, 1.0, BIRTH_DATE_CLOSE, BIRTH_DATE_CONFLICT])
_DATE_BONUS = np.array([0.0, BIRTH_DATE_SAME_BONUS, BIRTH_DATE_COMPATIBLE_BONUS, 0.0, 0.0])
# The fields a query's candidates are filtered and ranked by, packed so that one cache line
# read per candidate brings them all.
ENTRY_FIELDS = np.dtype(
    {
        "names": ["year", "nationality", "month", "day", "gender", "name_set", "id_rank"],
        "formats": ["<i2", "<i2", "i1", "i1", "i1", "<i4", "<i4"],
        "offsets": [0, 2, 4, 5, 6, 8, 12],
        "itemsize": 16,
    }
)


def _date_outcomes(birth: PartialDate, fields: npt.NDArray[np.void]) -> npt.NDArray[np.int8]:
    """`compare_dates` of the query's birth date against many entries at once."""
    years = fields["year"].astype(np.int32)
    months = fields["month"].astype(np.int32)
    days = fields["day"].astype(np.int32)
    months_fit = (months == 0) | (birth.month == 0) | (months == birth.month)
    days_fit = (days == 0) | (birth.day == 0) | (days == birth.day)
    year_slip = (np.abs(years - birth.year) == 1) & months_fit & days_fit
    swapped = (
        (years == birth.year)
        & (days != 0)
        & (birth.day != 0)
        & (birth.day != birth.month)
        & (months == birth.day)
        & (days == birth.month)
    )
    same_parts = (months == birth.month) & (days == birth.day)
    outcome = np.full(len(fields), _COMPATIBLE, dtype=np.int8)
    outcome[same_parts] = _SAME
    outcome[~(months_fit & days_fit) | (years != birth.year)] = _CONFLICT
    outcome[year_slip | swapped] = _CLOSE
    outcome[years == 0] = _MISSING
    return outcome


def _code_weights(
    count: int, wanted: int, conflict: float, bonus: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Multiplier and bonus for each of `count` field codes against the query's code.

    Code 0 is "not recorded": neither agreement nor conflict, as in `assess_fields`.
    """
    codes = np.arange(count)
    agrees = codes == wanted
    return np.where((codes != 0) & ~agrees, conflict, 1.0), np.where(agrees, bonus, 0.0)


class WatchlistIndex:
    """Watchlist entries held column-wise in compact arrays; immutable once built."""

    __slots__ = (
        "__weakref__",
        "_documents",
        "_entries",
        "_ids",
        "_key_hash",
        "_keys",
        "_name_sets",
        "_nationalities",
        "_nationality_codes",
    )

    def __init__(self) -> None:
        self._ids = TextColumn()
        # Distinct name sets; entries point at theirs through their `name_set` field.
        self._name_sets = NameSetsBuilder().finish()
        self._entries: npt.NDArray[np.void] = np.zeros(0, dtype=ENTRY_FIELDS)
        self._documents: dict[int, str] = {}
        self._nationalities: list[str] = [""]
        self._nationality_codes: dict[str, int] = {"": 0}
        self._keys = KeyTable.build(array("q"), array("i"))
        self._key_hash: Callable[[str], int] = hash

    @classmethod
    def build(cls, records: Iterable[PersonRecord], stable_keys: bool = False) -> WatchlistIndex:
        """Index `records`; with `stable_keys` the key hashes are the same in every process,
        so the index can be saved with `parts` and loaded in another (at some build cost)."""
        index = cls()
        key_hash = stable_key_hash if stable_keys else hash
        index._key_hash = key_hash
        ids: list[str] = []
        name_sets = NameSetsBuilder()
        years, months, days = array("h"), array("b"), array("b")
        genders, nationalities = array("b"), array("h")
        key_hashes, postings = array("q"), array("i")
        nationality_codes: dict[str, int] = {"": 0}
        name_set = array("i")
        for position, record in enumerate(records):
            prepared = prepare(record)
            ids.append(record.id)
            name_set.append(name_sets.add(prepared.names))
            birth = prepared.birth_date
            years.append(birth.year if birth else 0)
            months.append(birth.month if birth else 0)
            days.append(birth.day if birth else 0)
            genders.append(_GENDER_CODES.get(prepared.gender or "", 0))
            code = prepared.nationality or ""
            nationalities.append(nationality_codes.setdefault(code, len(nationality_codes)))
            if prepared.document_number:
                index._documents[position] = prepared.document_number
            keys: set[str] = set()
            for forms in prepared.names:
                keys |= entry_keys(forms)
            for key in keys:
                key_hashes.append(key_hash(key))
                postings.append(position)
        index._nationalities = list(nationality_codes)
        index._nationality_codes = nationality_codes
        entries = np.zeros(len(ids), dtype=ENTRY_FIELDS)
        if ids:
            entries["year"] = np.frombuffer(years, dtype=np.int16)
            entries["month"] = np.frombuffer(months, dtype=np.int8)
            entries["day"] = np.frombuffer(days, dtype=np.int8)
            entries["gender"] = np.frombuffer(genders, dtype=np.int8)
            entries["nationality"] = np.frombuffer(nationalities, dtype=np.int16)
            entries["name_set"] = np.frombuffer(name_set, dtype=np.int32)
            # Rank of each id in sorted order, so that equal scores can be ordered by id in numpy.
            by_id = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
            entries["id_rank"][by_id] = np.arange(len(ids), dtype=np.int32)
        index._entries = entries
        id_column = TextColumnBuilder()
        for entry_id in ids:
            id_column.append(entry_id)
        index._ids = id_column.finish()
        index._name_sets = name_sets.finish()
        index._keys = KeyTable.build(key_hashes, postings)
        return index

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def has_stable_keys(self) -> bool:
        return self._key_hash is stable_key_hash

    def parts(self) -> tuple[dict[str, npt.NDArray[np.generic]], dict[str, object]]:
        """The index as named arrays and a JSON-able description, for `from_parts` elsewhere."""
        if not self.has_stable_keys:
            raise ValueError("only an index built with stable_keys can be rebuilt from its parts")
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "entries": self._entries,
            "document_positions": np.fromiter(self._documents, dtype=np.int64, count=len(self._documents)),
        }
        arrays.update(self._ids.arrays("ids"))
        arrays.update(self._name_sets.arrays("name_sets"))
        arrays.update(TextColumnBuilder.of(self._documents.values()).arrays("documents"))
        arrays.update(self._keys.arrays("keys"))
        return arrays, {"nationalities": list(self._nationalities)}

    @classmethod
    def from_parts(
        cls, arrays: Mapping[str, npt.NDArray[np.generic]], description: Mapping[str, object]
    ) -> WatchlistIndex:
        """The index `parts` described; arrays are used as they are (memory-mapped ones stay so)."""
        index = cls()
        index._key_hash = stable_key_hash
        index._entries = np.asarray(arrays["entries"]).view(ENTRY_FIELDS)
        index._ids = TextColumn.from_arrays(arrays, "ids")
        index._name_sets = NameSets.from_arrays(arrays, "name_sets")
        documents = TextColumn.from_arrays(arrays, "documents")
        positions = np.asarray(arrays["document_positions"], dtype=np.int64).tolist()
        index._documents = {position: documents.text(row) for row, position in enumerate(positions)}
        nationalities = description.get("nationalities")
        if not isinstance(nationalities, list) or not all(isinstance(code, str) for code in nationalities):
            raise ValueError("the index description has no nationality list")
        index._nationalities = list(nationalities)
        index._nationality_codes = {code: number for number, code in enumerate(nationalities)}
        index._keys = KeyTable.from_arrays(arrays, "keys")
        if len(index._entries) != len(index._ids):
            raise ValueError("the index parts disagree on the number of entries")
        return index

    @property
    def nbytes(self) -> int:
        """Bytes held in the index's arrays and buffers (documents and code lists aside)."""
        return self._ids.nbytes + self._name_sets.nbytes + int(self._entries.nbytes) + self._keys.nbytes

    def _entry(self, position: int) -> PreparedRecord:
        year, nationality, month, day, gender, _, _ = self._entries[position].item()
        return PreparedRecord(
            id=self._ids.text(position),
            names=(),
            birth_date=PartialDate(year, month, day) if year else None,
            gender=_GENDER_NAMES.get(gender),
            nationality=self._nationalities[nationality] or None,
            document_number=self._documents.get(position),
        )

    def _candidates(self, query: PreparedRecord) -> npt.NDArray[np.int32]:
        keys: list[str] = []
        for forms in query.names:
            keys.extend(query_keys(forms))
        keys = list(dict.fromkeys(keys))
        key_hash = self._key_hash
        wanted = np.fromiter((key_hash(key) for key in keys), dtype=np.int64, count=len(keys))
        filed = self._keys.filed(wanted)
        candidates = distinct_positions(filed)
        if len(candidates) > MAX_SCORED_CANDIDATES:
            # Only so many are scored: keys come best first (direct renderings, then
            # projections), so keep the candidates in the order the keys found them.
            candidates = distinct_positions_in_order(filed)
        return candidates

    def _field_weights(
        self, query: PreparedRecord, fields: npt.NDArray[np.void]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Field multipliers and bonuses of many candidates at once, as `assess_fields` gives them."""
        if query.birth_date is not None:
            outcome = _date_outcomes(query.birth_date, fields)
            factor, bonus = _DATE_FACTOR[outcome], _DATE_BONUS[outcome]
        else:
            factor, bonus = np.ones(len(fields), dtype=np.float64), np.zeros(len(fields), dtype=np.float64)
        if query.gender is not None:
            gender = _GENDER_CODES[query.gender]
            factors, bonuses = _code_weights(len(_GENDER_NAMES) + 1, gender, GENDER_CONFLICT, GENDER_BONUS)
            factor *= factors[fields["gender"]]
            bonus += bonuses[fields["gender"]]
        if query.nationality is not None:
            nationality = self._nationality_codes.get(query.nationality, -1)
            count = len(self._nationalities)
            factors, bonuses = _code_weights(count, nationality, NATIONALITY_CONFLICT, NATIONALITY_BONUS)
            factor *= factors[fields["nationality"]]
            bonus += bonuses[fields["nationality"]]
        return factor, bonus

    def screen(
        self,
        query: PersonRecord,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        excluded: npt.NDArray[np.bool_] | None = None,
    ) -> list[Match]:
        """Watchlist entries scoring at least `threshold` against `query`, best first.

        `excluded`, one flag per entry position, leaves out entries withdrawn since the build.
        """
        prepared = prepare(query)
        if not prepared.names or limit < 1:
            return []
        candidates = self._candidates(prepared)
        if excluded is not None and len(candidates):
            candidates = candidates[~excluded[candidates]]
        fields = self._entries[candidates]
        factor, bonus = self._field_weights(prepared, fields)
        with_document = prepared.document_number is not None
        # Fields alone can rule a candidate out before its name is compared.
        ceiling = factor * (1.0 + bonus)
        if with_document:
            ceiling += (1.0 - ceiling) * 0.5
        reachable = np.flatnonzero(ceiling >= threshold - _EPSILON)[:MAX_SCORED_CANDIDATES]
        candidates, fields = candidates[reachable], fields[reachable]
        factor, bonus = factor[reachable], bonus[reachable]
        # Common names are shared by many entries, spelt alike: compare each name set once.
        distinct, set_of = np.unique(fields["name_set"], return_inverse=True)
        agreements = self._name_sets.compare(prepared.names, distinct.astype(np.int64))
        name_scores = agreements.scores[set_of]
        scores = name_scores * factor * (1.0 + bonus)
        if with_document:
            for i, position in enumerate(candidates.tolist()):
                if self._documents.get(position) == prepared.document_number:
                    scores[i] += (1.0 - scores[i]) * 0.5 * name_scores[i]
        # As `combine` does: scores above 1 tie at 1 and are then ordered by id.
        scores = np.minimum(scores, 1.0)
        passing = np.flatnonzero(scores >= threshold - _EPSILON)
        if len(passing) > limit:
            # Best first, ties by id. Rounding may tie the last place with an entry scoring just
            # below it and sorting before it by id, so those are scored exactly below too;
            # entries tied with the last place exactly already sort after it.
            order = passing[np.lexsort((fields["id_rank"][passing], -scores[passing]))]
            last = scores[order[limit - 1]]
            below = order[limit:]
            below = below[(scores[below] < last) & (scores[below] >= last - _TIE_MARGIN)]
            passing = np.concatenate((order[:limit], below[: limit * 3]))
        found: list[tuple[float, str, NameAgreement, FieldAssessment, PreparedRecord]] = []
        for i in passing.tolist():
            entry = self._entry(int(candidates[i]))
            assessment = assess_fields(prepared, entry)
            name = agreements.best(int(set_of[i]))
            score = combine(name.score, assessment)
            if score >= threshold:
                found.append((score, entry.id, name, assessment, entry))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [
            Match(id=entry_id, score=score, explanation=explain(name, assessment, prepared, entry))
            for score, entry_id, name, assessment, entry in found[:limit]
        ]

    def screen_many(
        self,
        queries: Sequence[PersonRecord],
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        workers: int = 1,
    ) -> list[list[Match]]:
        """Screen a batch; with workers > 1, forked processes share the index memory.

        The worker processes are started on first use and kept for later batches, so their
        reading caches stay warm; they end with the index or the interpreter.
        """
        pool = _worker_pool(self, workers) if workers > 1 and len(queries) >= SMALL_BATCH else None
        if pool is None:
            return [self.screen(query, threshold, limit) for query in queries]
        # Many small chunks handed out one at a time: no worker is left with a long tail alone.
        size = max(1, min(MAX_CHUNK, math.ceil(len(queries) / (workers * 8))))
        chunks = [(chunk, threshold, limit) for chunk in _chunks(queries, size)]
        results = pool.starmap(_screen_chunk, chunks, chunksize=1)
        return [[Match(*match) for match in matches] for chunk in results for matches in chunk]


_POOLS_LOCK = threading.Lock()
_POOLS: dict[tuple[int, int], Pool] = {}
_WORKER_INDEX: weakref.ref[WatchlistIndex] | None = None


def _worker_pool(index: WatchlistIndex, workers: int) -> Pool | None:
    key = (id(index), workers)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            try:
                context = multiprocessing.get_context("fork")
            except ValueError:
                return None
            pool = context.Pool(workers, initializer=_attach_index, initargs=(weakref.ref(index),))
            _POOLS[key] = pool
            weakref.finalize(index, _close_pool, key)
        return pool


def _close_pool(key: tuple[int, int]) -> None:
    with _POOLS_LOCK:
        pool = _POOLS.pop(key, None)
    if pool is not None:
        pool.terminate()


def _attach_index(reference: weakref.ref[WatchlistIndex]) -> None:
    global _WORKER_INDEX
    _WORKER_INDEX = reference
    # The inherited heap is read-only here: keeping the collector off it avoids long pauses and
    # copying shared pages.
    gc.freeze()


# Plain tuples cross the process boundary: a frozen dataclass costs far more to unpickle.
_RecordRow = tuple[str, str, tuple[str, ...], str | None, str | None, str | None, str | None]
_MatchRow = tuple[str, float, dict[str, object]]


def _chunks(items: Sequence[PersonRecord], size: int) -> Iterator[list[_RecordRow]]:
    for start in range(0, len(items), size):
        yield [
            (r.id, r.name, r.alt_names, r.birth_date, r.gender, r.nationality, r.document_number)
            for r in items[start : start + size]
        ]


def _screen_chunk(chunk: list[_RecordRow], threshold: float, limit: int) -> list[list[_MatchRow]]:
    index = _WORKER_INDEX() if _WORKER_INDEX is not None else None
    if index is None:
        raise RuntimeError("screening worker has no index")
    return [
        [(match.id, match.score, match.explanation) for match in index.screen(PersonRecord(*row), threshold, limit)]
        for row in chunk
    ]
