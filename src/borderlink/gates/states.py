"""Codes a machine-readable zone may carry for the issuing state or the holder's nationality.

ISO 3166-1 alpha-3 codes, those of states since withdrawn (their documents may still be read, if
only to see that they expired), and the codes Doc 9303 Part 3 adds: Germany's `D`, the British
nationality classes, international organisations, stateless persons and refugees, and `UTO` of the
specimens.
"""

from __future__ import annotations

import functools

import pycountry

DOC_9303_CODES = {
    "D": "Germany",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "EUE": "European Union",
    "RKS": "Kosovo",
    "UNO": "United Nations Organization",
    "UNA": "Specialized agency of the United Nations",
    "UNK": "Resident of Kosovo (UNMIK)",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XDC": "Southern African Development Community",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XGC": "Gulf Cooperation Council",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "International Criminal Police Organization",
    "XXA": "Stateless person",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other)",
    "XXX": "Unspecified nationality",
    "UTO": "Utopia (specimen documents)",
}


@functools.cache
def known_codes() -> frozenset[str]:
    current = {country.alpha_3 for country in pycountry.countries}
    withdrawn = {country.alpha_3 for country in pycountry.historic_countries}
    return frozenset(current | withdrawn | set(DOC_9303_CODES))


def is_known(code: str) -> bool:
    """`code` without its fillers, e.g. "VNM", "D" or "XXA"."""
    return code in known_codes()
