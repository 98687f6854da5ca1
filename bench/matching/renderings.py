"""How one person's name is written in each script, and the formatting variants officers meet.

A name is held as ground-truth syllables (see ``sources``); the functions here turn it into the
strings that appear on documents and watchlists. Nothing here uses the library under test.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from bench.matching.sources import HanSyllable, VietnameseName

# Spellings that name the same syllable: southern pronunciation, i/y spelling and tone-mark
# placement. Used to decide when two generated people are indistinguishable by name.
_EQUIVALENT_FOLDED = {"huynh": "hoang", "vo": "vu", "chau": "chu", "li": "ly", "qui": "quy",
                      "mi": "my", "ki": "ky"}


def fold(text: str) -> str:
    """Strip Latin diacritics (đ -> d); CJK characters are left as they are."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))


def syllable_key(latin: str) -> str:
    """Comparison key of one Latin syllable: folded, lower case, variant spellings merged."""
    folded = fold(latin).lower().replace("'", "")
    return _EQUIVALENT_FOLDED.get(folded, folded)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name as ground truth.

    ``family`` and ``given`` are Hán syllables (every person in the set has a character form).
    ``vietnamese`` holds the Vietnamese names for Vietnamese nationals (family, middle, given),
    whose own spelling is the Latin form of record; it is empty for Chinese nationals.
    """

    family: tuple[HanSyllable, ...]
    given: tuple[HanSyllable, ...]
    vietnamese: tuple[VietnameseName, ...] = ()

    @property
    def is_vietnamese(self) -> bool:
        return bool(self.vietnamese)

    def chars(self, traditional: bool = False) -> str:
        syllables = self.family + self.given
        if traditional:
            return "".join(s.traditional for s in syllables)
        return "".join(s.simplified for s in syllables)

    def has_traditional_difference(self) -> bool:
        return any(s.simplified != s.traditional for s in self.family + self.given)

    def pinyin_parts(self) -> tuple[str, str]:
        """(family, given) in Pinyin word form: ("Ouyang", "Xiaohong"), ("Ruan", "Wen'an")."""
        return _pinyin_word(self.family), _pinyin_word(self.given)

    def pinyin_syllables(self) -> tuple[list[str], list[str]]:
        return [s.pinyin for s in self.family], [s.pinyin for s in self.given]

    def hanviet_parts(self) -> tuple[list[str], list[str]]:
        """Sino-Vietnamese syllables; for Vietnamese nationals their own spelling of record."""
        if self.vietnamese:
            words = [n.vietnamese for n in self.vietnamese]
            return words[:1], words[1:]
        return [s.hanviet for s in self.family], [s.hanviet for s in self.given]

    def name_keys(self) -> frozenset[tuple[str, str]]:
        """Keys under which two people cannot be told apart by name in some script."""
        family_py, given_py = self.pinyin_syllables()
        family_hv, given_hv = self.hanviet_parts()
        pinyin_key = " ".join(sorted(syllable_key(s) for s in family_py + given_py))
        hanviet_key = " ".join(sorted(syllable_key(s) for s in family_hv + given_hv))
        return frozenset({("chars", self.chars()), ("pinyin", pinyin_key),
                          ("hanviet", hanviet_key)})


def _pinyin_word(syllables: tuple[HanSyllable, ...]) -> str:
    word = ""
    for index, syllable in enumerate(syllables):
        # Pinyin marks a syllable boundary before a, o, e with an apostrophe (Xi'an, Wen'an).
        if index and syllable.pinyin[0] in "aoe":
            word += "'"
        word += syllable.pinyin
    return word.capitalize()


def _ascii_pinyin(text: str) -> str:
    # Chinese passports write ü as YU (LYU); folding it to U is the common informal spelling.
    return text.replace("ü", "yu").replace("Ü", "YU")


def pinyin_name(name: PersonName, rng: random.Random) -> str:
    """One Pinyin spelling as found on Chinese-issued documents, registers and notices."""
    family, given = name.pinyin_parts()
    family_syllables, given_syllables = name.pinyin_syllables()
    style = rng.randrange(6)
    if style == 0:
        return f"{family} {given}"
    if style == 1:
        return _ascii_pinyin(f"{family} {given}".replace("'", "")).upper()
    if style == 2:
        return " ".join(s.capitalize() for s in family_syllables + given_syllables)
    if style == 3:
        return _ascii_pinyin(f"{given} {family}".replace("'", "")).upper()
    if style == 4:
        return f"{given} {family}"
    return _ascii_pinyin(f"{family.upper()} {given}")


def hanviet_name(name: PersonName, rng: random.Random, diacritics: bool | None = None,
                 given_first: bool | None = None) -> str:
    """Sino-Vietnamese (or Vietnamese) spelling, with or without diacritics and in either order."""
    family, given = name.hanviet_parts()
    if given_first is None:
        given_first = rng.random() < 0.25
    if diacritics is None:
        diacritics = rng.random() < 0.6
    words = given + family if given_first else family + given
    text = " ".join(words)
    if not diacritics:
        text = fold(text)
    return text.upper() if rng.random() < 0.4 else text


def latin_of_record(name: PersonName) -> tuple[list[str], list[str]]:
    """The Latin spelling a person's own documents carry: Vietnamese or Pinyin syllables."""
    if name.is_vietnamese:
        return name.hanviet_parts()
    family, given = name.pinyin_parts()
    return [family], [given]


def mrz_name(family: list[str], given: list[str], split_given: bool) -> str:
    """Machine-readable-zone form: WANG<<XIAOHONG or NGUYEN<<VAN<AN (ICAO 9303)."""
    def mrz(word: str) -> str:
        return _ascii_pinyin(fold(word)).upper().replace("'", "").replace("-", "<")

    given_words = given
    if split_given:
        given_words = [part for word in given for part in word.replace("'", " ").split()]
    return "<".join(mrz(w) for w in family) + "<<" + "<".join(mrz(w) for w in given_words)


def _pinyin_given_split(name: PersonName, joiner: str) -> str:
    _, given_syllables = name.pinyin_syllables()
    return joiner.join(s.capitalize() for s in given_syllables)


def format_variant(name: PersonName, rng: random.Random) -> tuple[str, str]:
    """A formatting variant of the Latin name of record: (canonical form, variant form).

    Variants cover what differs between documents in one script: case, punctuation,
    ``SURNAME, Given``, name order, MRZ, stray spaces, missing Vietnamese diacritics and
    hyphenated or apostrophe-less Pinyin.
    """
    family, given = latin_of_record(name)
    canonical = " ".join(family + given)
    choices = ["upper", "lower", "comma", "swap", "mrz", "spaces", "punct"]
    if name.is_vietnamese:
        choices += ["no_diacritics", "no_diacritics_upper"]
    elif len(name.given) > 1:
        choices += ["hyphen", "split_given", "no_apostrophe"]
    kind = rng.choice(choices)
    family_text, given_text = " ".join(family), " ".join(given)
    if kind == "upper":
        variant = _ascii_pinyin(canonical).upper() if not name.is_vietnamese else canonical.upper()
    elif kind == "lower":
        variant = canonical.lower()
    elif kind == "comma":
        variant = f"{family_text.upper()}, {given_text}"
    elif kind == "swap":
        variant = f"{given_text} {family_text}"
    elif kind == "mrz":
        variant = mrz_name(family, given, split_given=rng.random() < 0.5)
    elif kind == "spaces":
        variant = "  " + "   ".join(family + given) + " "
    elif kind == "punct":
        # Stray full stops from free-text fields and abbreviation habits.
        variant = f"{family_text}. {given_text}." if rng.random() < 0.5 else \
            f"{family_text} {given_text}."
    elif kind == "no_diacritics":
        variant = fold(canonical)
    elif kind == "no_diacritics_upper":
        variant = fold(canonical).upper()
    elif kind == "hyphen":
        variant = f"{family_text} {_pinyin_given_split(name, '-')}"
    elif kind == "split_given":
        variant = f"{family_text} {_pinyin_given_split(name, ' ')}"
    else:
        variant = canonical.replace("'", "")
    if name.is_vietnamese and rng.random() < 0.3 and kind not in ("mrz", "no_diacritics",
                                                                  "no_diacritics_upper"):
        canonical = canonical.upper()
    return canonical, variant


def southern_variant(name: PersonName, rng: random.Random) -> tuple[str, str] | None:
    """(record spelling, variant spelling) swapping southern / i-y / tone-placement spellings."""
    if not name.vietnamese:
        return None
    positions = [i for i, n in enumerate(name.vietnamese) if n.variants]
    if not positions:
        return None
    canonical_words = [n.vietnamese for n in name.vietnamese]
    variant_words = list(canonical_words)
    chosen = [p for p in positions if rng.random() < 0.7] or [rng.choice(positions)]
    for position in chosen:
        variant_words[position] = rng.choice(name.vietnamese[position].variants)
    canonical, variant = " ".join(canonical_words), " ".join(variant_words)
    # Folding erases tone-placement differences (Thủy/Thuỷ), so drop diacritics only when the
    # folded spellings still differ (Hoàng/Huỳnh).
    if fold(canonical) != fold(variant) and rng.random() < 0.3:
        variant = fold(variant).upper()
    if rng.random() < 0.5:
        canonical, variant = variant, canonical
    return canonical, variant
