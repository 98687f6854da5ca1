"""The offence allow-list: ICCS codes of ordinary transnational crime that BorderLink serves."""

from __future__ import annotations

import dataclasses
import functools
import json
from importlib import resources

from borderlink.errors import InvalidInput


@dataclasses.dataclass(frozen=True, slots=True)
class Offence:
    code: str
    en: str
    vi: str
    zh: str

    def label(self, language: str) -> str:
        if language.startswith("zh"):
            return self.zh
        return self.vi if language == "vi" else self.en


@functools.cache
def allowed_offences() -> dict[str, Offence]:
    raw = json.loads((resources.files("borderlink.safeguards") / "data" / "offences.json").read_text("utf-8"))
    return {item["code"]: Offence(**item) for item in raw["offences"]}


def require_allowed(code: str) -> Offence:
    offence = allowed_offences().get(code.strip())
    if offence is None:
        raise InvalidInput("Offence code %(code)s is not on the allow-list of ordinary transnational crime.",
                           field="offence_code", code=code)
    return offence
