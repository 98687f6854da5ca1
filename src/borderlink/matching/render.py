"""Renderings of a name in a shared phonetic space: Pinyin, Sino-Vietnamese and plain Latin."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from borderlink.matching.normalise import (
    canonical_token,
    fold,
    has_vietnamese_marks,
    parse_name,
    vietnamese_shaped,
)
from borderlink.matching.readings import han_pinyin, han_viet, segment_pinyin, split_surname
from borderlink.matching.tables import han_viet_readings

# Regional spellings of one Sino-Vietnamese family name (northern / southern).
HAN_VIET_VARIANTS: dict[str, str] = {"huynh": "hoang", "vo": "vu", "chau": "chu"}

# Passport spellings of ü that are not plain Pinyin.
_PINYIN_SPELLINGS: dict[str, str] = {"lyu": "lv", "nyu": "nv", "lue": "lve", "nue": "nve"}


@dataclass(frozen=True, slots=True)
class NameForms:
    """One name rendered every way it can be compared.

    `pinyin` holds toneless syllable sequences; `han_viet` holds syllable sequences with the
    diacritics the source had (none for an ASCII passport spelling); `latin` holds the folded
    tokens as written, for names that are neither Chinese nor Vietnamese.
    """

    original: str
    han: str
    pinyin: tuple[tuple[str, ...], ...]
    han_viet: tuple[tuple[str, ...], ...]
    latin: tuple[str, ...]
    from_characters: bool

    @property
    def empty(self) -> bool:
        return not (self.han or self.pinyin or self.han_viet or self.latin)


@lru_cache(maxsize=1)
def _han_viet_syllables() -> frozenset[str]:
    readings = {r for values in han_viet_readings().values() for r in values}
    return frozenset(fold(canonical_token(reading)) for reading in readings)


@lru_cache(maxsize=100_000)
def han_viet_key(syllable: str) -> str:
    """Folded Hán-Việt syllable with regional variants merged, for retrieval."""
    folded = fold(syllable)
    return HAN_VIET_VARIANTS.get(folded, folded)


def _latin_pinyin(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Pinyin readings of Latin tokens, one per way of splitting run-together syllables."""
    if any(has_vietnamese_marks(token) for token in tokens):
        return []
    readings: list[tuple[str, ...]] = [()]
    for token in tokens:
        folded = fold(token)
        folded = _PINYIN_SPELLINGS.get(folded, folded)
        splits = segment_pinyin(folded)
        if not splits:
            return []
        readings = [(*reading, *split) for reading in readings for split in splits][:4]
    return readings


def _latin_han_viet(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    known = _han_viet_syllables()
    for token in tokens:
        folded = fold(token)
        if not vietnamese_shaped(folded):
            return None
        if folded not in known and not has_vietnamese_marks(token):
            return None
    return tokens


@lru_cache(maxsize=20_000)
def name_forms(name: str) -> NameForms:
    parsed = parse_name(name)
    pinyin_forms: list[tuple[str, ...]] = list(han_pinyin(parsed.han))
    han_viet_forms: list[tuple[str, ...]] = list(han_viet(parsed.han))
    latin: tuple[str, ...] = ()
    if parsed.tokens:
        for as_pinyin in _latin_pinyin(parsed.tokens):
            if as_pinyin not in pinyin_forms:
                pinyin_forms.append(as_pinyin)
        as_han_viet = _latin_han_viet(parsed.tokens)
        if as_han_viet and as_han_viet not in han_viet_forms:
            han_viet_forms.append(as_han_viet)
        latin = tuple(fold(token) for token in parsed.tokens)
    return NameForms(
        original=name,
        han=parsed.han,
        pinyin=tuple(pinyin_forms),
        han_viet=tuple(han_viet_forms),
        latin=latin,
        from_characters=bool(parsed.han),
    )


def renderings(name: str) -> dict[str, list[str]]:
    """Every rendering of a name: Pinyin, Sino-Vietnamese (with diacritics) and folded Latin."""
    forms = name_forms(name)
    latin = [" ".join(forms.latin)] if forms.latin else []
    for sequence in forms.pinyin:
        joined = " ".join(sequence)
        if joined not in latin:
            latin.append(joined)
    for sequence in forms.han_viet:
        joined = " ".join(fold(syllable) for syllable in sequence)
        if joined not in latin:
            latin.append(joined)
    return {
        "characters": [forms.han] if forms.han else [],
        "pinyin": [" ".join(sequence) for sequence in forms.pinyin],
        "han_viet": [" ".join(sequence) for sequence in forms.han_viet],
        "latin": latin,
    }


def display_renderings(name: str) -> list[str]:
    """A name as readers on both sides know it, each form once: as written, then for a name in
    Chinese characters its Pinyin with tone marks (family name apart, given name joined) and its
    Sino-Vietnamese reading: 王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng."""
    from pypinyin import Style, pinyin  # only names in characters need it

    shown = [name.strip()]
    forms = name_forms(name)
    if forms.han:
        family, given = split_surname(forms.han)
        marked = ["".join(reading[0] for reading in pinyin(part, style=Style.TONE, errors="ignore"))
                  for part in (family, given) if part]
        readings = [" ".join(part.capitalize() for part in marked if part)]
        if forms.han_viet:
            readings.append(" ".join(syllable.capitalize() for syllable in forms.han_viet[0]))
        for text in (forms.han, *readings):
            if text and text not in shown:
                shown.append(text)
    return shown
