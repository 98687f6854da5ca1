"""Translations from the Babel catalogs (vi, zh_Hans, en), and per-viewer time display."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po

from borderlink.shared.forms import N_

if TYPE_CHECKING:
    from starlette.requests import Request

LANGUAGES = ("vi", "zh_Hans", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "zh_Hans": "简体中文", "en": "English"}
Translator = Callable[..., str]


def request_language(request: Request) -> str:
    """The language this request is answered in: chosen when its caller was recognised."""
    return str(getattr(request.state, "language", "en"))


@functools.cache
def _entries(language: str) -> dict[tuple[str | None, str], str]:
    """Every translated message of one language by (message context, message id), read straight
    from its .po file."""
    path = resources.files("borderlink.web") / "translations" / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {(m.context, str(m.id)): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


@functools.cache
def catalog(language: str) -> dict[str, str]:
    """The message table of one language: the messages without a context."""
    return {message: text for (context, message), text in _entries(language).items() if context is None}


def pgettext(language: str, context: str, message: str) -> str | None:
    """A message of a context (gettext's msgctxt: a code list's name for its labels, so the same
    English word in two lists is translated apart), or None when the catalog lacks it."""
    return _entries(language if language in LANGUAGES else "en").get((context, message))


def translator(language: str) -> Translator:
    table = catalog(language if language in LANGUAGES else "en")

    def gettext(message: str, **values: object) -> str:
        text = table.get(message, message)
        return text % values if values else text

    return gettext


def pick_language(*candidates: str | None, accept_language: str | None = None, default: str = "en") -> str:
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh_Hans"
        if tag.startswith("vi"):
            return "vi"
        if tag.startswith("en"):
            return "en"
    return default


def babel_locale(language: str) -> str:
    return {"zh_Hans": "zh_Hans_CN", "vi": "vi_VN"}.get(language, "en_GB")


def local_time(moment: dt.datetime | None, zone: str, language: str, fmt: str = "medium") -> str:
    """A UTC moment shown in the viewer's own zone and language, with the zone's offset."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone))
    text = format_datetime(local, format=fmt, locale=babel_locale(language))
    offset = local.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    return f"{text} (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"



# Each side's own clock, where the two sides must agree on a time (a deadline, a handover).
SIDE_ZONES = {"VN": "Asia/Ho_Chi_Minh", "CN": "Asia/Shanghai"}
SIDE_NAMES = {"VN": N_("Vietnam"), "CN": N_("China")}


def side_times(moment: dt.datetime | None, language: str, fmt: str = "medium") -> list[tuple[str, str]]:
    """A moment as each side's clock shows it: (the side's name, the time with its offset)."""
    if moment is None:
        return []
    gettext = translator(language)
    return [(gettext(SIDE_NAMES[party]), local_time(moment, zone, language, fmt)) for party, zone in SIDE_ZONES.items()]
