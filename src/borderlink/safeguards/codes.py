"""The safeguards' code lists: grounds of neutrality screening, and the offence allow-list."""

from __future__ import annotations

from borderlink.safeguards.offences import allowed_offences
from borderlink.safeguards.screening import GROUNDS
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.safeguards")
CODE_LISTS["safeguards.offence"] = codelists.from_pairs(
    "safeguards.offence", "Offence on the allow-list, by ICCS code.",
    ((o.code, {"en": o.en, "vi": o.vi, "zh_Hans": o.zh}) for o in allowed_offences().values()),
)

if CODE_LISTS["safeguards.ground"].values() != GROUNDS:
    raise ValueError("safeguards.ground in data/codelists.json differs from GROUNDS")
