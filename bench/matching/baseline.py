"""Plain fuzzy-matching baseline: what a watchlist check does without transliteration.

Names are ASCII-folded (NFKD, combining marks stripped, đ -> d; CJK characters stay as they
are), lower-cased with punctuation turned into spaces, and compared with rapidfuzz's
``token_sort_ratio``. A watchlist entry is a hit when any of its names scores at least the
threshold against any of the query's names. Birth dates and other fields are ignored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process, utils

DEFAULT_BASELINE_THRESHOLD = 85
_QUERY_CHUNK = 256  # rows of the score matrix computed at once, to bound memory


class NamedRecord(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def alt_names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class BaselineHit:
    id: str
    score: float  # 0..1, like the library's scores


def ascii_fold(name: str) -> str:
    text = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return str(utils.default_process(stripped))


class FuzzyBaseline:
    """All names of a watchlist, folded once, searched exhaustively with rapidfuzz."""

    def __init__(self, records: Iterable[NamedRecord],
                 threshold: int = DEFAULT_BASELINE_THRESHOLD) -> None:
        self.threshold = threshold
        self.ids: list[str] = []
        names: list[str] = []
        owners: list[int] = []
        for record in records:
            owner = len(self.ids)
            self.ids.append(record.id)
            for name in (record.name, *record.alt_names):
                names.append(ascii_fold(name))
                owners.append(owner)
        self.names = names
        self.owners = np.asarray(owners, dtype=np.int32)

    def _hits_from_scores(self, query_rows: list[tuple[np.ndarray, np.ndarray]],
                          limit: int) -> list[BaselineHit]:
        best: dict[int, int] = {}
        for columns, row_scores in query_rows:
            for column, score in zip(columns.tolist(), row_scores.tolist(), strict=True):
                owner = int(self.owners[column])
                if score > best.get(owner, 0):
                    best[owner] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [BaselineHit(self.ids[owner], score / 100.0) for owner, score in ranked]

    def screen_many(self, queries: Sequence[NamedRecord], limit: int = 10,
                    workers: int = 2) -> list[list[BaselineHit]]:
        """Screen many queries; the score matrix is computed in chunks of query names."""
        query_names: list[str] = []
        query_of_name: list[int] = []
        for position, query in enumerate(queries):
            for name in (query.name, *query.alt_names):
                query_names.append(ascii_fold(name))
                query_of_name.append(position)
        rows_by_query: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in queries]
        for start in range(0, len(query_names), _QUERY_CHUNK):
            chunk = query_names[start:start + _QUERY_CHUNK]
            scores = process.cdist(chunk, self.names, scorer=fuzz.token_sort_ratio,
                                   score_cutoff=self.threshold, dtype=np.uint8, workers=workers)
            for offset, row in enumerate(scores):
                columns = np.flatnonzero(row)
                if len(columns):
                    rows_by_query[query_of_name[start + offset]].append((columns, row[columns]))
        return [self._hits_from_scores(rows, limit) for rows in rows_by_query]

    def screen(self, query: NamedRecord, limit: int = 10) -> list[BaselineHit]:
        """One query with ``process.extract``, as a single gate check would run."""
        best: dict[int, float] = {}
        for name in (query.name, *query.alt_names):
            found = process.extract(ascii_fold(name), self.names, scorer=fuzz.token_sort_ratio,
                                    score_cutoff=self.threshold, limit=None)
            for _, score, column in found:
                owner = int(self.owners[column])
                best[owner] = max(best.get(owner, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [BaselineHit(self.ids[owner], score / 100.0) for owner, score in ranked]
