"""Cross-script person-name matching: Chinese characters, Pinyin, Vietnamese and Latin spellings.

Build a `WatchlistIndex` once from `PersonRecord`s, then `screen` queries against it; every
`Match` carries a score in [0, 1] and an explanation of what agreed and what conflicted.
"""

from __future__ import annotations

from borderlink.matching.index import WatchlistIndex
from borderlink.matching.models import Match, PersonRecord
from borderlink.matching.normalise import normalise_name
from borderlink.matching.render import renderings
from borderlink.matching.scoring import DEFAULT_THRESHOLD, score_records

__all__ = [
    "DEFAULT_THRESHOLD",
    "Match",
    "PersonRecord",
    "WatchlistIndex",
    "normalise_name",
    "renderings",
    "score_records",
]
