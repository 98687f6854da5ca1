"""Cross-script person-name matching (Chinese characters, Pinyin, Vietnamese, Latin)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from borderlink.matching.models import Match, PersonRecord

DEFAULT_THRESHOLD = 0.8

__all__ = [
    "DEFAULT_THRESHOLD",
    "Match",
    "PersonRecord",
    "WatchlistIndex",
    "normalise_name",
    "renderings",
    "score_records",
]


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name).replace("<", " ").replace(",", " ")
    return " ".join(text.lower().split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def renderings(name: str) -> dict[str, list[str]]:
    normal = normalise_name(name)
    pinyin = " ".join(lazy_pinyin(normal, style=Style.NORMAL))
    return {"pinyin": [pinyin], "han_viet": [], "latin": [_fold(normal)]}


def score_records(a: PersonRecord, b: PersonRecord) -> Match:
    left = renderings(a.name)["pinyin"][0]
    right = renderings(b.name)["pinyin"][0]
    score = fuzz.token_sort_ratio(left, right) / 100.0
    return Match(id=b.id, score=score, explanation={"name": score})


class WatchlistIndex:
    def __init__(self, records: list[PersonRecord]) -> None:
        self._records = records

    @classmethod
    def build(cls, records: Iterable[PersonRecord]) -> WatchlistIndex:
        return cls(list(records))

    def __len__(self) -> int:
        return len(self._records)

    def screen(
        self, query: PersonRecord, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
    ) -> list[Match]:
        found = [score_records(query, record) for record in self._records]
        kept = [match for match in found if match.score >= threshold]
        return sorted(kept, key=lambda match: -match.score)[:limit]

    def screen_many(
        self,
        queries: Sequence[PersonRecord],
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
        workers: int = 1,
    ) -> list[list[Match]]:
        return [self.screen(query, threshold, limit) for query in queries]
