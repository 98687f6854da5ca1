"""The safeguards as a domain: the code lists of neutrality screening and the offence allow-list."""

from __future__ import annotations

from borderlink.safeguards import codes
from borderlink.shared.descriptor import Domain

DOMAIN = Domain(name="safeguards", code_lists=codes.CODE_LISTS)
