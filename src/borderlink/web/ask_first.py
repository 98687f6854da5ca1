"""Asking before an action that cannot be undone, for a form that posts straight to the action.

The form posts as usual; without `confirmed=yes` the route answers with the shared confirmation
page (`web/confirm.html`), which posts the same fields again with `confirmed=yes`. Texts are
English message ids, shown in the reader's language."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse

from borderlink.web.templating import render

CONFIRMED_FIELD = "confirmed"


@dataclasses.dataclass(frozen=True, slots=True)
class Ask:
    heading: str
    consequence: str
    button: str
    action: str  # where the confirmed form posts
    cancel: str  # where "Cancel" leads
    summary: str = ""  # what it is about, as people wrote it
    fields: Mapping[str, str] = dataclasses.field(default_factory=dict)


def confirmed(values: Mapping[str, str]) -> bool:
    return values.get(CONFIRMED_FIELD) == "yes"


def ask_first(request: Request, ask: Ask) -> HTMLResponse:
    return render(request, "web/ask.html", {"ask": ask, "confirmed_field": CONFIRMED_FIELD})
