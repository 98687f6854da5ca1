"""Reading the pages' forms into the API's input schemas: lines of text, officials as
"name, title", and local date-times typed in the viewer's own zone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_NAME_TITLE = re.compile(r"\s*[,，]\s*")


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a text box."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def people(text: str | None) -> list[dict[str, str]]:
    """One person a line, "name, title" (the title may be left out)."""
    found = []
    for line in lines(text):
        parts = _NAME_TITLE.split(line, maxsplit=1)
        name, title = parts[0], parts[1] if len(parts) > 1 else ""
        found.append({"name": name, **({"title": title} if title else {})})
    return found


def local_moment(text: str | None, zone: str) -> str | None:
    """A `datetime-local` input's value, read in the viewer's zone, as an ISO instant with offset;
    text that is not a date-time is passed on as it is, for the schema to refuse."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def for_input(moment: dt.datetime | None, zone: str) -> str:
    """A stored instant as a `datetime-local` value in the viewer's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def optional(value: str) -> str | None:
    return value.strip() or None


def number(value: str) -> int | str | None:
    """A number input: an int when it is one, the text otherwise (refused by the schema)."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value
