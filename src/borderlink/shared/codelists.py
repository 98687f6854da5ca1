"""Code lists: the closed sets of codes a domain uses (kinds, statuses, priorities, roles, tiers...).

Each domain keeps its lists in `data/codelists.json` beside its code: for every list a note for
translators and its codes, each with a label in every language of the node (vi, zh_Hans, en).
`make i18n` carries the labels into the message catalogs, with the list's name ("hotline.status")
as their gettext message context (msgctxt), so the same English word in two lists ("closed" of a
request and of a case) is translated apart, and labels are shown through the catalogs like every
other text; `make i18n-check` fails when a catalog and a data file disagree. The same list validates input, offers
the options of a form and shows a stored code to a reader. Codes that the Python code names are
StrEnums; a list bound to one must hold exactly the enum's values, checked when it is loaded.

In the database a code is always stored as its value (`enum_column`), never the member's name.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from sqlalchemy import Enum

from borderlink.errors import InvalidInput

LABEL_LANGUAGES = ("vi", "zh_Hans", "en")
FALLBACK_LANGUAGE = "en"
DATA_FILE = "codelists.json"
STORED_LENGTH = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Code:
    value: str
    labels: Mapping[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    note: str
    codes: tuple[Code, ...]

    def values(self) -> tuple[str, ...]:
        return tuple(code.value for code in self.codes)

    def __contains__(self, value: object) -> bool:
        return any(code.value == value for code in self.codes)

    def label(self, value: object, language: str) -> str:
        """The code's label in a language, from the message catalog under this list's context (the
        data file's label until `make i18n` has carried it there); a code not on the list (a newer
        peer's) shows as itself."""
        from borderlink.web.i18n import pgettext  # the catalogs, read once per language

        text = str(value.value if isinstance(value, enum.Enum) else value)
        for code in self.codes:
            if code.value == text:
                english = code.labels[FALLBACK_LANGUAGE]
                return (pgettext(language, self.name, english) or code.labels.get(language)
                        or english)
        return text

    def messages(self) -> list[tuple[str, dict[str, str]]]:
        """(English label, the labels by language) of each code: the catalog entries of the list,
        under its name as message context."""
        return [(code.labels[FALLBACK_LANGUAGE], dict(code.labels)) for code in self.codes]

    def options(self, language: str) -> list[tuple[str, str]]:
        """(value, label) pairs in the list's order, for a form's select."""
        return [(code.value, self.label(code.value, language)) for code in self.codes]

    def require(self, value: str, *, field: str | None = None) -> str:
        """The value, if it is on the list; else a refusal naming the field."""
        if value not in self:
            raise InvalidInput("%(value)s is not one of the codes allowed here", field=field, value=value)
        return value

    def problems(self) -> list[str]:
        """What is wrong with the list's data: missing labels, repeated codes."""
        found = []
        seen: set[str] = set()
        for code in self.codes:
            if code.value in seen:
                found.append(f"{self.name}: code {code.value!r} listed twice")
            seen.add(code.value)
            for language in LABEL_LANGUAGES:
                if not code.labels.get(language, "").strip():
                    found.append(f"{self.name}: code {code.value!r} has no {language} label")
        return found


def _parse(name: str, raw: Any) -> CodeList:
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), list):
        raise ValueError(f"code list {name}: needs a 'codes' list")
    codes = []
    for item in raw["codes"]:
        labels = {language: str(item.get(language, "")) for language in LABEL_LANGUAGES}
        codes.append(Code(value=str(item["code"]), labels=labels))
    return CodeList(name=name, note=str(raw.get("note", "")), codes=tuple(codes))


def load(package: str, enums: Mapping[str, type[enum.StrEnum]] | None = None) -> dict[str, CodeList]:
    """The code lists of one domain package, from its data file; `enums` binds lists to enums,
    whose values must be the list's codes in the same order."""
    text = (resources.files(package) / "data" / DATA_FILE).read_text(encoding="utf-8")
    return parse(package, text, enums)


def parse(where: str, text: str, enums: Mapping[str, type[enum.StrEnum]] | None = None) -> dict[str, CodeList]:
    """Code lists from the text of a data file; see `load`."""
    lists = {name: _parse(name, raw) for name, raw in json.loads(text).items()}
    for name, kind in (enums or {}).items():
        if name not in lists:
            raise ValueError(f"{where}: no code list {name} for {kind.__name__}")
        expected = tuple(member.value for member in kind)
        if lists[name].values() != expected:
            raise ValueError(f"{where}: code list {name} has {lists[name].values()}, "
                             f"{kind.__name__} has {expected}")
    return lists


def from_pairs(name: str, note: str, rows: Iterable[tuple[str, Mapping[str, str]]]) -> CodeList:
    """A list built from data a domain keeps in a shape of its own (e.g. the offence allow-list)."""
    return CodeList(name=name, note=note, codes=tuple(Code(value, dict(labels)) for value, labels in rows))


def enum_column(kind: type[enum.Enum]) -> Enum:
    """The column type of an enum: its values as plain text, the same on SQLite and PostgreSQL."""
    return Enum(kind, native_enum=False, length=STORED_LENGTH, values_callable=lambda e: [m.value for m in e])
