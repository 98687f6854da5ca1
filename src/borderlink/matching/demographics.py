"""Gender and nationality codes as they arrive from either side of the border."""

from __future__ import annotations

import unicodedata

_GENDERS: dict[str, str] = {
    "m": "M",
    "male": "M",
    "man": "M",
    "nam": "M",
    "男": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "nu": "F",
    "nữ": "F",
    "女": "F",
}

# ISO 3166-1 alpha-3 for the countries a border screening sees most, with their usual spellings.
_COUNTRIES: dict[str, tuple[str, ...]] = {
    "VNM": ("vn", "vietnam", "viet nam", "việt nam", "socialist republic of viet nam", "越南"),
    "CHN": ("cn", "china", "prc", "people's republic of china", "中国", "中國", "trung quốc"),
    "LAO": ("la", "laos", "lao pdr", "lào", "老挝"),
    "KHM": ("kh", "cambodia", "campuchia", "柬埔寨"),
    "THA": ("th", "thailand", "thái lan", "泰国"),
    "MMR": ("mm", "myanmar", "burma", "缅甸"),
    "HKG": ("hk", "hong kong", "香港"),
    "MAC": ("mo", "macao", "macau", "澳门"),
    "TWN": ("tw", "taiwan", "台湾"),
    "KOR": ("kr", "south korea", "korea", "hàn quốc", "韩国"),
    "PRK": ("kp", "north korea", "朝鲜"),
    "JPN": ("jp", "japan", "nhật bản", "日本"),
    "USA": ("us", "united states", "usa", "mỹ", "美国"),
    "GBR": ("gb", "uk", "united kingdom", "anh", "英国"),
    "RUS": ("ru", "russia", "nga", "俄罗斯"),
    "FRA": ("fr", "france", "pháp", "法国"),
    "DEU": ("de", "germany", "đức", "德国"),
    "AUS": ("au", "australia", "úc", "澳大利亚"),
    "CAN": ("ca", "canada", "加拿大"),
    "SGP": ("sg", "singapore", "新加坡"),
    "MYS": ("my", "malaysia", "马来西亚"),
    "IDN": ("id", "indonesia", "印度尼西亚"),
    "PHL": ("ph", "philippines", "菲律宾"),
    "IND": ("in", "india", "印度"),
    "NPL": ("np", "nepal", "尼泊尔"),
}

_NATIONALITY_LOOKUP: dict[str, str] = {
    alias: code for code, aliases in _COUNTRIES.items() for alias in (code.lower(), *aliases)
}


def normalise_gender(value: str | None) -> str | None:
    """Return "M", "F" or None (unknown or unreadable)."""
    if not value:
        return None
    key = unicodedata.normalize("NFC", value).strip().casefold()
    return _GENDERS.get(key)


def normalise_nationality(value: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code; an unknown three-letter code is kept as given, upper-cased."""
    if not value:
        return None
    key = " ".join(unicodedata.normalize("NFC", value).strip().casefold().split())
    if key in _NATIONALITY_LOOKUP:
        return _NATIONALITY_LOOKUP[key]
    if len(key) == 3 and key.isascii() and key.isalpha():
        return key.upper()
    return None


def normalise_document_number(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = "".join(char for char in value.upper() if char.isalnum())
    return cleaned or None
