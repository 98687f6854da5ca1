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
    joined = " \n ".join(t for t in texts if t)
    folded, exact = fold(joined), _exact(joined)
    seen: set[tuple[str, str]] = set()
    flags = []
    for ground, term, on_folded, pattern in _patterns():
        if (ground, term) not in seen and pattern.search(folded if on_folded else exact):
            seen.add((ground, term))
            flags.append(Flag(ground, term))
    return flags
