"""Neutrality screening of free text: flag what may rest on political, religious, military or
ethnic grounds, so a supervisor looks at it before it leaves the node."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from importlib import resources

GROUNDS = ("political", "religious", "military", "ethnic")


@dataclasses.dataclass(frozen=True, slots=True)
class Flag:
    ground: str
    term: str


@functools.cache
def _latin_look_alikes() -> dict[int, str]:
    """Letters of other scripts (and Latin variants) that Unicode's confusables table (UTS #39,
    via the confusable_homoglyphs package) lists as looking like plain Latin letters, mapped to
    those letters. Letters with marks are left alone: Vietnamese ơ, ư, đ carry meaning."""
    raw = json.loads((resources.files("confusable_homoglyphs") / "confusables.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for char, homoglyphs in raw.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        if unicodedata.normalize("NFD", char) != char or _has_cjk(char):
            continue
        latin = [h["c"] for h in homoglyphs if h["c"].isascii() and h["c"].isalpha()]
        if latin:
            table[ord(char)] = min(latin, key=len)
    return table


def canonical(text: str) -> str:
    """What screening reads: compatibility forms unified (fullwidth and mathematical letters
    become plain ones), invisible format characters (zero-width space, soft hyphen, joiners,
    direction marks) removed, and look-alike letters of other scripts read as the Latin letters
    they imitate, so a disguised word is read as the word it shows."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", text.translate(_latin_look_alikes()))


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese tone and vowel marks, keep đ distinct from d as 'd'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def _has_cjk(term: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in term)


def _exact(text: str) -> str:
    return unicodedata.normalize("NFC", text.lower())


@functools.cache
def _patterns() -> list[tuple[str, str, bool, re.Pattern[str]]]:
    """(ground, term, match_on_folded_text, pattern) for every listed term."""
    raw = json.loads((resources.files("borderlink.safeguards") / "data" / "neutrality.json").read_text("utf-8"))
    compiled = []
    for ground in GROUNDS:
        for term in raw[ground]:
            if _has_cjk(term):
                # Chinese has no spaces between words, so CJK terms match anywhere.
                compiled.append((ground, term, False, re.compile(re.escape(term))))
                continue
            # A single Vietnamese word loses its meaning without its marks (chùa "pagoda" folds
            # to the same letters as chưa "not yet"), so only phrases are matched unaccented.
            on_folded = fold(term) == _exact(term) or " " in term
            text = fold(term) if on_folded else _exact(term)
            compiled.append((ground, term, on_folded, re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")))
    return compiled


def screen(texts: Iterable[str]) -> list[Flag]:
    joined = canonical(" \n ".join(t for t in texts if t))
    folded, exact = fold(joined), _exact(joined)
    seen: set[tuple[str, str]] = set()
    flags = []
    for ground, term, on_folded, pattern in _patterns():
        if (ground, term) not in seen and pattern.search(folded if on_folded else exact):
            seen.add((ground, term))
            flags.append(Flag(ground, term))
    return flags
