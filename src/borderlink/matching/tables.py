"""Reading tables built from Unihan (see data/README.md), loaded once on first use."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _data_lines(name: str) -> list[str]:
    raw = resources.files("borderlink.matching").joinpath("data", name).read_bytes()
    return gzip.decompress(raw).decode("utf-8").splitlines()


@dataclass(frozen=True, slots=True)
class Correspondence:
    """Weighted Pinyin ↔ Hán-Việt syllable pairs, counted over characters carrying both readings."""

    weights: dict[tuple[str, str], float]
    name_pairs: frozenset[tuple[str, str]]
    han_viet_given_pinyin: dict[str, tuple[tuple[str, float], ...]]
    pinyin_given_han_viet: dict[str, tuple[tuple[str, float], ...]]
    best_for_pinyin: dict[str, float]
    best_for_han_viet: dict[str, float]


@cache
def han_viet_readings() -> dict[str, tuple[str, ...]]:
    """Character → Sino-Vietnamese readings with diacritics, the usual one first."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("han_viet.tsv.gz"):
        char, readings = line.split("\t")
        table[char] = tuple(readings.split())
    return table


@cache
def simplified_forms() -> dict[str, str]:
    """Traditional character → simplified character."""
    table: dict[str, str] = {}
    for line in _data_lines("simplified.tsv.gz"):
        traditional, simplified = line.split("\t")
        table[traditional] = simplified
    return table


@cache
def pinyin_syllables() -> frozenset[str]:
    """Toneless Pinyin syllables (ü written v); vowel-less interjections such as `ng` left out."""
    syllables = {s for s in _data_lines("pinyin_syllables.txt.gz") if any(v in s for v in "aeiouv")}
    return frozenset(syllables)


@cache
def marked_name_pairs() -> frozenset[tuple[str, str]]:
    """Pinyin syllable / Hán-Việt syllable with its tone, as name characters carry them."""
    pairs: set[tuple[str, str]] = set()
    for line in _data_lines("pinyin_han_viet_marked.tsv.gz"):
        pinyin, han_viet = line.split("\t")
        pairs.add((pinyin, han_viet))
    return frozenset(pairs)


@cache
def correspondence() -> Correspondence:
    weights: dict[tuple[str, str], float] = {}
    name_pairs: set[tuple[str, str]] = set()
    for line in _data_lines("pinyin_han_viet.tsv.gz"):
        pinyin, han_viet, weight_text, flag = line.split("\t")
        weights[(pinyin, han_viet)] = float(weight_text)
        if flag == "name":
            name_pairs.add((pinyin, han_viet))
    by_pinyin: dict[str, list[tuple[str, float]]] = {}
    by_han_viet: dict[str, list[tuple[str, float]]] = {}
    for (pinyin, han_viet), weight in weights.items():
        by_pinyin.setdefault(pinyin, []).append((han_viet, weight))
        by_han_viet.setdefault(han_viet, []).append((pinyin, weight))
    return Correspondence(
        weights=weights,
        name_pairs=frozenset(name_pairs),
        han_viet_given_pinyin=_normalised(by_pinyin),
        pinyin_given_han_viet=_normalised(by_han_viet),
        best_for_pinyin={k: max(w for _, w in v) for k, v in by_pinyin.items()},
        best_for_han_viet={k: max(w for _, w in v) for k, v in by_han_viet.items()},
    )


def _normalised(
    table: dict[str, list[tuple[str, float]]],
) -> dict[str, tuple[tuple[str, float], ...]]:
    result: dict[str, tuple[tuple[str, float], ...]] = {}
    for source, targets in table.items():
        total = sum(w for _, w in targets)
        ranked = sorted(targets, key=lambda item: -item[1])
        result[source] = tuple((target, w / total) for target, w in ranked)
    return result
