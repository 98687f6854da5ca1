"""Text normalisation of person names: Unicode, case, punctuation, MRZ, Vietnamese spelling."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from borderlink.matching.tables import simplified_forms

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VIETNAMESE_VOWELS = frozenset("aăâeêioôơuưy")
_QUALITY_VOWELS = frozenset("ăâêôơư")
# Letters whose presence marks a name as Vietnamese rather than Pinyin.
_VIETNAMESE_ONLY_MARKS = frozenset("đăâêôơư\u0309\u0323\u0303")
_SEPARATORS = re.compile(r"[\s\-_.·•'’‘`\"/\\()\[\]{}|;:!?*#&+=~^@$%0-9]+")
_VIETNAMESE_SHAPE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
# A final -y after a consonant is spelt -i in the newer orthography (Lý / Lí, Kỳ / Kì).
_FINAL_Y = re.compile(r"^(ngh|ng|nh|ch|gh|kh|ph|qu|th|tr|[bcdghklmnprstvx])y$")


_HAN = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def simplify(text: str) -> str:
    """Unify traditional and simplified characters on the simplified form."""
    table = simplified_forms()
    return "".join(table.get(char, char) for char in text)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into its Han characters and its Latin tokens (family name first if known)."""

    han: str
    tokens: tuple[str, ...]
    family_first: bool


@lru_cache(maxsize=20_000)
def parse_name(name: str) -> ParsedName:
    text = unicodedata.normalize("NFC", name).strip()
    han = simplify("".join(_HAN.findall(text)))
    latin = _HAN.sub(" ", text)
    family_first = False
    if "<<" in latin:
        family, _, given = latin.partition("<<")
        latin = f"{family} {given}"
        family_first = True
    elif latin.count(",") == 1:
        family, _, given = latin.partition(",")
        if family.strip() and given.strip():
            latin = f"{family} {given}"
            family_first = True
    latin = latin.replace("<", " ").replace(",", " ")
    tokens = tuple(canonical_token(token) for token in _SEPARATORS.split(latin.casefold()) if token)
    return ParsedName(han=han, tokens=tuple(t for t in tokens if t), family_first=family_first)


@lru_cache(maxsize=100_000)
def canonical_token(token: str) -> str:
    """Lower-case NFC with Vietnamese tone marks placed by one rule and final -y spelt -i."""
    decomposed = unicodedata.normalize("NFD", token)
    tone = next((mark for mark in decomposed if mark in _TONE_MARKS), "")
    base = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONE_MARKS))
    base = "".join(char for char in base if char.isalpha())
    folded_base = fold(base)
    if _FINAL_Y.match(folded_base):
        base = base[:-1] + "i"
    if not tone:
        return base
    position = tone_position(base)
    if position < 0:
        return base
    placed = base[: position + 1] + tone + base[position + 1 :]
    return unicodedata.normalize("NFC", placed)


def tone_position(base: str) -> int:
    """Index of the vowel that carries the tone mark (traditional placement: hòa, thụy)."""
    start = next((i for i, char in enumerate(base) if char in _VIETNAMESE_VOWELS), -1)
    if start < 0:
        return -1
    # In qu- and gi- the u / i belong to the onset when another vowel follows (quý, giàu).
    onset_glide = start >= 1 and base[start - 1 : start + 1] in ("qu", "gi")
    if onset_glide and start + 1 < len(base) and base[start + 1] in _VIETNAMESE_VOWELS:
        start += 1
    end = start
    while end < len(base) and base[end] in _VIETNAMESE_VOWELS:
        end += 1
    cluster = range(start, end)
    if not cluster:
        return -1
    marked = [i for i in cluster if base[i] in _QUALITY_VOWELS]
    if marked:
        return marked[-1]
    if len(cluster) == 1:
        return start
    if end < len(base):
        return end - 1
    if len(cluster) == 2:
        return start
    return start + 1


@lru_cache(maxsize=50_000)
def fold(text: str) -> str:
    """ASCII retrieval form: diacritics dropped, đ → d, ü → v."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    decomposed = decomposed.replace("u\u0308", "v").replace("U\u0308", "V")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def has_vietnamese_marks(token: str) -> bool:
    decomposed = unicodedata.normalize("NFD", token)
    return any(char in _VIETNAMESE_ONLY_MARKS for char in token + decomposed)


def has_diacritics(token: str) -> bool:
    return fold(token) != token


def vietnamese_shaped(folded: str) -> bool:
    return _VIETNAMESE_SHAPE.match(folded) is not None


def normalise_name(name: str) -> str:
    """Canonical form: simplified characters, then Latin tokens family-first, lower case, NFC."""
    parsed = parse_name(name)
    parts = [parsed.han] if parsed.han else []
    parts.extend(parsed.tokens)
    return " ".join(parts)
