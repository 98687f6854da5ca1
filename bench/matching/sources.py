"""The committed name source lists and the ground-truth renderings derived from them.

Pinyin comes from pypinyin and Sino-Vietnamese readings from the curated, Unihan-checked table
``data/hanviet.tsv``; nothing here uses the library under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pypinyin import Style, pinyin

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_table(path: Path) -> list[list[str]]:
    """Rows of a tab-separated source list, without comments and the column header line."""
    rows = []
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        rows.append(line.split("\t"))
    return rows


def _column(row: list[str], index: int) -> str:
    return row[index].strip() if len(row) > index else ""


@dataclass(frozen=True, slots=True)
class HanSyllable:
    """One character of a name with its two ground-truth readings."""

    simplified: str
    traditional: str
    pinyin: str  # lower-case toneless, ü kept (lü)
    hanviet: str  # Vietnamese spelling with diacritics, capitalised


@dataclass(frozen=True, slots=True)
class ChineseSurname:
    syllables: tuple[HanSyllable, ...]
    weight: int


@dataclass(frozen=True, slots=True)
class ChineseGivenChar:
    syllable: HanSyllable
    gender: str | None


@dataclass(frozen=True, slots=True)
class VietnameseName:
    """A Vietnamese family, middle or given name with its Hán character."""

    vietnamese: str
    syllable: HanSyllable
    gender: str | None
    weight: int
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sources:
    cn_surnames: tuple[ChineseSurname, ...]
    cn_given: tuple[ChineseGivenChar, ...]
    vn_family: tuple[VietnameseName, ...]
    vn_middle: tuple[VietnameseName, ...]
    vn_given: tuple[VietnameseName, ...]


def pinyin_readings(char: str) -> list[str]:
    """Every toneless reading pypinyin knows for a character, most common first."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True, v_to_u=True)[0]
    return [r for r in readings if r]


@cache
def hanviet_table() -> dict[str, tuple[str, str]]:
    """Simplified character -> (traditional form, Sino-Vietnamese reading)."""
    return {
        row[0]: (row[1], row[2]) for row in read_table(DATA_DIR / "hanviet.tsv")
    }


def _syllable(simplified: str, traditional: str, pinyin_reading: str = "",
              hanviet_reading: str = "") -> HanSyllable:
    table = hanviet_table()
    readings = pinyin_readings(simplified)
    if pinyin_reading and pinyin_reading not in readings:
        raise ValueError(f"{simplified}: {pinyin_reading} is not a pypinyin reading {readings}")
    return HanSyllable(
        simplified=simplified,
        traditional=traditional,
        pinyin=pinyin_reading or readings[0],
        hanviet=hanviet_reading or table[simplified][1],
    )


def _gender(value: str) -> str | None:
    return value if value in ("M", "F") else None


def _vietnamese_names(path: Path, has_weight: bool, has_gender: bool) -> tuple[VietnameseName,
                                                                                 ...]:
    names = []
    for row in read_table(path):
        index = 3
        gender = None
        weight = 1
        if has_gender:
            gender = _gender(_column(row, index))
            index += 1
        if has_weight:
            weight = int(_column(row, index))
            index += 1
        variants = tuple(v for v in _column(row, index).split("|") if v)
        vietnamese = row[0]
        names.append(
            VietnameseName(
                vietnamese=vietnamese,
                syllable=_syllable(row[1], row[2], hanviet_reading=vietnamese),
                gender=gender,
                weight=weight,
                variants=variants,
            )
        )
    return tuple(names)


@cache
def load_sources() -> Sources:
    surnames = []
    for row in read_table(DATA_DIR / "cn_surnames.tsv"):
        simplified, traditional, weight = row[0], row[1], int(row[2])
        pinyin_override = _column(row, 3)
        hanviet_override = _column(row, 4).split()
        syllables = tuple(
            _syllable(
                s,
                t,
                pinyin_reading=pinyin_override if len(simplified) == 1 else "",
                hanviet_reading=hanviet_override[i] if hanviet_override else "",
            )
            for i, (s, t) in enumerate(zip(simplified, traditional, strict=True))
        )
        surnames.append(ChineseSurname(syllables=syllables, weight=weight))
    given = tuple(
        ChineseGivenChar(syllable=_syllable(row[0], row[1]), gender=_gender(_column(row, 2)))
        for row in read_table(DATA_DIR / "cn_given_chars.tsv")
    )
    return Sources(
        cn_surnames=tuple(surnames),
        cn_given=given,
        vn_family=_vietnamese_names(DATA_DIR / "vn_family_names.tsv", True, False),
        vn_middle=_vietnamese_names(DATA_DIR / "vn_middle_names.tsv", True, True),
        vn_given=_vietnamese_names(DATA_DIR / "vn_given_names.tsv", False, True),
    )
